"""People's names, told from the other capitalised words of an invitation.

A name is a run of two to four capitalised name words (``Ann-Britt``, ``Møller-Jakobsen``,
``Rūta``, an initial such as ``B.``) that either begins with a known first name
(:mod:`given_names`) or follows a word that introduces a person ("v.", "ved", "v/", "Oplæg af",
"Ordstyrer:", "by", "with"). Role words (borgmester, formand, ...-chef, Professor) and
organisation words (Kommune, Region, KL, ...-udvalget, Universitet) are never part of a name:
they split a run of capitalised words, and the words just before an organisation word are the
organisation's name ("Skive Kommune", "Danske Handicaporganisationer"), not a person's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.drafting.given_names import FIRST_NAMES

UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isalpha() and c.isupper())
LOWER = "".join(c for c in map(chr, range(0x61, 0x250)) if c.isalpha() and c.islower())
_NAME_WORD = rf"(?:[{UPPER}][{LOWER}']+(?:-[{UPPER}][{LOWER}']+)*|[{UPPER}]\.)"
_NAME_RE = re.compile(rf"(?<![\w-]){_NAME_WORD}(?:[ ]+{_NAME_WORD}){{1,7}}(?![\w-])")

ROLE_SUFFIXES = (
    "chef", "direktør", "formand", "leder", "konsulent", "minister", "ansvarlig", "rådgiver",
    "koordinator", "medarbejder", "forsker", "sekretær", "mester", "næstformand", "rektor",
    "professor", "lektor", "adjunkt", "partner", "manager", "pædagog", "psykolog", "journalist",
    "forfatter", "direktor", "borgmester", "formandskab", "formandskabet", "chefen", "officer",
    "director", "chair", "president", "mayor", "facilitator", "ordstyrer", "moderator",
    "oplægsholder", "underviser", "specialist", "arkitekt", "rådmand", "sygeplejerske", "læge",
    "advokat", "politiker", "medlem", "aktivist", "adviser", "advisor", "planlægger",
    "fuldmægtig", "sagsbehandler", "assistent", "repræsentant", "representative", "coordinator",
    "consultant", "researcher", "lecturer", "secretary", "chairman", "chairperson", "chairwoman",
    "councillor", "councilor", "terapeut", "lærer", "stipendiat", "formænd", "næstformænd",
)  # fmt: skip
# Role and title words that only count as whole words ("Whitehead" is a name).
ROLE_WORDS = frozenset(
    """head chief deputy senior associate assistant vice ceo cfo prof dr mr mrs ms
    kommunaldirektør byrådsmedlem regionsrådsmedlem folketingsmedlem""".split()
)
ORG_WORDS = frozenset(
    """kommune kommunes region regionen regions center centre centret institut instituttet
    styrelse styrelsen socialstyrelsen ministeriet ministerium forening foreningen kkr kl
    universitet universitetet university hospital hospitalet sekretariat sekretariatet
    sekretariatets rådet råd ældrerådet ældreråd handicaprådet handicapråd sagen hus huset
    skole skolen forum forbund forbundet fond fonden aps a/s as gruppen gruppe netværk
    netværket projekt projektet professionshøjskole professionshøjskolen akademi akademiet
    afdeling afdelingen enhed enheden udvalg udvalget council committee department
    association society foundation agency school college bank hotel hotellet resort
    konferencecenter kursuscenter scandic comwell musikskolen biblioteket rådhus rådhuset
    danmark nordjylland midtjylland syddanmark sjælland hovedstaden aalborg aarhus odense
    københavn københavns vejle vejen herning viborg randers silkeborg holstebro horsens
    middelfart langeland socialaftale rammeaftale program programmet municipality ministry
    network services service authority board office institute organisation organization
    psykiatrien psykiatri lokalafdeling landsforening kredsen kreds forhold beskæftigelse""".split()
)
# Endings of compound organisation words: "Handicaporganisationer", "Sundhedsudvalget".
_ORG_SUFFIXES = (
    "organisation", "organisationer", "organisationen", "forening", "foreningen", "forbund",
    "forbundet", "udvalg", "udvalget", "udvalgs", "forvaltning", "forvaltningen", "styrelse",
    "styrelsen", "styrelsens", "rådet", "rådets", "sekretariat", "sekretariatet", "afdeling",
    "afdelingen", "ministeriet", "ministerium", "universitet", "universitetet", "centret",
    "centeret", "selskab", "selskabet", "kommune", "kommunes", "regionen", "instituttet",
    "hospitalet", "psykiatrien", "huset", "skolen", "højskole", "biblioteket", "fonden",
    "netværk", "netværket", "samfund", "samfundet", "center", "centre",
)  # fmt: skip
COMMON_CAPITALISED = frozenset(
    """den det de der dette disse hvordan hvad hvem hvilke hvilken hvor hvornår hvorfor her
    han hun vi du i jeg man som med og eller men til fra for på af om ved efter før under
    mellem samt også alle kom vær se læs tilmelding program velkomst frokost pause kaffe
    oplæg ordstyrer sted tid dato kontakt deltagere invitation temadag konference workshop
    session spor dag oplægget workshoppen session the a an and or of to in on at by with for
    from this that these welcome lunch break coffee registration programme program venue
    date time speaker moderator panel keynote dear best regards kind tak mandag tirsdag onsdag
    torsdag fredag lørdag søndag januar februar marts april maj juni juli august september
    oktober november december monday tuesday wednesday thursday friday saturday sunday january
    february march may june july october affairs employment social socialt sundhed health
    education learning care support mvh venlig hilsen med-venlig dansk danske danish nordisk
    nordiske nordic europæisk europæiske european""".split()
)
# Words that introduce a person: the name (with a role before or after it) follows.
MARKERS = re.compile(
    r"(?:(?<![\w])v\.?\s*/\s*|(?<![\w])(?:ved|v\.|oplæg\s+af|foredrag\s+af|indslag\s+af|"
    r"videohilsen\s+fra|hilsen\s+fra|samtale\s+med|interview\s+med|paneldebat\s+med|"
    r"debat\s+med|by|with|presented\s+by|keynote\s+by|med)(?=[\s/])\s*/?\s*|"
    r"(?:ordstyrer|moderator|facilitator|oplægsholder(?:e)?|taler(?:e)?|speakers?|"
    r"host|vært(?:er)?|panel(?:et)?|medvirkende|kontaktperson|kontakt|chair)"
    r"(?:\s+(?:begge\s+dage|på\s+dagen|for\s+dagen|hele\s+dagen|both\s+days|for\s+the\s+day))?"
    r"\s*:\s*)",
    re.IGNORECASE,
)


def is_org_word(word: str) -> bool:
    """An organisation word: "Kommune", "KL", "Handicaporganisationer", "Sundhedsudvalget"."""
    bare = word.casefold().strip(".,;:()'’").removesuffix("'s").removesuffix("’s")
    if bare in ORG_WORDS:
        return True
    return any(bare.endswith(s) and len(bare) >= len(s) for s in _ORG_SUFFIXES)


def is_role_word(word: str) -> bool:
    """A role or title: "formand", "KKR-formand", "Professor", "Senior"."""
    bare = word.casefold().strip(".,;:()")
    return bare in ROLE_WORDS or any(bare.endswith(s) for s in ROLE_SUFFIXES)


def _is_name_word(word: str) -> bool:
    bare = word.casefold().strip(".,")
    if bare in COMMON_CAPITALISED or is_org_word(word):
        return False
    return not is_role_word(word)


@dataclass(frozen=True)
class Named:
    """A person's name found in a text, with where it stands."""

    name: str
    start: int
    end: int
    known: bool = True  # it begins with a known first name


def first_name(word: str) -> bool:
    first = word.split("-")[0].casefold()
    return word.casefold() in FIRST_NAMES or first in FIRST_NAMES


def _segments(words: list[tuple[str, int]]) -> list[tuple[list[tuple[str, int]], str | None]]:
    """A run of capitalised words split at the words that are no part of a name, each part
    with the word that ended it."""
    found: list[tuple[list[tuple[str, int]], str | None]] = []
    current: list[tuple[str, int]] = []
    for word, at in words:
        if _is_name_word(word):
            current.append((word, at))
        else:
            found.append((current, word))
            current = []
    found.append((current, None))
    return found


def find_names(text: str, introduced: bool = False) -> list[Named]:
    """People named in a text: a known first name and a surname, or (``introduced``: after a
    marker such as "ved") any two to four name words."""
    found: list[Named] = []
    for match in _NAME_RE.finditer(text):
        words = [(m.group(0), match.start() + m.start()) for m in re.finditer(r"\S+", match[0])]
        for segment, breaker in _segments(words):
            if breaker is not None and is_org_word(breaker):
                continue  # "Skive Kommune", "Danske Handicaporganisationer": an organisation
            # Leading initials are no name of their own ("B. Hansen" needs its first name).
            while segment and segment[0][0].endswith("."):
                segment = segment[1:]
            # A known first name after unknown words begins the name ("Employment Anja ...").
            if segment and not first_name(segment[0][0]):
                later = next(
                    (k for k, (w, _a) in enumerate(segment[:-1]) if k and first_name(w)), None
                )
                if later is not None:
                    segment = segment[later:]
            for part in _people_of(segment):
                part = part[:4]
                if len(part) < 2 or (part[-1][0].endswith(".") and not introduced):
                    continue  # "Lasse F." is no full name; a single word is no name here
                known = first_name(part[0][0])
                if not (known or introduced):
                    continue
                start = part[0][1]
                end = part[-1][1] + len(part[-1][0])
                found.append(Named(text[start:end], start, end, known))
    return found


def _people_of(segment: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """Two people side by side ("Poul Erik Vestergaard Birgit Sørensen", a signature's two
    columns run together): a known first name after a full name begins the next."""
    for k in range(2, len(segment) - 1):
        if first_name(segment[k][0]):
            return [segment[:k], *_people_of(segment[k:])]
    return [segment]
