"""A process killed in the middle of a signup leaves the whole registration or none of it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3

from sqlalchemy import func, select, text

from bot.registrations import Outcome, RegistrationService
from bot.registrations.identity import ChatId
from bot.registrations.models import (
    AuditEntry,
    Participant,
    ParticipantIdentity,
    Registration,
    RegistrationEvent,
)
from bot.storage import Database
from tests.registrations.conftest import Target
from tests.registrations.events import NOW
from tests.registrations.signup_worker import EVENT, person, start_worker

TIMEOUT = 60


async def start(target: Target, mode: str) -> asyncio.subprocess.Process:
    return await start_worker(target.url, target.schema, mode)


async def kill(proc: asyncio.subprocess.Process) -> list[str]:
    """SIGKILL the worker; the lines it had printed but we had not read yet."""
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.stdout is not None
    rest = (await asyncio.wait_for(proc.stdout.read(), TIMEOUT)).decode().splitlines()
    assert await proc.wait() == -signal.SIGKILL
    return rest


async def rows(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def assert_consistent(db: Database, target: Target) -> None:
    """Every registration is whole: its person, both identities, and its audit line."""
    async with db.session() as session:
        orphans = await session.scalar(
            text(
                "SELECT count(*) FROM registrations r WHERE "
                "(SELECT count(*) FROM registration_audit a WHERE a.registration_id = r.id "
                " AND a.action = 'signed_up') <> 1 OR "
                "(SELECT count(*) FROM participant_identities i "
                " WHERE i.participant_id = r.participant_id) <> 2"
            )
        )
        assert orphans == 0
        lonely = await session.scalar(
            text(
                "SELECT count(*) FROM participants p WHERE NOT EXISTS "
                "(SELECT 1 FROM registrations r WHERE r.participant_id = p.id)"
            )
        )
        assert lonely == 0
    if target.backend == "sqlite":
        path = target.url.split("///", 1)[1]
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_killed_before_commit_leaves_nothing(target: Target, db: Database) -> None:
    proc = await start(target, "pause")
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
    assert line.decode().strip() == "PAUSED"  # everything written, nothing committed
    await kill(proc)

    for model in (Participant, ParticipantIdentity, Registration, AuditEntry, RegistrationEvent):
        assert await rows(db, model) == 0, model.__name__
    await assert_consistent(db, target)
    # Nothing is left locked: the same signup now goes through in full.
    service = RegistrationService(db, {EVENT.id: EVENT}.get)
    result = await service.signup(
        EVENT, person(0), channel="email", chat=ChatId("telegram", "1000"), now=NOW
    )
    assert result.outcome is Outcome.REGISTERED
    await assert_consistent(db, target)


async def test_killed_in_a_stream_of_signups_keeps_every_confirmed_one(
    target: Target, db: Database
) -> None:
    proc = await start(target, "stream")
    assert proc.stdout is not None
    done: list[str] = []
    while len(done) < 8:
        line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
        assert line, "the worker stopped early"
        done.append(line.decode().strip())
    await asyncio.sleep(0.005)  # land the kill somewhere inside the next signup
    done += await kill(proc)
    confirmed = len(done)
    assert done == [f"DONE {n}" for n in range(confirmed)]

    stored = await rows(db, Registration)
    # Every confirmed signup survived; the one in flight is there whole or not at all.
    assert stored in (confirmed, confirmed + 1)
    service = RegistrationService(db, {EVENT.id: EVENT}.get)
    listing = await service.event_registrations(EVENT.id)
    assert [r.name for r in listing][:confirmed] == [f"Deltager {n}" for n in range(confirmed)]
    assert [r.status.value for r in listing] == ["registered"] * 5 + ["waitlisted"] * (stored - 5)
    assert await rows(db, Participant) == stored
    await assert_consistent(db, target)
