"""Benchmark of the registration service: signups per second on SQLite and PostgreSQL.

Each run signs up N new people for one event whose capacity is half of N, so both the seat and
the waiting-list paths are measured, each signup a full transaction (participant, identities,
registration, audit line) through the real service. "single" signs up one after another;
"concurrent" runs C tasks at once, each on its own session and pooled connection, all competing
for the same event lock (the worst case: everyone signs up for the same day).

The ceiling, measured in the same run on the same database and pool: the least any correct
signup must do, C at once: a write transaction that locks the event's row (``SELECT ... FOR
UPDATE``; on SQLite ``BEGIN IMMEDIATE``), inserts one row and commits: the ceiling of one
transaction per signup. The service gathers the signups that arrive together into one
transaction (group commit), so "at once" may pass it; "single" (a batch of one) cannot.

    .venv/bin/python bench/registrations_bench.py [--n 400] [--concurrency 50]
        [--postgres-url URL]   # default: BOT_TEST_POSTGRES_URL; without it PostgreSQL is skipped
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's package, not one installed elsewhere

from bot.clock import TZ  # noqa: E402
from bot.knowledge.schema import Event  # noqa: E402
from bot.registrations import Outcome, RegistrationService, SignupForm  # noqa: E402
from bot.storage import Database  # noqa: E402

NOW = datetime(2024, 4, 1, 10, 0, tzinfo=TZ)


def bench_event(slug: str, capacity: int) -> Event:
    return Event.model_validate(
        {
            "id": slug,
            "kind": "event",
            "source": {"file": "bench.txt"},
            "title": f"Benchmark {slug}",
            "organiser": "Benchmark",
            "start": "2024-05-31 11:00",
            "end": "2024-05-31 15:00",
            "registration": {"deadline": "2024-05-01", "capacity": capacity},
        }
    )


@asynccontextmanager
async def sqlite_database(pool: int) -> AsyncIterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.connect(
            f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", pool_size=pool
        )
        try:
            await db.migrate()
            yield db
        finally:
            await db.close()


@asynccontextmanager
async def postgres_database(url: str, pool: int) -> AsyncIterator[Database]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    connect_args: dict[str, Any] = {"server_settings": {"search_path": schema}}
    db = Database.connect(url, connect_args=connect_args, pool_size=pool)
    try:
        await db.migrate()
        yield db
    finally:
        await db.close()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def person(run: str, n: int) -> SignupForm:
    return SignupForm(f"Deltager {n}", f"{run}-{n}@example.dk", "Handicaprådet", needs="Tolk")


async def measure(db: Database, n: int, concurrency: int) -> float:
    """Signups per second for n new people, `concurrency` at a time."""
    run = uuid.uuid4().hex[:6]
    event = bench_event(f"bench-{run}", capacity=n // 2)
    service = RegistrationService(db, {event.id: event}.get)
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Outcome:
        async with gate:
            result = await service.signup(event, person(run, i), channel="email", now=NOW)
            return result.outcome

    # Warm the pool and the statement caches outside the measurement.
    await service.signup(event, person(run, -1), channel="email", now=NOW)
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.perf_counter() - started
    assert outcomes.count(Outcome.REGISTERED) == n // 2 - 1, "capacity was not kept"
    return n / elapsed


async def ceiling(db: Database, n: int, concurrency: int) -> float:
    """Bare serialised write transactions per second: lock the event row, insert, commit."""
    slug = f"ceiling-{uuid.uuid4().hex[:6]}"
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS bench_ceiling (n INTEGER)"))
        await session.execute(
            text(
                "INSERT INTO registration_events (slug, last_queue_no, created_at) "
                "VALUES (:slug, 0, :now)"
            ),
            {"slug": slug, "now": NOW},
        )
    gate = asyncio.Semaphore(concurrency)
    lock = text("SELECT last_queue_no FROM registration_events WHERE slug = :slug FOR UPDATE")
    if db.dialect == "sqlite":  # no FOR UPDATE: the write transaction has the lock already
        lock = text("SELECT last_queue_no FROM registration_events WHERE slug = :slug")

    async def one(i: int) -> None:
        async with gate, db.transaction() as session:
            await session.execute(lock, {"slug": slug})
            await session.execute(text("INSERT INTO bench_ceiling (n) VALUES (:n)"), {"n": i})

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return n / (time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=400, help="signups per run")
    parser.add_argument("--concurrency", type=int, default=50, help="tasks at once")
    parser.add_argument("--postgres-url", default=os.environ.get("BOT_TEST_POSTGRES_URL"))
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )
    print(f"{args.n} signups per run; capacity {args.n // 2}; full transaction each\n")
    at_once = f"{args.concurrency} at once /s"
    print(f"{'database':12} {'single /s':>10} {at_once:>18} {'ceiling ' + at_once:>26}")
    backends: list[tuple[str, Any]] = [("SQLite", lambda: sqlite_database(args.concurrency))]
    if args.postgres_url:
        url = args.postgres_url
        backends.append(("PostgreSQL", lambda: postgres_database(url, args.concurrency)))
    for name, open_database in backends:
        async with open_database() as db:
            single = await measure(db, args.n, 1)
            concurrent = await measure(db, args.n, args.concurrency)
            bare = await ceiling(db, args.n, args.concurrency)
        print(f"{name:12} {single:>10.0f} {concurrent:>18.0f} {bare:>26.0f}")
    if not args.postgres_url:
        print("PostgreSQL skipped: set BOT_TEST_POSTGRES_URL or pass --postgres-url")


if __name__ == "__main__":
    asyncio.run(main())
