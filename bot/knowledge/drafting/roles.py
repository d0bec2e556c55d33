"""The role written with a person's name: after it (", borgmester i Randers"; " - seniorforsker
ved AKF"; " (Kolding)") or before it, after the word that introduces the person ("v.
KKR-formand Lasse ..."). In a list of people each with a role ("formand X, sekretær Y, og
udvalgsformand Z"), a role written straight before a name is that name's, not the one before's.
"""

from __future__ import annotations

import re

from bot.knowledge.drafting.names import LOWER, MARKERS, UPPER, find_names, is_role_word

_ROLE_STOP = re.compile(
    r"(?:[.!?](?=\s+[A-ZÆØÅ\"“]|\s*$)|;|\s+(?:er|is|will|vil|skal|holder|fortæller|giver|"
    r"spiller|taler|leder|samt)\s"
    # "..., og udvalgsformand Hassan Yilmaz": the next person, with a role of their own
    rf"|\s+(?:og|and)\s+(?=(?:[{LOWER}-]+\s+){{1,3}}[{UPPER}][{LOWER}]+\s+[{UPPER}])"
    r"|\s+(?=(?:Hvordan|Hvad|"
    r"Hvilke|Hvorfor|Har|Kan|Det|Der|Den|De|Disse|Denne|Dette|Vi|Du|Her|Som|På|Med|Oplægget|"
    r"Oplæg|Workshoppen|Se|Social-\s|Læs|Mere|Evalueringen|How|What|Why|This|The|In|We|You)\b))"
)
_NOT_A_ROLE = re.compile(r"(?i)^(?:som|der|hvis|who|which|that|whose|hvor|når|if|hvis)\b")
_BOUNDARY = re.compile(r"(?:,|\b(?:og|and|samt|&)\b)")
# Words between two people of a list that are no role: a sentence goes on about them.
_VERBS = frozenset(
    """er var der som om fortæller holder taler giver viser siger har vil skal kan får
    is was who which about tells talks gives will has""".split()
)


def role_after(text: str, end: int, limit: int = 12) -> tuple[str | None, int]:
    """The role written after a name, and where it ends."""
    rest = text[end:]
    match = re.match(r"\s*(?:,|\s-\s|\s–\s|\(|\s+(?=fra\s+[A-ZÆØÅ]|from\s+[A-Z]))\s*", rest)
    if not match:
        return None, end
    body = rest[match.end() :]
    if _NOT_A_ROLE.match(body):
        return None, end  # "Søren Husted, som er udpeget af ...": a sentence, no role
    stop = _ROLE_STOP.search(body)
    role = body[: stop.start()] if stop else body
    # the role ends before the next person's name; written straight before it, it is theirs
    for named in find_names(role):
        head = role[: named.start]
        bounds = list(_BOUNDARY.finditer(head))
        role = head[: bounds[-1].start()] if bounds else ""
        break
    words = role.split()
    if len(words) > limit:
        role = " ".join(words[:limit])
    role = _trim(role)
    if not role or not re.search(r"[a-zæøå]|^[A-ZÆØÅ]{2,}\b", role):
        return None, end
    return role, end + match.end() + len(role)


def role_before(text: str, start: int, floor: int | None = None) -> str | None:
    """A role written straight before a name, after its marker, or after ``floor`` (the person
    before it, the start of a line that names a person: "..., socialdirektør Thomas Vinther",
    "Senior Adviser Henrik Sand")."""
    head = text[:start]
    markers = list(MARKERS.finditer(head))
    if not markers and floor is None:
        return None
    begin = max(markers[-1].end() if markers else 0, floor or 0)
    raw = head[begin:]
    raw = re.sub(r"^[\s,;)]*(?:(?:og|samt|and|&)\s+)?", "", raw)
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


def listed_after(between: str, known: bool = True) -> bool:
    """What stands between one person (and their role) and the next name makes that name the
    next of a list: a comma or "og" (before a known first name), or the next one's role ("og
    udvalgsformand", ", handicaprådssekretær", "and user representative")."""
    joined = re.match(
        r"^[\s)]*(?:[,;]\s*)?(?:(?:og|samt|and|&|eller|or|v/|ved)(?!\w))?\s*", between
    )
    if joined is None or not joined.group(0).strip():
        return not between.strip()  # "Social- og ældreminister X": a new sentence
    rest = between[joined.end() :]
    if not rest.strip():
        return known or not between.strip(" ,;")
    words = rest.split()
    if len(words) > 8 or any(w.casefold().strip(",") in _VERBS for w in words):
        return False
    return any(is_role_word(w) or w.islower() for w in words) and not re.search(r"[.!?:]", rest)


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
