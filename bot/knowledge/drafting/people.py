"""Who takes part in a programme item or a session, as the lines around it say.

"v. KKR-formand Lasse Frimand Jensen" (host of a welcome), "Oplæg v./ Anette Vinther Mortensen,
socialpædagog og forfatter", "Ordstyrer: Thøger Riis Michelsen", "Paneldebat med politikere og
Annemette Digmann", "Vinni Bøgelund Jensen, kvalitetskonsulent Region Midtjylland, er facilitator
på workshoppen", "Keynote by Jane Smith, Director".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.drafting.names import MARKERS, Named, find_names, is_role_word
from bot.knowledge.drafting.reading import Line
from bot.knowledge.drafting.roles import join_roles, listed_after, role_after, role_before

_PART_WORDS = (
    (re.compile(r"(?i)\b(?:ordstyrer|moderator|moderated by|ordstyring)\b"), "moderator"),
    (re.compile(r"(?i)\b(?:facilitator|faciliteres af|facilitated by)\b"), "facilitator"),
    (re.compile(r"(?i)\b(?:paneldebat|panel|panelet|debattører)\b"), "panel"),
    (re.compile(r"(?i)\b(?:vært|host|hosted by)\b"), "host"),
    (re.compile(r"(?i)\b(?:optræder|spiller|synger|musik|performed by)\b"), "performer"),
)
# "Name, role, er facilitator på workshoppen" / "Name er ordstyrer"
_IS_PART = re.compile(
    r"\b(?:er|is|will be|bliver)\s+(?:dagens\s+|the\s+)?"
    r"(facilitator|ordstyrer|moderator|vært|host)\b",
    re.IGNORECASE,
)
_SPEAKER_LINE = re.compile(
    rf"^\s*(?:(?:oplæg|foredrag|indslag|velkomst|afrunding|keynote|talk|presentation)\s+)?"
    rf"(?:{MARKERS.pattern})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Speaking:
    """A person's part, found in a line."""

    name: str
    role: str | None
    part: str
    line: Line
    start: int
    end: int
    begin: int = -1  # where its marker begins ("ved", "v/"), if it has one


def part_of(text: str, default: str) -> str:
    for pattern, part in _PART_WORDS:
        if pattern.search(text[:40]):
            return part
    return default


def is_speaker_line(text: str) -> bool:
    """A line that names who speaks rather than what is said ("v. ...", "Ordstyrer: ...")."""
    return bool(_SPEAKER_LINE.match(text)) and bool(find_names(text, introduced=True))


def speakers_in(text: str, line: Line, default: str = "speaker") -> list[Speaking]:
    """The people a line names as taking part: after a marker, or with "er facilitator"."""
    found: list[Speaking] = []
    seen: set[str] = set()
    for marker in MARKERS.finditer(text):
        clause_end = _clause_end(text, marker.end())
        clause = text[marker.end() : clause_end]
        part = part_of(text[max(0, marker.start() - 30) : marker.end()], default)
        # the introduced names: the first, and those listed after it ("X, role, og Y, role")
        reach: int | None = None
        previous_end = marker.end()
        names = find_names(clause, introduced=True)
        for k, named in enumerate(names):
            start, end = marker.end() + named.start, marker.end() + named.end
            if reach is not None and start < reach:
                continue  # a name inside the role of the one before ("Center for Autisme Sydvest")
            if not named.known and re.search(r"(?i)\b(?:fra|from|of)\s*$", clause[: named.start]):
                continue  # "ved en repræsentant fra Socialtilsyn Midt": a body, not a person
            if (
                reach is None
                and not named.known
                and any(
                    n.known and not re.search(r"[,;.!?]", clause[named.end : n.start])
                    for n in names[k + 1 :]
                )
            ):
                continue  # "Deputy Mayor for Social Affairs and Employment Anja Kristiansen"
            if reach is not None and not listed_after(text[reach:start], named.known):
                break
            role, reach = role_after(text, end)
            if named.name in seen:
                continue
            before = role_before(text, start, previous_end if found else None)
            previous_end = reach
            seen.add(named.name)
            found.append(
                Speaking(
                    named.name, join_roles(before, role), part, line, start, end, marker.start()
                )
            )
    for match in _IS_PART.finditer(text):
        head = text[: match.start()]
        names = find_names(head)
        if not names:
            continue
        named = names[-1]
        if named.name in seen:
            continue
        role, _ = role_after(head, named.end)
        word = match[1].casefold()
        part = {"ordstyrer": "moderator", "vært": "host"}.get(word, word)
        seen.add(named.name)
        found.append(Speaking(named.name, role, part, line, named.start, named.end))
    return found


def listed_names(text: str, line: Line, part: str) -> list[Speaking]:
    """Known people listed one after another with their roles and no marker: "Ulrik Wilbek,
    Formand KL's socialudvalg Leif Gjørtz Christensen, Regionskredsformand SIND Midtjylland"."""
    found: list[Speaking] = []
    for named in find_names(text):
        role, _ = role_after(text, named.end)
        found.append(Speaking(named.name, role, part, line, named.start, named.end))
    return found


def _clause_end(text: str, start: int) -> int:
    """Where the clause that a marker opens ends: at a sentence's end or another marker."""
    match = re.search(r"[.!?](?:\s+[A-ZÆØÅ]|\s*$)|;", text[start:])
    end = start + match.start() if match else len(text)
    if (
        match
        and text[start + match.start()] == "."
        and re.search(
            r"(?:\b(?:ph\.d|cand\.\w+|adm|mag|dr|v|ca|bl\.a)|\b[A-ZÆØÅ])$",
            text[start : start + match.start()],
        )
    ):
        return _clause_end(text, start + match.end() - 1)
    return end


_SEPARATOR = re.compile(r"\s[–-]\s|[:?!]\s|,\s|\(|^")


def named_in(
    text: str, line: Line, default: str = "speaker", floor: int | None = None
) -> list[Speaking]:
    """People a line names without a word that introduces them: a known first name with their
    role written before it (after a dash, a comma or a colon) or after it ("Welcome – Chair of
    the Committee, Region Zealand, Marianne Friis"; "peer worker Sanne Bork and user
    representative Rūta Petrauskienė in conversation"; "Senior Adviser Henrik Sand, Aarhus
    Municipality"). ``floor``: where the first one's role may begin."""
    found: list[Speaking] = []
    reach: int | None = None
    previous_end = 0
    lead = _leading_name(text)
    for named in find_names(text, introduced=True):
        if reach is not None and named.start < reach:
            continue
        if reach is None and not named.known and named not in lead:
            continue
        if reach is not None and not named.known and not listed_after(text[reach : named.start]):
            continue
        if '"' in text[: named.start] and text[: named.start].count('"') % 2:
            continue  # inside a quotation: a title, not a person
        role, reach = role_after(text, named.end)
        if found:
            begin = previous_end
        else:
            begin = floor if floor is not None else _role_floor(text, named.start)
        before = role_before(text, named.start, begin)
        previous_end = reach
        found.append(
            Speaking(named.name, join_roles(before, role), default, line, named.start, named.end)
        )
    return found


def title_cut(text: str, start: int) -> int | None:
    """Where an item's title ends before the person it then names: at the first dash or question
    mark before them ("Welcome – Chair of ..., Marianne Friis")."""
    match = re.search(r"\s[–-]\s|\?\s", text[:start])
    return match.start() + (1 if match[0].startswith("?") else 0) if match else None


def _role_floor(text: str, start: int) -> int:
    """Where the role before a name may begin: after the last dash, colon or comma before it,
    else at the start of the line."""
    cuts = [m.end() for m in _SEPARATOR.finditer(text[:start])]
    return max(cuts) if cuts else 0


def _leading_name(text: str) -> list[Named]:
    """A name at a line's start followed by its role ("Yrsa Kvist, sagsbehandler, ..."), first
    name known or not."""
    found = [n for n in find_names(text, introduced=True) if n.start == 0]
    after = text[found[0].end :] if found else ""
    match = re.match(r",\s*(\S+)", after)
    return found if match and is_role_word(match[1]) else []


def person_line(text: str) -> bool:
    """A line that names a person and their role and nothing more ("Senior Adviser Henrik
    Sand, Aarhus Municipality", "Jens Hansen, borgmester")."""
    names = find_names(text) or _leading_name(text)
    if not names or len(text.split()) > 16 or re.search(r"[.!?]\s+\S", text):
        return False
    head = text[: names[0].start].split()
    return len(head) <= 4 and all(is_role_word(w) or w[:1].isupper() for w in head)
