"""Lines that an e-mail, a text file or a PDF broke at its margin, joined again.

A programme item or a speaker's role often runs over two or three lines ("Oplæg ved professor
Lise Damgaard Holm, Institut for Sociologi og" / "Socialt Arbejde, Aalborg Universitet"). The
next line continues the one before when the one before does not end its sentence and either
ends with a word that cannot end one ("og", "for", "ved", a role word before its name), ends
with a hyphen ("kørestols-" / "plads"), or the next begins in lower case, or the next is
indented under the text of a line that ran to the margin. A line that begins with a time, a
bullet, a label ("Ordstyrer:") or a word that introduces a person ("v.", "Oplæg ved") begins
something new, as does a line that names a person after a finished line ("Senior Adviser Henrik
Sand, Aarhus Municipality" under an item's title).
"""

from __future__ import annotations

import re

from bot.knowledge.drafting.dates import find_dates, leading_time
from bot.knowledge.drafting.names import MARKERS, find_names, is_role_word
from bot.knowledge.drafting.reading import Line

_CONNECTIVES = frozenset(
    """og eller samt i for af på til med om fra ved en et den det de der som at hos mellem
    under efter før mod uden the of and or a an to in for with from on at by as""".split()
)
_STARTS_SOMETHING = re.compile(
    r"(?i)^(?:[-*•·▪►◦‣–(]|\d{1,2}\)|[a-h]\)\s|[\w\s/-]{1,30}:\s|(?:oplæg|foredrag|indslag|keynote|talk|"
    r"presentation|velkomst|welcome|samtale|interview|paneldebat|debat|panel)\s+(?:ved|af|by|med|"
    r"with|v\.|v/)\b)"
)
_DETAIL_LINE = re.compile(
    r"(?i)^(?:tlf|telefon|mobil|mob|phone|tel|direkte|e-?mail|mail)\b\.?:?\s*\S"
)
_CLOCK_WORD = re.compile(r"\b(?:[kK]l\.|[kK]lokken)$")  # not "KL", the municipalities' body
_BULLET = re.compile(r"^\s*(?:[-*•·▪►◦‣–]|\d{1,2}[.)])\s")


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t"))


def starts_something(text: str) -> bool:
    """A line that begins something of its own: a bullet, a label ("Ordstyrer:"), a word that
    introduces a person ("Oplæg ved")."""
    return bool(_STARTS_SOMETHING.match(text.strip()))


def _last_word(text: str) -> str:
    words = text.rstrip().split()
    return words[-1].casefold().strip("\"'“”") if words else ""


def _person_first(text: str) -> bool:
    """The line begins with a person, perhaps after their role ("Senior Adviser Henrik Sand")."""
    for named in find_names(text):
        head = text[: named.start].split()
        return all(is_role_word(w) or (w[:1].isupper() and len(head) <= 3) for w in head)
    return False


def _waits_for_name(text: str) -> bool:
    """The line ends with a marker or a role whose person is on the next line."""
    markers = list(MARKERS.finditer(text))
    if markers and not find_names(text[markers[-1].end() :], introduced=True):
        return True
    return is_role_word(_last_word(text))


def continues(
    before: str,
    raw_first: str,
    last: Line,
    after: str,
    raw_after: str,
    width: int,
) -> bool:
    """Whether the line ``after`` continues ``before`` (plain texts; the raw text of the first
    source line ``before`` holds, its last source line, and the raw text of ``after``;
    ``width`` is the length at which the source's lines wrap, 0 when they do not)."""
    raw_before = last.text
    a, b = before.rstrip(), after.strip()
    if leading_time(b) and a and _CLOCK_WORD.search(a):
        return True  # "til fredag kl." / "14.00": the time the line above waits for
    if not a or not b or leading_time(b) or _STARTS_SOMETHING.match(b):
        return False
    if re.search(r"[.?!;:]$", a) or "\t" in b or "@" in b.split()[0] or _BULLET.match(raw_after):
        return False
    if _DETAIL_LINE.match(b):
        return False  # "tlf. 72 36 12 34" under a signature's lines is a line of its own
    if re.search(rf"[{'a-zæøå'}]-$", a) and b[:1].islower():
        return True  # a word broken at the margin
    if _last_word(a) in _CONNECTIVES:
        return True
    if _waits_for_name(a) and (_person_first(b) or b[:1].islower()):
        return True  # "Oplæg ved" / "socialchef Morten Ravn"
    if MARKERS.match(b) or _person_first(b):
        return False
    if b[:1].islower() and not find_dates(a):
        return True
    indented = _indent(raw_after) > max(1, _indent(raw_first)) and _indent(raw_after) >= _indent(
        raw_before
    )
    if indented and a.endswith(","):
        return True
    full = last.at_margin or bool(width and len(raw_before.rstrip()) >= 0.8 * width)
    return indented and full


def join(before: str, after: str) -> str:
    """Two lines as one: a word broken at the margin is whole again ("kørestols-" "plads")."""
    a, b = before.rstrip(), after.strip()
    broken = re.search(r"[a-zæøå]-$", a) and b[:1].islower()
    if broken and not re.match(r"(?:og|eller|and|or)\b", b):
        return a[:-1] + b
    return f"{a} {b}"


def wrap_width(raw_lines: list[str]) -> int:
    """The length at which the source's lines wrap: most lines of a wrapped text are near it.
    0 for a text whose paragraphs are lines of their own (Word, HTML)."""
    lengths = sorted(len(t.rstrip()) for t in raw_lines if t.strip())
    if len(lengths) < 8:
        return 0
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return width if 50 <= width <= 100 else 0
