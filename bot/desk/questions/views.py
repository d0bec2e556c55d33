"""The questions page's content: the waiting questions grouped per event, and the shares.

Pure functions of the cases, the question log's counts and the knowledge: the handlers fetch,
these decide what is shown, the template places it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.cases import texts as case_texts
from bot.cases.service import CaseInfo
from bot.cases.similar import group
from bot.conversations.questions import Tallies, Tally
from bot.desk.cases.views import case_href, one_line, when
from bot.desk.questions import texts
from bot.i18n import Lang
from bot.knowledge.schema import Event

QUESTIONS = "/desk/spoergsmaal"
# A group answers at most this many cases at once (the form's fields are limited).
MAX_GROUP = 250
QUESTION_CHARS = 300
WAITING = ("new", "taken")


@dataclass(frozen=True)
class QuestionItem:
    id: int
    href: str
    question: str
    status: str
    received: str


@dataclass(frozen=True)
class GroupView:
    """Similar questions of one event, answered together."""

    first: int  # the first case's number: the group's name on the page
    asked: str
    items: list[QuestionItem]
    can_teach: bool
    hint: str
    send: str

    @property
    def ids(self) -> list[int]:
        return [item.id for item in self.items[:MAX_GROUP]]


@dataclass(frozen=True)
class EventGroups:
    slug: str | None
    title: str
    groups: list[GroupView]


def waiting(cases: Sequence[CaseInfo], event: str | None) -> list[CaseInfo]:
    """Open cases without a staff answer yet (and not erased), of one event or all."""
    return [
        c
        for c in cases
        if c.status in WAITING and c.question and (event is None or c.event == event)
    ]


def event_groups(
    cases: Sequence[CaseInfo],
    events: Sequence[Event],
    lang: Lang,
) -> list[EventGroups]:
    """The waiting questions per event (in the events' order, then others, then none), each
    event's similar questions grouped, the largest groups first."""
    t = texts.page_texts(lang)
    titles = {e.id: e.title for e in events}
    slugs: list[str | None] = [e.id for e in events]
    slugs += sorted({c.event for c in cases if c.event and c.event not in titles})
    slugs.append(None)
    found: list[EventGroups] = []
    for slug in slugs:
        mine = sorted((c for c in cases if c.event == slug), key=lambda c: c.id)
        if not mine:
            continue
        by_id = {c.id: c for c in mine}
        groups = [
            _group_view([by_id[i] for i in g.ids], slug is not None, lang)
            for g in group([(c.id, c.question) for c in mine])
        ]
        title = t["no_event"] if slug is None else titles.get(slug, slug)
        found.append(EventGroups(slug, title, groups))
    return found


def _group_view(cases: list[CaseInfo], can_teach: bool, lang: Lang) -> GroupView:
    return GroupView(
        first=cases[0].id,
        asked=texts.asked_text(lang, len(cases)),
        items=[
            QuestionItem(
                id=c.id,
                href=case_href(c.id),
                question=one_line(c.question, QUESTION_CHARS),
                status=case_texts.status_text(c, lang),
                received=when(c.created_at, lang),
            )
            for c in cases
        ],
        can_teach=can_teach,
        hint=texts.group_hint(lang, can_teach),
        send=texts.send_label(lang, can_teach),
    )


@dataclass(frozen=True)
class ShareRow:
    """One line of the shares: how many questions, and who answered them."""

    label: str
    asked: int
    by_bot: str
    handed_over: str
    by_staff: str


def share_row(label: str, tally: Tally) -> ShareRow:
    def part(count: int, whole: int) -> str:
        return f"{count} ({Tally.share(count, whole)} %)"

    return ShareRow(
        label=label,
        asked=tally.asked,
        by_bot=part(tally.answered, tally.asked),
        handed_over=part(tally.handed_over, tally.asked),
        by_staff=part(tally.staff_answered, tally.handed_over),
    )


def event_rows(
    tallies: Tallies, events: Sequence[Event], title: Callable[[str], str | None], lang: Lang
) -> list[ShareRow]:
    """One line per event with questions (the knowledge's order, then others, then none),
    and the total."""
    t = texts.page_texts(lang)
    order = {e.id: n for n, e in enumerate(events)}

    def place(slug: str | None) -> tuple[int, int, str]:
        if slug is None:
            return (2, 0, "")
        return (0, order[slug], slug) if slug in order else (1, 0, slug)

    rows = [
        share_row(t["no_event"] if slug is None else (title(slug) or slug), tally)
        for slug, tally in sorted(tallies.per_event.items(), key=lambda item: place(item[0]))
    ]
    if rows:
        rows.append(share_row(t["total"], tallies.total))
    return rows


def week_rows(tallies: Tallies, lang: Lang) -> list[ShareRow]:
    return [
        share_row(texts.week_text(lang, week.year, week.week), tally)
        for week, tally in tallies.per_week
    ]
