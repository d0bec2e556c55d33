"""A separate signup process for the tests: killed part-way through, or racing another one.

    python -m tests.registrations.signup_worker URL SCHEMA MODE [FIRST COUNT]

MODE ``pause`` signs one person up and stops inside the transaction, just before COMMIT, after
printing ``PAUSED`` (a listener on the engine's commit event, the real service otherwise).
MODE ``stream`` signs people up one after another, printing ``DONE n`` after each commit.
MODE ``batch`` prints READY, waits for a line on standard input, then signs up people FIRST to
FIRST+COUNT-1 for BATCH_EVENT, 10 at a time, and prints their outcomes.
SCHEMA is the PostgreSQL schema to use, or '' for none.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event as sa_event

from bot.registrations import RegistrationService, SignupForm
from bot.registrations.identity import ChatId
from bot.storage import Database
from tests.registrations.events import NOW, make_event

EVENT = make_event("crash-temadag", capacity=5)
BATCH_EVENT = make_event("to-processer", capacity=30)
ROOT = Path(__file__).resolve().parents[2]


async def start_worker(url: str, schema: str | None, *args: str) -> asyncio.subprocess.Process:
    """This module as a separate process, with pipes to its standard input and output."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.registrations.signup_worker",
        url,
        schema or "",
        *args,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )


def person(n: int) -> SignupForm:
    """The n-th person of the stream; the test knows them by these details."""
    return SignupForm(f"Deltager {n}", f"deltager{n}@example.dk", "Handicaprådet", needs="Tolk")


def _pause_before_commit(_conn: Any) -> None:
    print("PAUSED", flush=True)
    time.sleep(600)  # blocks the whole process inside the open transaction until it is killed


async def main(url: str, schema: str, mode: str, first: int = 0, count: int = 0) -> None:
    connect_args = {"server_settings": {"search_path": schema}} if schema else {}
    db = Database.connect(url, connect_args=connect_args)
    service = RegistrationService(db, {EVENT.id: EVENT}.get)
    if mode == "pause":
        sa_event.listen(db.engine.sync_engine, "commit", _pause_before_commit)
        await service.signup(
            EVENT, person(0), channel="email", chat=ChatId("telegram", "1000"), now=NOW
        )
        return
    if mode == "batch":
        batch = RegistrationService(db, {BATCH_EVENT.id: BATCH_EVENT}.get)
        gate = asyncio.Semaphore(10)

        async def one(n: int) -> str:
            async with gate:
                result = await batch.signup(BATCH_EVENT, person(n), channel="email", now=NOW)
                return result.outcome.value

        await db.migrate()  # connects, so that the race below is about signups only
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        print(" ".join(await asyncio.gather(*(one(n) for n in range(first, first + count)))))
        await db.close()
        return
    for n in itertools.count():
        await service.signup(
            EVENT, person(n), channel="telegram", chat=ChatId("telegram", str(1000 + n)), now=NOW
        )
        print(f"DONE {n}", flush=True)


if __name__ == "__main__":
    url, schema, mode, *numbers = sys.argv[1:]
    asyncio.run(main(url, schema, mode, *(int(n) for n in numbers)))
