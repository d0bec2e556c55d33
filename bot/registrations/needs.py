"""Reading what a person needs to take part from what they write, in Danish or English.

People name needs in their own words: "jeg bruger rollator", "jeg er hørehæmmet", "jeg tåler ikke
laktose", "min ledsager kommer med", "I use a wheelchair". The clause reader
(``bot.understanding.need_statements``) cuts a message into clauses, learns which need each is
about from a corpus of need statements, and decides by explicit rules whether it states the need,
withdraws it ("har ikke brug for tolk", "ingen særlige behov"), asks about it ("Har I
teleslynge?"), speaks of someone else ("Ulla kører i kørestol") or of an earlier time; lines
quoted with ">" are never read. Here those clauses become what a registration keeps.

What a person stated wins over what they withdrew in the same message ("Jeg har ikke førerhund
med", then "stor skrift"). The words kept with each kind are the person's own sentence. Hearing
("hørehæmmet") is read as a loop, unless an interpreter is said to follow from it ("…, så jeg
skal have skrivetolk") or the loop is refused by name beside one: then it is what the interpreter
is for. A companion is named by a full name, or by a first name where the sentence says who it is
("min kone Ruth").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import Lang, translator
from bot.understanding.need_statements import (
    COMPANION,
    DIET,
    HEARING_LOOP,
    NEED_KINDS,
    OTHER,
    SIGN_LANGUAGE,
    VISUAL,
    WHEELCHAIR,
    WRITING_INTERPRETER,
    need_clauses,
)
from bot.understanding.text import skeleton

__all__ = [
    "COMPANION",
    "DIET",
    "HEARING_LOOP",
    "NEED_KINDS",
    "OTHER",
    "SIGN_LANGUAGE",
    "VISUAL",
    "WHEELCHAIR",
    "WRITING_INTERPRETER",
    "NeedsRead",
    "merged",
    "need_label",
    "noted_text",
    "read_needs",
]
# How many companions one registration may bring; more is a conversation with staff.
MAX_COMPANIONS = 3
WORDS_LIMIT = 500

# The words for a helper, to count them ("to hjælpere") and to keep them out of names.
_COMPANION_WORD = (
    r"(?:\w*ledsager|\w*hjelper|assistent|stotteperson|companion|helper|assistant|carer)\w*"
)
_NUMBER = {"to": 2, "tre": 3, "two": 2, "three": 3, "2": 2, "3": 3}
# A person's name as written: capitalised words (a hyphen or an apostrophe within).
_NAME = re.compile(
    r"(?<![\w@.])[A-ZÆØÅÉ][a-zæøåéü]+(?:[-'][A-ZÆØÅa-zæøå]+)?"
    r"(?:\s+[A-ZÆØÅÉ][a-zæøåéü]+(?:[-'][A-ZÆØÅa-zæøå]+)?){1,3}"
)
# Who a first name alone is: a helper or a relation right before it, or "hedder", "called".
_FIRST_NAME = re.compile(
    r"(?i:\b(?:\w*ledsager\w*|\w*hjælper\w*|assistent\w*|støtteperson\w*|companion|helper"
    r"|assistant|carer|kone|hustru|mand|søster|bror|datter|søn|veninde|ven|nabo|wife|husband"
    r"|sister|brother|daughter|son|friend|partner|hedder|called|named))"
    r",?\s+(?P<name>[A-ZÆØÅÉ][a-zæøåéü]+)\b(?![-'\w]|\s+[A-ZÆØÅÉ])"
)
_NOT_NAME_WORDS = frozenset(
    "jeg min mit mine my i vi hej desuden han hun det der den de ja nej tak og and the "
    "hermed tilmelding formand kære dear hi hello til fra også we our vores".split()
)


@dataclass(frozen=True)
class NeedsRead:
    """What a message says about needs: kinds stated (with the person's words), kinds withdrawn,
    and the person's own companions (how many, and names where given)."""

    found: dict[str, str] = field(default_factory=dict)
    withdrawn: frozenset[str] = frozenset()
    # "ingen særlige behov": every earlier need is withdrawn, unless stated again here.
    none_at_all: bool = False
    companions: int = 0
    companion_names: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in NEED_KINDS if k in self.found)

    @property
    def says_anything(self) -> bool:
        return bool(self.found or self.withdrawn or self.none_at_all)


def read_needs(text: str | None, *, own_name: str | None = None) -> NeedsRead:
    """The needs a message states and withdraws; ``own_name`` is never a companion's name."""
    found: dict[str, list[str]] = {}
    withdrawn: set[str] = set()
    none_at_all = False
    companions = 0
    names: list[str] = []
    # The loop itself named where stated or withdrawn, not only the hearing that needs help.
    loop_named: dict[bool, bool] = {True: False, False: False}
    # Hearing that other help is said to follow from ("hører dårligt, så … uden tekst").
    hearing_explained = False
    for sentence, clauses in need_clauses(text):
        for i, clause in enumerate(clauses):
            if _LOOP_WORD.search(skeleton(clause.text.casefold())):
                loop_named[True] |= HEARING_LOOP in clause.states
                loop_named[False] |= HEARING_LOOP in clause.withdrawn
            elif HEARING_LOOP in clause.states:
                hearing_explained |= any(
                    later.follows and set(later.states) & _HEARING_AIDS
                    for later in clauses[i + 1 :]
                )
        # Within a sentence the last word on a need counts: "Jeg er hørehæmmet, men klarer mig
        # uden teleslynge" withdraws it; across sentences a need stated wins (see above).
        last: dict[str, bool] = {}
        for clause in clauses:
            last.update(dict.fromkeys(clause.states, True))
            last.update(dict.fromkeys(clause.withdrawn, False))
            none_at_all = none_at_all or clause.withdraws_all
        stated_here = {kind for kind, stated in last.items() if stated}
        withdrawn.update(kind for kind, stated in last.items() if not stated)
        if stated_here - {OTHER}:
            # "Other" is what no kind names: beside a named need it is part of that need
            # ("kørestol, og har brug for et bord"); the sentence is kept as the words.
            stated_here.discard(OTHER)
        words = " ".join(sentence.split())[:WORDS_LIMIT]
        for kind in stated_here:
            found.setdefault(kind, [])
            if words not in found[kind]:
                found[kind].append(words)
        if COMPANION in stated_here:
            here = _names(sentence, own_name)
            names.extend(n for n in here if n not in names)
            companions = max(companions, _count(skeleton(sentence.casefold())), len(names), 1)
    if (
        HEARING_LOOP in found
        and not loop_named[True]
        and (hearing_explained or loop_named[False])
        and found.keys() & _HEARING_AIDS
    ):
        # "Jeg hører dårligt, så jeg skal have skrivetolk", "Jeg er hørehæmmet og har brug for
        # skrivetolk. Teleslynge kan jeg ikke bruge": the hearing is what the other help is for.
        # Said only side by side ("hørehæmmet og har brug for skrivetolk"), both are kept.
        del found[HEARING_LOOP]
    if COMPANION in found:
        companions = min(max(companions, len(names), 1), MAX_COMPANIONS)
    else:
        companions, names = 0, []
    return NeedsRead(
        found={kind: " ".join(found[kind])[:WORDS_LIMIT] for kind in NEED_KINDS if kind in found},
        withdrawn=frozenset(withdrawn - found.keys()),
        none_at_all=none_at_all and not found,
        companions=companions,
        companion_names=tuple(names[:MAX_COMPANIONS]),
    )


def _count(folded: str) -> int:
    """ "to hjælpere", "two assistants": the number said right before the companion word."""
    match = re.search(rf"\b(to|tre|two|three|2|3)\s+(?:\w+\s+)?{_COMPANION_WORD}", folded)
    return _NUMBER[match.group(1)] if match else 1


def _names(sentence: str, own_name: str | None) -> list[str]:
    """Names written in a sentence about a companion: "min hjælper Jonna Kristensen"."""
    own = (own_name or "").casefold()
    names = []
    for match in _NAME.finditer(sentence):
        words = match.group().split()
        while words and words[0].casefold() in _NOT_NAME_WORDS:
            words = words[1:]
        # An address right after the name: a person with their own signup, not a companion.
        if len(words) < 2 or "@" in sentence[match.end() : match.end() + 40]:
            continue
        name = " ".join(words)
        if name.casefold() != own and not re.search(_COMPANION_WORD, skeleton(name.casefold())):
            names.append(name)
    # A first name alone where the sentence says who it is: "min kone Ruth", "my carer, Tom",
    # "hjælperen hedder Per" (a capitalised word elsewhere may be anything: a place, a day).
    for match in _FIRST_NAME.finditer(sentence):
        name = match.group("name")
        if (
            name.casefold() not in _NOT_NAME_WORDS
            and name.casefold() not in own.split()
            and not any(name in n.split() for n in names)
        ):
            names.append(name)
    return names


# The loop itself, as named; a hearing condition alone ("hørehæmmet") is read as a loop too.
_LOOP_WORD = re.compile(r"slyng|\bloop|induktion|induction|t-?spole|t-?coil|telecoil")
# Other help for hearing: beside one of them, a hearing condition is what it is for.
_HEARING_AIDS = frozenset({SIGN_LANGUAGE, WRITING_INTERPRETER})
# Kinds that are one help to the person who withdraws it: the two interpreters.
_SAME_HELP = ((SIGN_LANGUAGE, WRITING_INTERPRETER), (WRITING_INTERPRETER, SIGN_LANGUAGE))


def merged(earlier: dict[str, str | None], read: NeedsRead) -> dict[str, str | None]:
    """Earlier needs with what a later message says: stated kinds added (their words updated),
    withdrawn kinds removed, the rest kept."""
    withdrawn = set(read.withdrawn)
    # "Jeg har ikke brug for tolk alligevel" from someone with a writing interpreter: an
    # interpreter withdrawn is theirs, whichever kind the word was read as.
    for one, other in _SAME_HELP:
        if one in withdrawn and one not in earlier and other not in read.found:
            withdrawn.add(other)
    if read.none_at_all:
        kept: dict[str, str | None] = {}
    else:
        kept = {k: v for k, v in earlier.items() if k not in withdrawn}
    for kind, words in read.found.items():
        kept[kind] = words
    return {kind: kept[kind] for kind in NEED_KINDS if kind in kept}


def need_label(kind: str, lang: Lang) -> str:
    """A kind as said to people: 'tegnsprogstolk', 'kørestol eller rollator'."""
    _ = translator(lang).gettext
    labels = {
        WHEELCHAIR: _("wheelchair or walking aid"),
        SIGN_LANGUAGE: _("sign-language interpreter"),
        WRITING_INTERPRETER: _("writing interpreter"),
        HEARING_LOOP: _("hearing loop"),
        VISUAL: _("sight (large print, guide dog)"),
        COMPANION: _("helper or companion"),
        DIET: _("diet or food allergy"),
        OTHER: _("something else"),
    }
    return labels.get(kind, kind)


def noted_text(kinds: Sequence[str], companions: Sequence[str | None], lang: Lang) -> str | None:
    """'Vi har noteret: kørestol eller rollator, tegnsprogstolk.' and the companions' seats."""
    if not kinds:
        return None
    _ = translator(lang).gettext
    text = _("We have noted: {needs}.").format(
        needs=", ".join(need_label(k, lang) for k in NEED_KINDS if k in kinds)
    )
    if companions:
        names = ", ".join(n for n in companions if n)
        seats = _("Seats for helpers or companions: {count}").format(count=len(companions))
        text += "\n" + seats + (f" ({names})" if names else "")
    return text
