"""Wakes across instances (``Database.wake`` and ``listen``), on a real PostgreSQL.

Mail queued in one instance (a signup in the web chat there) is sent by the instance that leads;
its sender waits on ``mail-outbox`` and must wake at once, not at its next poll. Two databases on
one schema stand for two instances; another schema is another installation and hears nothing;
a rolled-back transaction wakes nobody.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.outbox import SIGNAL, Outbox, wakeup_of
from bot.clock import now
from bot.settings import Settings
from bot.storage import Database, database
from tests.conftest import postgres_schema
from tests.test_leadership import until


async def queue(db: Database, session: AsyncSession) -> None:
    outbox = Outbox(db, mail_from="bot@example.dk")
    await outbox.enqueue(session, to="anna@example.dk", subject="Emne", body="Tekst", now=now())


def on(url: str, schema: str) -> Database:
    return Database.from_settings(Settings(database_url=url, database_schema=schema))


async def test_mail_queued_in_one_instance_wakes_the_sender_of_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database, "LISTEN_CHECK_SECONDS", 0.5)  # a cut is found sooner
    async with postgres_schema("wakes") as (url, schema), postgres_schema("other") as (_u, other):
        queuing, sending, elsewhere = on(url, schema), on(url, schema), on(url, other)
        for db in (queuing, sending, elsewhere):
            await db.migrate()
        stop = asyncio.Event()
        listening = [asyncio.create_task(db.listen(stop)) for db in (sending, elsewhere)]
        try:
            await asyncio.sleep(0.5)  # listening
            woken, unrelated = wakeup_of(sending), wakeup_of(elsewhere)
            # Rolled back: nobody hears of it.
            try:
                async with queuing.transaction() as session:
                    await queue(queuing, session)
                    raise RuntimeError("the signup failed")
            except RuntimeError:
                pass
            await asyncio.sleep(1.0)
            assert not woken.is_set()
            async with queuing.transaction() as session:
                await queue(queuing, session)
            started = now()
            await until(woken.is_set, 5)
            took = (now() - started) / timedelta(milliseconds=1)
            print(f"woken in the other instance after {took:.0f} ms")
            await asyncio.sleep(0.5)
            assert not unrelated.is_set()  # another installation's schema
            # The listening connection cut (a database restart, say): it listens again.
            woken.clear()
            async with queuing.engine.connect() as conn:
                cut = await conn.scalar(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": sending.listening_pid}
                )
            assert cut is True
            queuing.wake(SIGNAL)  # while nobody listens: looked at once listening again
            await until(woken.is_set, 10)
        finally:
            stop.set()
            await asyncio.gather(*listening)
            for db in (queuing, sending, elsewhere):
                await db.close()
