"""Writes nobody waits for (``Database.later``): committed together, none lost to a bad neighbour.

On a real SQLite file, counting the commits the engine makes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import Database


async def opened(tmp_path: Path) -> tuple[Database, list[int]]:
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path}/later.sqlite3")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE marks (n INTEGER NOT NULL)"))
    commits: list[int] = []
    event.listen(db.engine.sync_engine, "commit", lambda _c: commits.append(1))
    return db, commits


def mark(n: int) -> Any:
    async def write(session: AsyncSession) -> None:
        await session.execute(text("INSERT INTO marks (n) VALUES (:n)"), {"n": n})

    return write


async def marks(db: Database) -> list[int]:
    async with db.session() as session:
        return list((await session.scalars(text("SELECT n FROM marks ORDER BY n"))).all())


async def test_writes_arriving_together_share_a_commit(tmp_path: Path) -> None:
    db, commits = await opened(tmp_path)
    try:
        for n in range(200):
            db.later(mark(n))
        await db.settled()
        assert await marks(db) == list(range(200))
        # The first is begun at once; the others arrive while it is committed and go together.
        assert len(commits) <= 2
    finally:
        await db.close()


async def test_a_write_alone_is_committed_without_waiting_for_others(tmp_path: Path) -> None:
    db, commits = await opened(tmp_path)
    try:
        db.later(mark(1))
        await asyncio.wait_for(db.settled(), 2)  # no timer: settled as soon as it is committed
        assert await marks(db) == [1]
        assert len(commits) == 1
    finally:
        await db.close()


async def test_a_failing_write_is_given_up_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db, _commits = await opened(tmp_path)

    async def broken(session: AsyncSession) -> None:
        await session.execute(text("INSERT INTO no_such_table (n) VALUES (1)"))

    try:
        db.later(mark(0))
        await asyncio.sleep(0)  # the first write is begun; the next three wait for it
        for write in (mark(1), broken, mark(2)):
            db.later(write)
        await db.settled()
        assert await marks(db) == [0, 1, 2]
        assert "a deferred write was given up" in caplog.text
    finally:
        await db.close()


async def test_closing_the_database_commits_what_is_pending(tmp_path: Path) -> None:
    db, _commits = await opened(tmp_path)
    db.later(mark(7))
    db.later(lambda session: session.execute(text("INSERT INTO marks (n) VALUES (8)")))
    await db.close()
    again = Database.connect(f"sqlite+aiosqlite:///{tmp_path}/later.sqlite3")
    try:
        assert await marks(again) == [7, 8]
    finally:
        await again.close()


async def test_items_gathered_under_one_key_are_written_by_one_call(tmp_path: Path) -> None:
    db, commits = await opened(tmp_path)
    calls: list[list[int]] = []

    async def insert_all(session: AsyncSession, items: list[int]) -> None:
        calls.append(list(items))
        await session.execute(text("INSERT INTO marks (n) VALUES (:n)"), [{"n": n} for n in items])

    try:
        db.later_gathered("marks", 0, insert_all)
        await asyncio.sleep(0)  # that write is begun; what comes now waits for the next
        for n in range(1, 100):
            db.later_gathered("marks", n, insert_all)
        await db.settled()
        assert await marks(db) == list(range(100))
        assert calls == [[0], list(range(1, 100))] and len(commits) == 2
    finally:
        await db.close()
