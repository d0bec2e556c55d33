"""A channel's own writes (``also``) commit with the registration change, or neither does."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.models import Case
from bot.registrations import RegistrationService
from bot.registrations.identity import Identity
from bot.registrations.results import Outcome, Result
from tests.registrations.conftest import Target
from tests.registrations.events import NOW, make_event
from tests.registrations.test_service import form


async def test_also_commits_with_the_signup_or_not_at_all(target: Target) -> None:
    event = make_event("samme-transaktion")
    db = target.connect()
    await db.migrate()
    service = RegistrationService(db, {event.id: event}.get)

    async def record(session: AsyncSession, result: Result) -> None:
        session.add(
            Case(
                channel="email",
                chat_id="x",
                question=result.outcome.value,
                lang="da",
                status="new",
                created_at=NOW,
                updated_at=NOW,
            )
        )

    async def fail(session: AsyncSession, result: Result) -> None:
        raise RuntimeError("the channel's bookkeeping failed")

    with pytest.raises(RuntimeError):
        await service.signup(event, form(1), channel="email", now=NOW, also=fail)
    assert await service.event_registrations(event.id) == []  # rolled back with it

    done = await service.signup(event, form(1), channel="email", now=NOW, also=record)
    assert done.outcome is Outcome.REGISTERED
    async with db.session() as session:
        assert [c.question for c in await session.scalars(select(Case))] == ["registered"]
        audit = await session.scalar(text("SELECT count(*) FROM registration_audit"))
    assert audit == 1

    cancelled = await service.cancel(
        event,
        Identity(email=done.registration.email if done.registration else ""),
        channel="email",
        now=NOW,
        also=record,
    )
    assert cancelled.outcome is Outcome.CANCELLED
    async with db.session() as session:
        assert [c.question for c in await session.scalars(select(Case).order_by(Case.id))] == [
            "registered",
            "cancelled",
        ]
