"""Cases as the desk's pages show them: which cases a list shows, and each case's rows.

Pure functions of the cases, the knowledge and the staff member looking: the handlers fetch,
these decide what is shown, the templates place it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.cases import texts as case_texts
from bot.cases.service import CaseEntry, CaseInfo, StaffMember
from bot.channels.registry import label as channel_label
from bot.desk.cases import texts
from bot.i18n import Lang, fmt_date, fmt_time

CASES = "/desk/sager"
# The list shows at most this many cases (the newest); the rest by choosing an event.
MAX_ROWS = 200
QUESTION_CHARS = 160
FILTERS = ("aabne", "nye", "mine", "lukkede", "alle")
DEFAULT_FILTER = "aabne"
NO_EVENT = "-"

EventTitle = Callable[[str], str | None]


def case_href(case_id: int) -> str:
    return f"{CASES}/{case_id}"


def chosen_filter(value: str | None) -> str:
    return value if value in FILTERS else DEFAULT_FILTER


def choose(
    cases: Sequence[CaseInfo], shown: str, event: str | None, me: StaffMember
) -> list[CaseInfo]:
    """The cases a list shows, newest first: by state (``FILTERS``) and event (``NO_EVENT``:
    those without one)."""
    found: list[CaseInfo] = []
    for case in cases:
        if event is not None and (case.event or NO_EVENT) != event:
            continue
        if shown == "aabne" and not case.is_open:
            continue
        if shown == "nye" and case.status != "new":
            continue
        if shown == "mine" and not (case.is_open and taken_by(case) == me.id):
            continue
        if shown == "lukkede" and case.is_open:
            continue
        found.append(case)
    return sorted(found, key=lambda c: c.id, reverse=True)


def taken_by(case: CaseInfo) -> str | None:
    """The staff id of whoever has the case (the same for the same person everywhere)."""
    return case.taken_by_id


def one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def when(value: datetime, lang: Lang) -> str:
    """A short date and time in Copenhagen: "3. april 2025, 10.15"."""
    return f"{fmt_date(value, lang, weekday=False)}, {fmt_time(value, lang)}"


@dataclass(frozen=True)
class CaseRow:
    """One case in a list."""

    id: int
    href: str
    question: str
    status: str
    state: str  # new | taken | answered | closed
    mine: bool
    event: str
    channel: str
    received: str


def case_row(case: CaseInfo, title: EventTitle, me: StaffMember, lang: Lang) -> CaseRow:
    t = texts.list_texts(lang)
    event = (title(case.event) if case.event else None) or t["no_event"]
    question = one_line(case.question, QUESTION_CHARS) or texts.deleted_text(lang)
    return CaseRow(
        id=case.id,
        href=case_href(case.id),
        question=question,
        status=case_texts.status_text(case, lang),
        state=case.status,
        mine=case.is_open and taken_by(case) == me.id,
        event=event,
        channel=channel_label(case.channel, lang),
        received=when(case.created_at, lang),
    )


@dataclass(frozen=True)
class EntryView:
    """One message of a case's conversation."""

    author: str
    kind: str  # participant | staff | bot
    at: str
    text: str


def entry_views(case: CaseInfo, entries: Sequence[CaseEntry], lang: Lang) -> list[EntryView]:
    return [
        EntryView(
            author=texts.author_text(case, entry, lang),
            kind=entry.author,
            at=when(entry.at, lang),
            text=texts.entry_text(entry, lang),
        )
        for entry in entries
    ]


def taught(entries: Sequence[CaseEntry]) -> bool:
    """Whether the case's answer has been saved as the bot's answer."""
    return any(e.author == "bot" and e.text == "taught" for e in entries)
