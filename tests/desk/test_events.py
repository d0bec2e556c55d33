"""The desk's events page, in process: upcoming and past events with their numbers.

Upcoming events soonest first, past ones latest first, each with its date, place, registered,
waiting, seats, days to the signup deadline (counted in Copenhagen), open cases and needs to
arrange, and a link to its participants page.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import TZ
from bot.clock import now as clock_now
from bot.desk.events.page import days_to_deadline
from bot.i18n import fmt_date
from bot.registrations import Identity, SignupForm
from tests.desk.conftest import Desk
from tests.desk.test_participants import LATE, PAST, SMALL, SMALL_TITLE, desk_on, staff
from tests.registrations.events import make_event
from tests.web.events import SLUG as WORKSHOPS


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with desk_on(tmp_path) as desk:
        yield desk


def rows(html: str, heading_id: str) -> list[list[str]]:
    """The table under a heading, as the text of each row's cells."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start + 1)
    table = html[start : end if end > 0 else len(html)]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        found.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return found[1:]  # without the headings


async def test_upcoming_and_past_events_with_their_numbers(desk: Desk) -> None:
    services = desk.services
    now = services.clock()
    small = services.kb.event(SMALL)
    assert small is not None
    forms = [
        SignupForm("Karen", "karen@kl.dk", "Rådet", needs="Tolk"),
        SignupForm("Bo", "bo@kl.dk", "Rådet"),
        SignupForm("Åse", "aase@kl.dk", "Rådet", needs="Kørestol"),
    ]
    for form in forms:
        await services.registrations.signup(small, form, channel="email", now=now)
    await services.registrations.cancel(small, Identity(email="bo@kl.dk"), channel="email", now=now)
    for question in ("Er der parkering?", "Hvor er elevatoren?"):
        await services.cases.open(
            channel="web",
            chat_id="s-1",
            user_id=None,
            name="Karen",
            question=question,
            lang="da",
            event=SMALL,
            now=now,
        )
    async with staff(desk) as browser:
        page = await browser.get("/desk/arrangementer")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Arrangementer</h1>" in text
    assert 'href="/desk/arrangementer" aria-current="page"' in text
    upcoming = rows(text, "kommende")
    # Soonest first: the late day (in 10 days), then the two a year from now (same hour: by id).
    assert [r[0] for r in upcoming] == [
        "Dagen med den overskredne frist",
        SMALL_TITLE,
        desk.title,
    ]
    by_title = {r[0]: r for r in upcoming}
    day = small.start.astimezone(TZ)
    deadline = (day - timedelta(days=20)).date()
    days = (deadline - clock_now().astimezone(TZ).date()).days
    # Event, date, place, registered, waiting, seats, deadline, open cases, needs.
    assert by_title[SMALL_TITLE][2:] == [
        "Huset i Hasseris",
        "2",
        "0",
        "2",
        f"{days} dage ({fmt_date(deadline, 'da', weekday=False)})",
        "2",
        "2",
    ]
    assert by_title[SMALL_TITLE][1].endswith(", 10.00")
    assert by_title[desk.title][5] == "ingen grænse"
    assert by_title["Dagen med den overskredne frist"][2] == "–"  # no venue in the knowledge
    assert by_title["Dagen med den overskredne frist"][6] == "udløbet"
    assert f'<a href="/desk/arrangementer/{SMALL}">{SMALL_TITLE}</a>' in text
    assert f'<a href="/desk/arrangementer/{WORKSHOPS}">' in text
    past = rows(text, "tidligere")
    assert [r[0] for r in past] == ["Temadagen sidste år"]
    assert len(past[0]) == len(upcoming[0]) - 1  # no deadline column for what is over
    assert f'href="/desk/arrangementer/{PAST}"' in text
    # The tables scroll in a region of their own on a phone, named by their heading.
    assert 'role="region" aria-labelledby="kommende" tabindex="0"' in text
    assert 'role="region" aria-labelledby="tidligere" tabindex="0"' in text


def test_days_to_the_deadline_are_counted_in_copenhagen() -> None:
    event = make_event("frist", deadline="2024-05-01", start="2024-05-31 11:00")
    at = datetime(2024, 4, 29, 23, 30, tzinfo=TZ)
    assert days_to_deadline(event, at) == 2
    # 22:30 UTC on 30 April is already 1 May in Copenhagen: the deadline day.
    utc_evening = datetime.fromisoformat("2024-04-30T22:30:00+00:00")
    assert days_to_deadline(event, utc_evening) == 0
    assert days_to_deadline(event, datetime(2024, 4, 30, 9, 0, tzinfo=TZ)) == 1
    assert days_to_deadline(event, datetime(2024, 5, 1, 23, 59, tzinfo=TZ)) == 0
    assert days_to_deadline(event, datetime(2024, 5, 2, 0, 0, 1, tzinfo=TZ)) is None


async def test_today_and_tomorrow_are_said_in_words(desk: Desk) -> None:
    late = desk.services.kb.event(LATE)
    small = desk.services.kb.event(SMALL)
    assert late is not None and small is not None
    assert small.registration is not None and small.registration.deadline_at is not None
    deadline = small.registration.deadline_at
    desk.services.clock = lambda: deadline - timedelta(hours=2)
    async with staff(desk) as browser:
        text = (await browser.get("/desk/arrangementer")).text
    by_title = {r[0]: r for r in rows(text, "kommende")}
    assert by_title[SMALL_TITLE][6].startswith("i dag (")
    desk.services.clock = lambda: deadline - timedelta(days=1)
    async with staff(desk) as browser:
        text = (await browser.get("/desk/arrangementer")).text
    by_title = {r[0]: r for r in rows(text, "kommende")}
    assert by_title[SMALL_TITLE][6].startswith("i morgen (")


async def test_the_events_page_needs_a_session(desk: Desk) -> None:
    async with desk.client() as stranger:
        answer = await stranger.get("/desk/arrangementer")
    assert answer.status_code == 303 and answer.content == b""
    assert answer.headers["location"] == "/desk/log-ind"
