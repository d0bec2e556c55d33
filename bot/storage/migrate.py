"""Schema migrations with Alembic: upgrade on start, and a small helper for writing new ones.

The migration scripts live inside the package (``bot/storage/migrations``) so they ship with it.
Revisions are numbered (``0001``, ``0002`` …) and their files named ``0001_registrations.py``.
:func:`upgrade` runs in one transaction that also holds a lock, so two bot processes starting at
once do not both migrate: SQLite's write lock (``BEGIN IMMEDIATE``), a PostgreSQL advisory lock.
An existing database is always upgraded in place, never dropped.

For developers::

    python -m bot.storage.migrate upgrade [--url URL]
    python -m bot.storage.migrate current [--url URL]
    python -m bot.storage.migrate revision "add mail outbox" [--url URL]   # autogenerate
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.storage.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed number will do; it only has to be the same for every process of the bot.
ADVISORY_LOCK_KEY = 7_302_198_510


def alembic_config() -> Config:
    """The Alembic configuration, built in code (there is no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str:
    """The newest revision in the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


async def _locked(db: Database, work: Callable[[Connection], object]) -> None:
    async with db.write_engine.begin() as conn:
        if db.dialect == "postgresql":
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        await conn.run_sync(work)


def _with_connection(connection: Connection) -> Config:
    config = alembic_config()
    config.attributes["connection"] = connection
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (the newest by default), in one locked transaction."""
    await _locked(db, lambda conn: command.upgrade(_with_connection(conn), revision))


async def downgrade(db: Database, revision: str) -> None:
    """Downgrade the schema to ``revision`` (for development and tests of old databases)."""
    await _locked(db, lambda conn: command.downgrade(_with_connection(conn), revision))


async def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None for an empty database."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def _next_revision_id() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    numbers = [int(r.revision) for r in script.walk_revisions() if re.fullmatch(r"\d+", r.revision)]
    return f"{max(numbers, default=0) + 1:04d}"


async def _revision(db: Database, message: str) -> None:
    rev_id = _next_revision_id()
    await _locked(
        db,
        lambda conn: command.revision(
            _with_connection(conn), message=message, autogenerate=True, rev_id=rev_id
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Developer command line: upgrade, current, revision."""
    parser = argparse.ArgumentParser(prog="python -m bot.storage.migrate")
    parser.add_argument("action", choices=["upgrade", "current", "revision"])
    parser.add_argument("message", nargs="?", help="revision: what the migration does")
    parser.add_argument("--url", help="database URL (default: BOT_DATABASE_URL or the SQLite file)")
    args = parser.parse_args(argv)

    async def go() -> int:
        db = Database.connect(args.url) if args.url else Database.from_settings()
        try:
            if args.action == "upgrade":
                await upgrade(db)
            elif args.action == "revision":
                if not args.message:
                    parser.error("revision needs a message")
                await upgrade(db)  # autogenerate compares the models with a database at head
                await _revision(db, args.message)
            print(await current_revision(db) or "(empty)")
            return 0
        finally:
            await db.close()

    return asyncio.run(go())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
