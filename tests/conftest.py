"""Shared fixtures: the real knowledge base and an answering core over it."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.answering import Answerer
from bot.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
PG_ENV = "BOT_TEST_POSTGRES_URL"
PG_HINT = (
    f"PostgreSQL tests need {PG_ENV}, for example "
    f"{PG_ENV}=postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@asynccontextmanager
async def postgres_schema(prefix: str) -> AsyncIterator[tuple[str, str]]:
    """(URL, schema) of a fresh PostgreSQL schema for one test, dropped afterwards.

    Skips with a hint when ``BOT_TEST_POSTGRES_URL`` is not set (CI sets it, so there the
    tests run, and fail if the server is unreachable).
    """
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(PG_HINT)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield url, schema
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        await admin.dispose()


# Each test process (pytest-xdist runs two) takes ports from a range of its own, below the
# ephemeral ports the system hands out (32768 and up), so two processes, or a client's own
# connection, never take the port a test server is about to listen on.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_PORTS = itertools.cycle(range(20000 + 3000 * (_WORKER % 4), 23000 + 3000 * (_WORKER % 4)))
for _skipped in range(os.getpid() % 3000):  # not the ports an earlier run just left
    next(_PORTS)


def free_port() -> int:
    """A TCP port nobody listens on just now, from this test process's range."""
    for port in _PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


@pytest.fixture(scope="session")
def answerer(kb: KnowledgeBase) -> Answerer:
    return Answerer(kb)


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` as a separate process, as a user or the evaluation would."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@asynccontextmanager
async def running_bot(env: dict[str, str], *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot run ARGS`` as a separate process with pipes to its stdin, stdout and
    stderr; killed on the way out if the test has not ended it."""
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        yield bot
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def read_until(stream: asyncio.StreamReader | None, text: str, seconds: float = 60) -> str:
    """What a process printed on ``stream``, up to and including the line that holds ``text``."""
    assert stream is not None
    seen = ""

    async def read() -> str:
        nonlocal seen
        while text not in seen:
            line = await stream.readline()
            if not line:
                raise AssertionError(f"the bot ended before printing {text!r}: {seen}")
            seen += line.decode()
        return seen

    return await asyncio.wait_for(read(), seconds)


def one_seat(folder: Path) -> None:
    """A knowledge folder with one event of a single seat (31 May 2024, deadline 1 May)."""
    folder.mkdir()
    (folder / "lille.yaml").write_text(
        "id: lille-dag\nkind: event\nsource: {file: x.txt}\ntitle: Den lille temadag\n"
        "organiser: Sekretariatet\nstart: 2024-05-31 11:00\nend: 2024-05-31 14:00\n"
        "registration: {deadline: 2024-05-01, capacity: 1}\n",
        encoding="utf-8",
    )
