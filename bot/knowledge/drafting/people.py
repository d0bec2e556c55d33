"""Who takes part in a programme item or a session, as the lines around it say.

"v. KKR-formand Lasse Frimand Jensen" (host of a welcome), "Oplæg v./ Anette Vinther Mortensen,
socialpædagog og forfatter", "Ordstyrer: Thøger Riis Michelsen", "Paneldebat med politikere og
Annemette Digmann", "Vinni Bøgelund Jensen, kvalitetskonsulent Region Midtjylland, er facilitator
på workshoppen", "Keynote by Jane Smith, Director".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.drafting.reading import Line
from bot.knowledge.drafting.text import MARKERS, find_names, join_roles, role_after, role_before

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
        for named in find_names(clause, introduced=True):
            start, end = marker.end() + named.start, marker.end() + named.end
            if reach is not None and not re.fullmatch(
                r"[\s,;]*(?:og|samt|and|&|eller|or|v/|ved)?[\s,;]*", text[reach:start]
            ):
                break
            role, reach = role_after(text, end)
            if named.name in seen:
                continue
            before = role_before(text, start)
            # only the first name after a marker may take the words before it as its role
            if found and found[-1].end > marker.end():
                before = None
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
