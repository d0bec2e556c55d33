"""The retention job with a controlled clock, on SQLite and PostgreSQL: exactly the expired
events' personal data is deleted, also for an event that has left the knowledge files."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cases.models import Case
from bot.conversations.models import Conversation
from bot.knowledge import load_knowledge
from bot.privacy.retention import RetentionJob
from bot.privacy.service import Privacy, Who
from bot.registrations.models import Registration
from bot.services import Services
from tests.privacy.conftest import (
    AUTUMN,
    KAREN,
    NOW,
    OLE,
    SPRING,
    everywhere,
    search,
    traces,
    write_knowledge,
)

# In UTC, so adding days is adding hours (Copenhagen changes to winter time in between).
SPRING_END = NOW.replace(month=5, day=31, hour=15).astimezone(UTC)
AUTUMN_END = NOW.replace(month=10, day=1, hour=15).astimezone(UTC)
DAYS = timedelta(days=90)


async def count(services: Services, model: type, *where: object) -> int:
    async with services.db.session() as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(await session.scalar(query) or 0)


async def test_an_event_expires_90_days_after_it_ended_and_not_before(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    await everywhere(services, KAREN)
    await everywhere(services, OLE)
    # A chat that never chose an event, last used when the others were.
    await services.conversations.update("telegram", 4242, NOW, lang="en")
    job = RetentionJob(services)

    # Just before the spring day expires: only what belongs to no event and is old enough
    # goes (the chat without an event, and the counts of automatic replies, kept two days).
    assert await job.sweep(SPRING_END + DAYS - timedelta(minutes=1)) == {
        "conversations": 1,
        "mail_autoreplies": 4,
    }
    assert await count(services, Conversation) == 2

    caplog.set_level(logging.INFO, logger="bot")
    swept = await job.sweep(SPRING_END + DAYS + timedelta(minutes=1))
    # The spring day's registrations (Karen's seat, Ole on the waiting list) are shells now,
    # its cases (one each, with what was taught) and chats gone; the autumn day is untouched.
    assert swept == {
        "registrations": 2,
        "cases": 2,
        "learned_answers": 2,
        "conversations": 2,  # Karen's and Ole's chats were about the spring day
        "chat_outbox": 4,  # "a person has your question" and the relayed answer, to each
        "registration_checkins": 1,  # Karen's seat's check-in code
    }
    async with services.db.session() as session:
        spring = list(
            await session.scalars(select(Registration).where(Registration.event_slug == SPRING))
        )
        autumn = list(
            await session.scalars(select(Registration).where(Registration.event_slug == AUTUMN))
        )
    assert {(r.name, r.email) for r in spring} == {("(slettet)", "")}
    assert {r.name for r in autumn} == {KAREN.name, OLE.name}
    assert await count(services, Case, Case.event_slug == AUTUMN) == 2
    assert await count(services, Case, Case.event_slug == SPRING) == 0
    karen = await Privacy(services).data(Who.of(email=KAREN.email))
    assert [r["event_slug"] for r in karen.registrations] == [SPRING, AUTUMN]
    assert len(karen.rows["mail_inbound"]) == 2  # her e-mails were about the autumn day
    assert await services.cases.learned() == []
    # Counts and event ids only in the log.
    [line] = [r.getMessage() for r in caplog.records if "retention" in r.getMessage()]
    assert SPRING in line and "registrations" in line
    assert not any(n in line for n in (*traces(KAREN), *traces(OLE)))

    assert await job.sweep(SPRING_END + DAYS + timedelta(days=1)) == {}  # nothing more
    await job.sweep(AUTUMN_END + DAYS + timedelta(minutes=1))
    # Nothing of either person is left; the audit trail keeps every line.
    assert await search(services, [*traces(KAREN), *traces(OLE)]) == []
    trail = await services.registrations.audit_trail()
    assert [a.action for a in trail].count("expired") == 4
    assert await count(services, Registration) == 4


async def test_an_event_that_left_the_knowledge_files_still_expires(
    services: Services, tmp_path: Path
) -> None:
    await everywhere(services, KAREN)
    job = RetentionJob(services)
    await job.sweep(NOW)  # the job sees both events and remembers when they end
    # The autumn day is taken out of the knowledge files.
    only_spring = tmp_path / "only-spring"
    write_knowledge(only_spring)
    (only_spring / f"{AUTUMN}.yaml").unlink()
    services.curated = load_knowledge(only_spring)
    services.apply_learned(await services.cases.learned())
    assert services.kb.event(AUTUMN) is None

    live = (Registration.event_slug == AUTUMN, Registration.email != "")
    # Just before its remembered end plus 90 days: the spring day goes, the autumn day stays.
    await job.sweep(AUTUMN_END + DAYS - timedelta(minutes=1))
    assert await count(services, Registration, *live) == 1
    assert await count(services, Case, Case.event_slug == AUTUMN) == 1
    await job.sweep(AUTUMN_END + DAYS + timedelta(minutes=1))
    assert await count(services, Registration, *live) == 0
    assert await count(services, Case, Case.event_slug == AUTUMN) == 0
    assert await search(services, traces(KAREN)) == []


async def test_an_event_never_seen_expires_after_its_data_was_last_used(
    services: Services,
) -> None:
    # A chat about an event no knowledge file ever had (the job never saw it).
    await services.conversations.update("telegram", KAREN.telegram, NOW, event="gammel-dag-2019")
    job = RetentionJob(services)
    assert await job.sweep(NOW + DAYS - timedelta(minutes=1)) == {}
    assert await job.sweep(NOW + DAYS + timedelta(minutes=1)) == {"conversations": 1}
    # The chat's state is forgotten in memory too: it starts afresh.
    assert (await services.conversations.get("telegram", KAREN.telegram)).event is None
