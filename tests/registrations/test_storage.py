"""The database connection: SQLite set up for safe concurrent use, URLs without a driver."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import Database, create_engine
from bot.storage.migrate import head_revision


async def test_sqlite_connections_are_set_up_for_safe_concurrent_use(tmp_path: Path) -> None:
    path = tmp_path / "new" / "data" / "bot.sqlite3"  # the data folder does not exist yet
    db = Database.connect(f"sqlite+aiosqlite:///{path}")
    try:
        await db.migrate()
        async with db.engine.connect() as conn:
            pragma = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        await db.close()
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "synchronous": 2,  # FULL
    }
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )


async def test_writers_begin_immediate_and_readers_deferred(tmp_path: Path) -> None:
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    seen: list[str] = []
    from sqlalchemy import event, text

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
        async with db.session() as session:
            await session.execute(text("SELECT 1"))
    finally:
        await db.close()
    assert seen == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]


def test_urls_without_a_driver_get_the_async_one(tmp_path: Path) -> None:
    lite = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    pg = create_engine("postgres://postgres@127.0.0.1:5432/test")
    assert lite.url.drivername == "sqlite+aiosqlite"
    assert pg.url.drivername == "postgresql+asyncpg"
