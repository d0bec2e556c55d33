"""The venue's accessibility as an invitation states it (``venue.access`` in the knowledge).

Each line is taken clause by clause ("Der er niveaufri adgang og handicaptoilet." is two), and a
clause that names one of the access fields gives it, from that line:

- a plain statement ("Der er niveaufri adgang", "handicaptoilet", "teleslynge i salen",
  "There is a hearing loop") is ``true``;
- a negated one ("ingen teleslynge", "der er ikke niveaufri adgang", "no quiet room") is
  ``false``;
- anything more ("Handicaptoilet på 1. sal", "Elevator til salen") is kept in the source's own
  words, which the bot says as written;
- public transport and seating are always the source's words ("5 minutters gang fra Nørreport
  station").

What the invitation does not state is left out: the bot then hands the question to staff rather
than guess. The first statement of a field wins; a later one that disagrees makes it unsure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from bot.i18n import N_
from bot.knowledge.drafting.model import Found, Note
from bot.knowledge.drafting.text import Entry, blocks

# What names each field, Danish and English (matched on whole words, case-folded).
_NAMES: Final = {
    "step_free": (
        r"niveaufri(?:t)?\s+adgang|trinfri(?:t)?\s+adgang|adgang\s+uden\s+(?:trin|trapper)"
        r"|kørestolsvenlig\w*|tilgængelig\w*\s+for\s+kørestolsbrugere|handicapvenlig\s+adgang"
        r"|(?:fuldt|helt)\s+tilgængelig\w*|fully\s+accessible"
        r"|step[- ]free(?:\s+access)?|level\s+access|wheelchair[- ]accessible(?!\s+toilet)"
        r"|elevator|lift\b"
    ),
    "accessible_toilet": (
        r"handicap[- ]?toilet(?:ter)?|tilgængelig\w*\s+toilet\w*|accessible\s+toilets?"
        r"|disabled\s+toilets?|wheelchair[- ]accessible\s+toilets?"
    ),
    "hearing_loop": r"teleslynge\w*|hearing\s+loops?|induction\s+loops?|t-?slynge",
    "disabled_parking": (
        r"handicap[- ]?parkering\w*|handicap[- ]?pladser|parkering\s+for\s+(?:handicappede|"
        r"bevægelseshæmmede)|disabled\s+parking|accessible\s+parking|blue[- ]badge\s+parking"
    ),
    "quiet_room": r"stille[- ]?rum(?:met)?|hvilerum(?:met)?|quiet\s+rooms?|calm\s+rooms?",
    "seating": (
        r"armlæn|kørestolspladser|pladser\s+til\s+kørestol\w*|stole\s+med\s+armlæn"
        r"|wheelchair\s+(?:spaces|places)|chairs\s+with\s+arm\s?rests"
    ),
}
# Public transport: a stop or station together with a distance or a line ("5 minutters gang fra
# Nørreport station", "bus 3 og 5 stopper ved Rådhuset", "10 minutes' walk from the station").
_TRANSPORT: Final = re.compile(
    r"(?:\b\d+\s*(?:minutters?|min\.?|minutes?'?)\s*(?:gang|walk)\b|\bgå(?:afstand|tur)\b"
    r"|\b\d+[- ]minutes?'?s?[- ]walk\b|\b\d+\s*(?:m|meter|km)\s+(?:fra|from)\b"
    r"|\b(?:bus(?:linje|line)?|linje|line|letbane|s-tog|metro|tog)\s+(?:nr\.?\s*)?[0-9A-Z]+\b"
    r"|\bstopper\s+(?:ved|lige)|\bstops?\s+(?:at|right|outside))",
    re.IGNORECASE,
)
_STOP: Final = re.compile(
    r"station|stoppested|busstop|\bbus\b|letbane|metro|s-tog|\btog\b|stop\b|train|tram",
    re.IGNORECASE,
)
_NEGATION: Final = re.compile(
    r"\b(?:ingen|ikke|intet|uden|desværre\s+ikke|no|not|without|isn't|there\s+is\s+no)\b",
    re.IGNORECASE,
)
# What may stand around a field's name in a plain "yes": "Der er ...", "... i salen".
_FILLER: Final = re.compile(
    r"^(?:(?:(?:salen|stedet|lokalet|lokalerne|huset|bygningen|the\s+venue|the\s+hall|the\s+room"
    r"|the\s+building)\s+(?:er|har|is|has)(?:\s+udstyret\s+med|\s+equipped\s+with)?"
    r"|og|and|samt|også|also|desuden|der\s+er|der\s+findes"
    r"|there\s+is|there\s+are|there's|the\s+venue\s+has|we\s+have|vi\s+har|med|with|både|"
    r"an?|en|et|god|fuld|full|good)\s+)*(?P<name>.+?)"
    r"(?:\s+(?:i\s+salen|på\s+stedet|i\s+huset|in\s+the\s+(?:room|hall)|on\s+site|at\s+the\s+venue"
    r"|til\s+rådighed|available))?$",
    re.IGNORECASE,
)
# A sentence about what participants may ask for ("Oplys gerne særlige behov, fx teleslynge")
# says nothing about the venue.
_ASKING: Final = re.compile(
    r"\b(?:behov|oplys\w*|fortæl\w*|giv\w*\s+besked|bestil\w*|ønske[rs]?|fx|f\.eks|needs?"
    r"|let\s+us\s+know|tell\s+us|request\w*|e\.g)\b",
    re.IGNORECASE,
)
_SENTENCES: Final = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“])")
_CLAUSES: Final = re.compile(
    r"\s*(?:[.;!]\s+(?=[A-ZÆØÅ])|[.;!]$|;\s+|,\s+|\s+og\s+|\s+and\s+|\s+samt\s+)\s*"
)
_BULLET: Final = re.compile(r"^\s*(?:[-•*–·]|\d+[.)])\s*")
TEXT_ONLY: Final = frozenset({"public_transport", "seating"})
# A clause longer than this is no statement about access but prose that mentions it.
MAX_WORDS: Final = 16


@dataclass
class AccessDraft:
    """The access fields the invitation states, each with its line."""

    fields: dict[str, Found[bool | str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.fields


def _clauses(text: str) -> list[str]:
    return [c.strip(" :-–") for c in _CLAUSES.split(text) if c and c.strip(" :-–")]


def _value(key: str, clause: str, sentence: str) -> bool | str:
    """True, False, or the source's words, for a clause that names the field ``key``."""
    if key in TEXT_ONLY:
        return sentence
    name = re.search(_NAMES[key], clause, re.IGNORECASE)
    assert name is not None
    before = clause[: name.start()]
    step_free_words = key == "step_free" and re.match(r"adgang\s+uden", name.group(0), re.I)
    if _NEGATION.search(before) and not step_free_words:
        return False
    plain = _FILLER.match(clause)
    if plain is not None and re.fullmatch(_NAMES[key], plain.group("name"), re.IGNORECASE):
        # "Der er elevator" is no promise of step-free access: said in the source's words.
        return sentence if re.fullmatch(r"elevator|lift", plain.group("name"), re.I) else True
    return sentence


def _sentence(text: str) -> str:
    """The line as a value: without its bullet, with a capital and without a final colon."""
    text = _BULLET.sub("", text).strip().rstrip(":")
    return text[:1].upper() + text[1:]


def _logical_lines(block: list[Entry]) -> list[tuple[str, list[tuple[int, Entry]]]]:
    """A paragraph's lines with a wrapped line joined to the one it goes on from (the next
    begins in lower case and the line has no end of its own); each with where its lines begin."""
    joined: list[tuple[str, list[tuple[int, Entry]]]] = []
    for entry in block:
        text = _BULLET.sub("", entry.text.strip()) if _BULLET.match(entry.text) else entry.text
        text = text.strip()
        if joined and text[:1].islower() and not re.search(r"[.!?:]$", joined[-1][0]):
            before, starts = joined[-1]
            # "kørestols-" / "plads" is one word
            glued = before[:-1] + text if before.endswith("-") else f"{before} {text}"
            starts.append((len(glued) - len(text), entry))
            joined[-1] = (glued, starts)
        else:
            joined.append((text, [(0, entry)]))
    return joined


def _entry_at(starts: list[tuple[int, Entry]], offset: int) -> Entry:
    return [entry for start, entry in starts if start <= offset][-1]


def find_access(items: list[Entry]) -> AccessDraft:
    """The access fields stated in the invitation (first statement of each), sentence by
    sentence, each from the line that names it."""
    access = AccessDraft()
    for block in blocks(items):
        for text, starts in _logical_lines(block):
            offset = 0
            for sentence in _SENTENCES.split(text):
                at = text.find(sentence, offset)
                offset = at + len(sentence)
                if (
                    not sentence
                    or _ASKING.search(sentence)
                    or len(sentence.split()) > 3 * MAX_WORDS
                ):
                    continue
                _read_sentence(access, sentence, starts, at)
    return access


def _read_sentence(
    access: AccessDraft, sentence: str, starts: list[tuple[int, Entry]], at: int
) -> None:
    said = _sentence(sentence)
    transport = _TRANSPORT.search(sentence)
    if transport is not None and _STOP.search(sentence):
        _keep(access, "public_transport", said, _entry_at(starts, at + transport.start()))
    for clause in _clauses(sentence):
        if len(clause.split()) > MAX_WORDS:
            continue
        where = at + max(sentence.find(clause), 0)
        for key, names in _NAMES.items():
            if re.search(rf"(?<!\w)(?:{names})(?!\w)", clause, re.IGNORECASE):
                _keep(access, key, _value(key, clause, said), _entry_at(starts, where))


def _keep(access: AccessDraft, key: str, value: bool | str, entry: Entry) -> None:
    found = access.fields.get(key)
    if found is None:
        access.fields[key] = Found(value, entry.line)
        return
    if found.value != value and isinstance(found.value, bool) and isinstance(value, bool):
        found.unsure = Note.of(
            N_("the source says this twice, differently (also line {line}); check it"),
            line=entry.line.number,
        )
