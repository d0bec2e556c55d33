"""Claiming a notice: its key is inserted in the caller's transaction, or it was sent already.

``claim`` is ``INSERT … ON CONFLICT (key) DO NOTHING RETURNING id``: it tells in one statement
whether this transaction is the one that sends the notice. Two processes claiming the same key
at once are kept apart by the unique index itself (PostgreSQL makes the second wait for the
first to commit, then skips; SQLite has one writer at a time), so the caller queues the message
only when it got the row, and both commit or roll back together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reminders.models import SentNotice
from bot.storage import Database


async def claim(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    event: str,
    now: datetime,
    registration_id: int | None = None,
    channel: str | None = None,
    chat_id: str | None = None,
) -> bool:
    """Record the notice in the session's transaction; False if it was recorded before."""
    values: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "event_slug": event,
        "registration_id": registration_id,
        "channel": channel,
        "chat_id": chat_id,
        "queued_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(SentNotice)
        .values(values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(SentNotice.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def recorded(db: Database, event: str, kind: str) -> set[str]:
    """The keys of an event's notices of one kind already queued (to skip them cheaply)."""
    async with db.session() as session:
        keys = await session.scalars(
            select(SentNotice.key).where(SentNotice.event_slug == event, SentNotice.kind == kind)
        )
        return set(keys)
