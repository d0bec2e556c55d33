"""The lines that begin a session or workshop to choose between.

Named ones: "Workshop 1: Title v/ Name, role", "Session 2" (title on the next line), "Spor A –
Title", "Gruppe 1: ...". Lettered or numbered lists count too where the lines just above speak of
a choice ("Site visits (choose one when you register):" / "A) Social enterprise ...", a table of
workshops "A<tab>Title<tab>Facilitator: ..." under "Angiv ved tilmelding hvilken workshop ..."):
at least two lines whose keys follow on from A or 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.drafting.text import Entry

SESSION_RE = re.compile(
    r"^(?P<kind>workshop|session|spor|track|breakout(?:\s+session)?|gruppe|værksted|"
    r"temaspor|parallelsession)\s*(?P<key>\d{1,2}|[A-H])(?![\w])\s*(?:[:.–—-]\s*|\s+|$)(?P<rest>.*)$",
    re.IGNORECASE,
)
_LETTERED = re.compile(
    r"^(?:(?P<letter>[A-H])(?:\)|\.(?=\s)|:|\t|\s+[–-]\s)|(?P<digit>[1-9])(?:\)|:|\t))"
    r"\s*(?P<rest>\S.*)$"
)
_CHOICE = re.compile(
    r"(?i)workshop|værksted|\bspor\b|session|\bgrupper?\b|besøg|\bvisit|ekskursion|\btrack|"
    r"breakout|\bvælg|\bchoose|\bselect"
)


@dataclass(frozen=True)
class SessionHead:
    key: str  # as printed, upper case: "A", "2"
    kind: str  # "workshop" or "session"
    rest: str  # what follows the key on its line


def session_heads(entries: list[Entry]) -> dict[int, SessionHead]:
    """The entries that begin a session, by index."""
    found: dict[int, SessionHead] = {}
    for i, entry in enumerate(entries):
        match = SESSION_RE.match(entry.text.strip())
        if match:
            word = match["kind"].casefold()
            kind = "workshop" if word in ("workshop", "værksted") else "session"
            found[i] = SessionHead(match["key"].upper(), kind, match["rest"].strip())
    i = 0
    while i < len(entries):
        run = _run(entries, i)
        if len(run) < 2 or i in found:
            i += 1
            continue
        above = [e.text for e in entries[max(0, i - 4) : i] if not e.blank][-2:]
        context = " ".join(above)
        if _CHOICE.search(context):
            kind = "workshop" if re.search(r"(?i)workshop|værksted", context) else "session"
            for j, key, rest in run:
                found.setdefault(j, SessionHead(key, kind, rest))
        i = run[-1][0] + 1
    return found


def _run(entries: list[Entry], i: int) -> list[tuple[int, str, str]]:
    """Lines from ``i`` whose keys follow on from A or 1 ("A) ...", "B) ...")."""
    run: list[tuple[int, str, str]] = []
    expected: str | None = None
    j = i
    while j < len(entries):
        if entries[j].blank:
            if run and j + 1 < len(entries) and not entries[j + 1].blank:
                j += 1
                continue
            break
        match = _LETTERED.match(entries[j].text.strip())
        if not match:
            break
        key = match["letter"] or match["digit"]
        if (expected is None and key not in ("A", "1")) or (expected and key != expected):
            break
        run.append((j, key, match["rest"].strip()))
        expected = chr(ord(key) + 1)
        j += 1
    return run
