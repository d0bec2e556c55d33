"""The lines that begin a session or workshop to choose between.

Named ones: "Workshop 1: Title v/ Name, role", "Session 2" (title on the next line), "Spor A –
Title", "Gruppe 1: ...". Lettered or numbered lists count too where the lines just above speak of
a choice ("Site visits (choose one when you register):" / "A) Social enterprise ...", a table of
workshops "A<tab>Title<tab>Facilitator: ..." under "Angiv ved tilmelding hvilken workshop ..."):
at least two lines whose keys follow on from A or 1 ("1. Title", "A. Title"), each perhaps with
lines of its own under it (who leads it). Where the lines above name the sessions or workshops, a
bulleted list of titles with no keys at all counts too; they are numbered in the order they stand
(``SessionHead.numbered``), and the draft says so.
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
    r"^(?:(?P<letter>[A-H])(?:\)|\.(?=\s)|:|\t|\s+[–-]\s)|(?P<digit>[1-9])(?:\)|:|\t|\.(?=\s)))"
    r"\s*(?P<rest>\S.*)$"
)
# the lines above a list of titles without keys must name what is listed, not only "vælg"
_NAMED_CHOICE = re.compile(
    r"(?i)workshop|værksted|\bspor\b|session|\btracks?\b|breakout|\btema(?:er|et)?\b|\bthemes?\b|"
    r"\bgrupper?\b|\bgroups?\b"
)
# "* **Title** – Name, role": the bold words are the title
_BOLD_TITLE = re.compile(r"^\s*[-*•]\s+\*\*(?P<title>[^*]+)\*\*")
_SOURCE_BULLET = re.compile(r"^\s*(?:>\s*)*[-*•·▪►◦‣]\s+")
_CHOICE = re.compile(
    r"(?i)workshop|værksted|\bspor\b|session|\bgrupper?\b|besøg|\bvisit|ekskursion|\btrack|"
    r"breakout|\bvælg|\bchoose|\bselect"
)


@dataclass(frozen=True)
class SessionHead:
    key: str  # as printed, upper case: "A", "2"
    kind: str  # "workshop" or "session"
    rest: str  # what follows the key on its line
    numbered: bool = False  # the source prints no key; this is the place in its list


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
    for j, key, rest, kind in _unkeyed(entries, found):
        found[j] = SessionHead(key, kind, rest, True)
    return found


def _unkeyed(
    entries: list[Entry], found: dict[int, SessionHead]
) -> list[tuple[int, str, str, str]]:
    """Bulleted titles under a line that names the workshops or sessions to choose ("Du vælger
    workshop på dagen. Der er tre at vælge imellem:"), when no session has a key of its own."""
    if found:
        return []
    for i, entry in enumerate(entries):
        text = entry.text.strip()
        if not (text.endswith(":") and _NAMED_CHOICE.search(text) and _CHOICE.search(text)):
            continue
        j = i + 1
        while j < len(entries) and entries[j].blank:
            j += 1
        kind = "workshop" if re.search(r"(?i)workshop|værksted", text) else "session"
        run: list[tuple[int, str, str, str]] = []
        while j < len(entries) and not entries[j].blank:
            line = entries[j].line
            if _SOURCE_BULLET.match(line.text) and line is not entries[j - 1].line:
                rest = entries[j].text.strip()
                bold = _BOLD_TITLE.match(line.text)
                if bold and rest.startswith(bold["title"]):  # the title, and who leads it
                    rest = bold["title"] + "\t" + rest[len(bold["title"]) :].lstrip(" –—:-")
                run.append((j, str(len(run) + 1), rest.strip(), kind))
            elif not run:
                break
            j += 1
        if len(run) >= 2:
            return run
    return []


def _run(entries: list[Entry], i: int) -> list[tuple[int, str, str]]:
    """Lines from ``i`` whose keys follow on from A or 1 ("A) ...", "B) ...")."""
    run: list[tuple[int, str, str]] = []
    expected: str | None = None
    j = i
    under = 0  # lines under the last key (who leads it): at most three
    while j < len(entries):
        if entries[j].blank:
            if run and j + 1 < len(entries) and not entries[j + 1].blank:
                j += 1
                continue
            break
        match = _LETTERED.match(entries[j].text.strip())
        if not match:
            if run and under < 3 and _under_key(entries, j, run[-1][0]):
                under += 1
                j += 1
                continue
            break
        under = 0
        key = match["letter"] or match["digit"]
        if (expected is None and key not in ("A", "1")) or (expected and key != expected):
            break
        run.append((j, key, match["rest"].strip()))
        expected = chr(ord(key) + 1)
        j += 1
    return run


def _under_key(entries: list[Entry], j: int, head: int) -> bool:
    """A line that belongs to the keyed line above it: indented under it in the source, or who
    leads it ("Oplægsholder: ...", "Faciliteres af ...")."""
    from bot.knowledge.drafting.people import is_speaker_line

    line = entries[j].line.text
    indented = len(line) - len(line.lstrip()) >= 2 and not _SOURCE_BULLET.match(line)
    return indented or is_speaker_line(entries[j].text) or entries[j].line is entries[head].line
