"""The invitation's lines made plain, and the people named in them.

An :class:`Entry` is one line of the source as the draft reads it: markup taken off (Markdown's
``**``, ``#``, bullets, links; stray HTML tags), a Markdown table row as tab-separated cells, and a
line with bullets in the middle split into one entry per bullet (each keeps its source line).

People are found by rules: a run of two to four capitalised name words (``Ann-Britt``,
``Møller-Jakobsen``, an initial such as ``B.``) that either begins with a known first name or
follows a word that introduces a person ("v.", "ved", "v/", "Oplæg af", "Ordstyrer:", "by",
"with"). Role words (borgmester, formand, ...-chef) and organisation words (Kommune, Region) are
never part of a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.drafting.names import FIRST_NAMES
from bot.knowledge.drafting.reading import Line


@dataclass(frozen=True)
class Entry:
    """One line as read: its source line, its plain text, and whether it was a heading."""

    line: Line
    text: str
    heading: bool = False  # marked as one by the source (Markdown "#", a bold line alone)

    @property
    def number(self) -> int:
        return self.line.number

    @property
    def blank(self) -> bool:
        return not self.text.strip()


_TAG_RE = re.compile(r"</?[a-zA-Z][^>]{0,300}>")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]*)\)")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·▪►◦‣–]|\d{1,2}\))\s+")
_INLINE_BULLET_RE = re.compile(r"\s*[•▪◦‣]\s*")


def _plain(text: str) -> tuple[str, bool]:
    """A line without its markup, and whether the markup made it a heading."""
    heading = False
    text = _TAG_RE.sub(" ", text)
    text = _LINK_RE.sub(lambda m: m[1] if m[2] in ("", "#") else f"{m[1]} ({m[2]})", text)
    stripped = text.strip()
    if re.match(r"^#{1,6}\s", stripped):
        heading = True
        stripped = stripped.lstrip("#").strip()
    if re.fullmatch(r"\*\*[^*]+\*\*:?|__[^_]+__:?", stripped):
        heading = True
    stripped = stripped.replace("**", "").replace("__", "")
    if stripped.startswith("*") and not stripped.startswith("* "):
        stripped = stripped[1:]
    if stripped.endswith("*") and not stripped.endswith(" *"):
        stripped = stripped[:-1]
    if stripped.startswith("|") and stripped.endswith("|"):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return "", False
        stripped = "\t".join(c for c in cells if c)
    stripped = _BULLET_RE.sub("", stripped)
    stripped = re.sub(r"[ ]{2,}", " ", stripped)
    return stripped.strip(), heading


def entries(lines: tuple[Line, ...] | list[Line]) -> list[Entry]:
    """The source's lines made plain, with inline bullet lists split up."""
    found: list[Entry] = []
    for line in lines:
        text, heading = _plain(line.text)
        parts = [p for p in _INLINE_BULLET_RE.split(text)] if "•" in text[1:] else [text]
        if len(parts) > 1:
            for part in parts:
                if part.strip():
                    found.append(Entry(line, part.strip(" \t;")))
            continue
        found.append(Entry(line, text, heading))
    return found


def blocks(items: list[Entry]) -> list[list[Entry]]:
    """Runs of non-blank entries: the source's paragraphs."""
    found: list[list[Entry]] = []
    current: list[Entry] = []
    for entry in items:
        if entry.blank:
            if current:
                found.append(current)
                current = []
        else:
            current.append(entry)
    if current:
        found.append(current)
    return found


def shorten(text: str, limit: int = 90) -> str:
    """A line as a comment quotes it: one line, at most ``limit`` characters."""
    text = re.sub(r"\s+", " ", text.replace("\t", " | ")).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a full stop, ? or ! before a capital letter ends one)."""
    parts = [
        p
        for chunk in text.strip().split("\n")
        for p in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“«(])", chunk.strip())
    ]
    joined: list[str] = []
    for part in parts:
        # "adm. Direktør", "ph.d. Afdelingschef": an abbreviation does not end a sentence
        if joined and re.search(
            r"(?:\b[A-Za-z]{1,4}\.[A-Za-z]{1,4}\.|\b(?:ca|bl\.a|adm|dr|mag|fx|v|kl)\.?|\b[A-ZÆØÅ]\.)$",
            joined[-1],
        ):
            joined[-1] += " " + part
        else:
            joined.append(part)
    return [p.strip() for p in joined if p.strip()]


# -- names --------------------------------------------------------------------------------------

_UPPER = "A-ZÆØÅÉÜÖÄ"
_LOWER = "a-zæøåéüöäèáóíñ"
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}']+(?:-[{_UPPER}][{_LOWER}']+)*|[{_UPPER}]\.)"
_NAME_RE = re.compile(rf"(?<![\w-]){_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}(?![\w-])")

ROLE_SUFFIXES = (
    "chef", "direktør", "formand", "leder", "konsulent", "minister", "ansvarlig", "rådgiver",
    "koordinator", "medarbejder", "forsker", "sekretær", "mester", "næstformand", "rektor",
    "professor", "lektor", "adjunkt", "partner", "manager", "pædagog", "psykolog", "journalist",
    "forfatter", "direktor", "borgmester", "formandskab", "formandskabet", "chefen", "officer",
    "director", "chair", "president", "mayor", "minister", "facilitator", "ordstyrer",
    "moderator", "oplægsholder", "underviser", "specialist", "arkitekt", "rådmand", "chefkonsulent",
    "kontorchef", "sygeplejerske", "læge", "advokat", "politiker", "medlem", "aktivist",
)  # fmt: skip
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
    middelfart langeland socialaftale rammeaftale program programmet""".split()
)
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
    february march may june july october""".split()
)
# Words that introduce a person: the name (with a role before or after it) follows.
MARKERS = re.compile(
    r"(?:(?<![\w])v\.?\s*/\s*|(?<![\w])(?:ved|v\.|oplæg\s+af|foredrag\s+af|indslag\s+af|"
    r"videohilsen\s+fra|hilsen\s+fra|samtale\s+med|interview\s+med|paneldebat\s+med|"
    r"debat\s+med|by|with|presented\s+by|keynote\s+by|med)(?=[\s/])\s*/?\s*|"
    r"(?:ordstyrer|moderator|facilitator|oplægsholder(?:e)?|taler(?:e)?|speakers?|"
    r"host|vært(?:er)?|panel(?:et)?|medvirkende|kontaktperson|kontakt)\s*:\s*)",
    re.IGNORECASE,
)


def _is_name_word(word: str) -> bool:
    bare = word.casefold().strip(".,")
    if bare in ORG_WORDS or bare in COMMON_CAPITALISED:
        return False
    return not any(bare.endswith(s) for s in ROLE_SUFFIXES)


@dataclass(frozen=True)
class Named:
    """A person's name found in a text, with where it stands."""

    name: str
    start: int
    end: int


def first_name(word: str) -> bool:
    first = word.split("-")[0].casefold()
    return word.casefold() in FIRST_NAMES or first in FIRST_NAMES


def find_names(text: str, introduced: bool = False) -> list[Named]:
    """People named in a text: a known first name and a surname, or (``introduced``: after a
    marker such as "ved") any two to four name words."""
    found: list[Named] = []
    for match in _NAME_RE.finditer(text):
        words = match.group(0).split()
        offset = match.start()
        # Drop leading words that are no part of a name ("Borgmester Egon Fræhr").
        while words and (not _is_name_word(words[0]) or words[0].endswith(".")):
            offset = text.index(words[0], offset) + len(words[0])
            words = words[1:]
            while offset < len(text) and text[offset].isspace():
                offset += 1
        # A name ends at a word that is no name ("Carl Holst Region ...").
        kept: list[str] = []
        for word in words:
            if not _is_name_word(word):
                break
            kept.append(word)
        if (len(kept) < 2 or kept[-1].endswith(".")) and not (len(kept) >= 2 and introduced):
            continue  # "Lasse F." is no full name; a single word is no name here
        if not (first_name(kept[0]) or introduced):
            continue
        name = " ".join(kept)
        start = text.index(kept[0], offset)
        found.append(Named(name, start, start + len(name)))
    return found


_ROLE_STOP = re.compile(
    r"(?:[.!?](?=\s+[A-ZÆØÅ\"“]|\s*$)|;|\s+(?:er|is|will|vil|skal|holder|fortæller|giver|"
    r"spiller|taler|leder|samt|og\s+(?=[A-ZÆØÅ][a-zæøå]+\s+[A-ZÆØÅ]))\s|\s+(?=(?:Hvordan|Hvad|"
    r"Hvilke|Hvorfor|Har|Kan|Det|Der|Den|De|Disse|Denne|Dette|Vi|Du|Her|Som|På|Med|Oplægget|"
    r"Oplæg|Workshoppen|Se|Social-\s|Læs|Mere|Evalueringen|How|What|Why|This|The|In|We|You)\b))"
)


def role_after(text: str, end: int, limit: int = 12) -> tuple[str | None, int]:
    """The role written after a name (", borgmester i Randers"; " - seniorforsker ved AKF"),
    and where it ends."""
    rest = text[end:]
    match = re.match(r"\s*(?:,|\s-\s|\s–\s|\(|\s+(?=fra\s+[A-ZÆØÅ]|from\s+[A-Z]))\s*", rest)
    if not match:
        return None, end
    body = rest[match.end() :]
    stop = _ROLE_STOP.search(body)
    role = body[: stop.start()] if stop else body
    # the role ends before the next person's name
    for named in find_names(role):
        role = role[: named.start]
        break
    words = role.split()
    if len(words) > limit:
        role = " ".join(words[:limit])
    role = _trim(role)
    if not role or not re.search(r"[a-zæøå]", role):
        return None, end
    return role, end + match.end() + len(role)


def role_before(text: str, start: int) -> str | None:
    """A role written straight before a name, after its marker ("v. KKR-formand Lasse ...")."""
    head = text[:start]
    markers = list(MARKERS.finditer(head))
    if not markers:
        return None
    marker = markers[-1]
    raw = head[marker.end() :]
    if re.search(r"(?i)\b(?:og|samt|and|eller|or)\s*$", raw):
        return None  # "Paneldebat med politikere, borgerrepræsentanter og <name>": a list
    role = _trim(raw)
    if not role or len(role.split()) > 12 or not re.search(r"[a-zæøå]", role):
        return None
    if re.search(r"(?:[?!:]|[a-zæøå]{4,}\.)\s", role + " "):
        return None  # a sentence ends between: no role of this name
    if find_names(role):
        return None
    return role


def _trim(role: str) -> str:
    role = role.strip(" ,.–-()")
    while True:
        cut = re.sub(r"(?:\s+|,)(?:og|samt|eller|and|or|&)$", "", role).strip(" ,.–-(")
        if cut == role:
            return role
        role = cut


def join_roles(*roles: str | None) -> str | None:
    parts = [r.strip(" ,") for r in roles if r and r.strip(" ,")]
    return ", ".join(dict.fromkeys(parts)) or None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's lines joined into one text, each line's place in it kept, so that a sentence
    wrapped over two lines is read whole and still points at the line where it begins."""

    text: str
    starts: tuple[tuple[int, Entry], ...]  # (offset in text, entry)

    def line_at(self, offset: int) -> Line:
        found = self.starts[0][1]
        for start, entry in self.starts:
            if start > offset:
                break
            found = entry
        return found.line

    @property
    def entries(self) -> list[Entry]:
        return [e for _o, e in self.starts]


def paragraphs(items: list[Entry]) -> list[Paragraph]:
    found: list[Paragraph] = []
    for block in blocks(items):
        text = ""
        starts: list[tuple[int, Entry]] = []
        for entry in block:
            if text:
                # a short line without punctuation ("Pris: 450 kr.") ends its sentence
                previous = starts[-1][1].text.strip()
                ends = (len(previous) < 60 and not re.search(r"[,;:–-]$", previous)) or bool(
                    re.search(r"(?:https?://|www\.)\S+$|@\S+\.\w+$", previous)
                )
                text += "\n" if ends and entry.text.strip()[:1].isupper() else " "
            starts.append((len(text), entry))
            text += entry.text.strip()
        found.append(Paragraph(text, tuple(starts)))
    return found
