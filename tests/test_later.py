"""Writes nobody waits for (``Database.later``): committed together, none lost to a bad neighbour.

On a real SQLite file, counting the commits the engine makes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

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


async def insert_all(session: AsyncSession, items: list[int]) -> None:
    await session.execute(text("INSERT INTO marks (n) VALUES (:n)"), [{"n": n} for n in items])


def mark(db: Database, n: int) -> None:
    db.later("marks", n, insert_all)


async def marks(db: Database) -> list[int]:
    async with db.session() as session:
        return list((await session.scalars(text("SELECT n FROM marks ORDER BY n"))).all())


async def test_writes_arriving_together_share_a_commit(tmp_path: Path) -> None:
    db, commits = await opened(tmp_path)
    try:
        for n in range(200):
            mark(db, n)
        await db.settled()
        assert await marks(db) == list(range(200))
        # The first is begun at once; the others arrive while it is committed and go together.
        assert len(commits) <= 2
    finally:
        await db.close()


async def test_a_write_alone_is_committed_without_waiting_for_others(tmp_path: Path) -> None:
    db, commits = await opened(tmp_path)
    try:
        mark(db, 1)
        await asyncio.wait_for(db.settled(), 2)  # no timer: settled as soon as it is committed
        assert await marks(db) == [1]
        assert len(commits) == 1
    finally:
        await db.close()


async def test_a_failing_write_is_given_up_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db, _commits = await opened(tmp_path)

    async def broken(session: AsyncSession, _items: list[int]) -> None:
        await session.execute(text("INSERT INTO no_such_table (n) VALUES (1)"))

    try:
        mark(db, 0)
        await asyncio.sleep(0)  # the first write is begun; the next ones wait for it
        mark(db, 1)
        db.later("broken", 1, broken)
        mark(db, 2)
        await db.settled()
        assert await marks(db) == [0, 1, 2]
        assert "a deferred write was given up" in caplog.text
    finally:
        await db.close()


async def test_closing_the_database_commits_what_is_pending(tmp_path: Path) -> None:
    db, _commits = await opened(tmp_path)
    mark(db, 7)
    db.later("other", 8, insert_all)  # another kind, in the same transaction
    await db.close()
    again = Database.connect(f"sqlite+aiosqlite:///{tmp_path}/later.sqlite3")
    try:
        assert await marks(again) == [7, 8]
    finally:
        await again.close()


async def test_items_gathered_under_one_key_are_written_by_one_call(tmp_path: Path) -> None:
    db, commits = await opened(tmp_path)
    calls: list[list[int]] = []

    async def counted(session: AsyncSession, items: list[int]) -> None:
        calls.append(list(items))
        await insert_all(session, items)

    try:
        db.later("marks", 0, counted)
        await asyncio.sleep(0)  # that write is begun; what comes now waits for the next
        for n in range(1, 100):
            db.later("marks", n, counted)
        await db.settled()
        assert await marks(db) == list(range(100))
        assert calls == [[0], list(range(1, 100))] and len(commits) == 2
    finally:
        await db.close()
