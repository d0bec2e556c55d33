"""One instance at a time runs the mailbox, Telegram and the scheduled jobs.

On PostgreSQL (a real server): of two instances one leads; when the leader's database session
ends (as when its process is killed) the other takes over within the poll; two installations in
schemas of their own each have a leader. Then as an operator sees it: two ``python -m bot run``
on one database, the leader killed with SIGKILL, and the standby leading within 30 seconds
(``/readyz`` says which leads). On SQLite a second instance on the same file is refused with a
sentence saying why.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage import Database
from bot.storage.leadership import Leadership
from tests.conftest import postgres_schema, run_bot
from tests.web.events import workshop_day
from tests.web.server import BotProcess


async def test_one_leads_and_the_other_takes_over_when_its_session_ends() -> None:
    async with postgres_schema("lead") as (url, schema):
        first_db, second_db = Database.connect(url), Database.connect(url)
        first = Leadership(first_db, schema=schema, poll_seconds=0.2)
        second = Leadership(second_db, schema=schema, poll_seconds=0.2)
        other_install = Leadership(Database.connect(url), schema=schema + "x", poll_seconds=0.2)
        runs: list[str] = []
        stop = asyncio.Event()

        def work(name: str):  # type: ignore[no-untyped-def]
            async def lead(ended: asyncio.Event) -> None:
                runs.append(name)
                await ended.wait()
                runs.append(f"{name} stopped")

            return lead

        tasks = [asyncio.create_task(first.run(work("first"), stop))]
        await until(lambda: first.leading)
        tasks.append(asyncio.create_task(second.run(work("second"), stop)))
        tasks.append(asyncio.create_task(other_install.run(work("other"), stop)))
        await until(lambda: other_install.leading)  # another installation: its own leader
        await asyncio.sleep(1.0)
        assert not second.leading and runs.count("second") == 0
        # The leader's session ends (its connection cut): it stops its work at once.
        admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND objid = (:key & 4294967295) "
                    "AND granted AND pid <> pg_backend_pid()"
                ),
                {"key": first.key},
            )
        await admin.dispose()
        await until(lambda: "first stopped" in runs)
        await until(lambda: first.leading or second.leading)
        assert not (first.leading and second.leading)
        # The leader goes away: the standby leads within its poll.
        leader = 0 if first.leading else 1
        tasks[leader].cancel()
        standby = second if leader == 0 else first
        started = time.monotonic()
        await until(lambda: standby.leading)
        assert time.monotonic() - started < 2
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for db in (first_db, second_db, other_install.db):
            await db.close()


async def until(check: object, seconds: float = 15.0) -> None:
    async with asyncio.timeout(seconds):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110 - a state, not an event
            await asyncio.sleep(0.05)


def leads(bot: BotProcess) -> bool:
    """Whether ``/readyz`` says the instance leads (it answers 503 while something is not ready,
    as a standby's mailbox is, with the same body)."""
    try:
        with urllib.request.urlopen(f"{bot.url}/readyz", timeout=5) as answer:
            return bool(json.loads(answer.read())["leader"])
    except urllib.error.HTTPError as refused:
        return bool(json.loads(refused.read())["leader"])


async def test_a_killed_leader_is_replaced_within_30_seconds(tmp_path: Path) -> None:
    async with postgres_schema("takeover") as (url, schema):
        workshop_day(tmp_path / "knowledge")
        settings = {
            "BOT_KNOWLEDGE_DIR": str(tmp_path / "knowledge"),
            "BOT_DATABASE_URL": url,
            "BOT_DATABASE_SCHEMA": schema,
            "BOT_WEB_SECRET": "x" * 48,
        }
        bots = [BotProcess(tmp_path / name, settings) for name in ("a", "b")]
        for bot in bots:
            (tmp_path / bot.folder.name).mkdir()
            bot.env["BOT_DATABASE_URL"] = url  # not each its own SQLite file
            await asyncio.to_thread(bot.start)
        try:
            await until(lambda: sum(leads(b) for b in bots) == 1, 30)
            leader, standby = sorted(bots, key=lambda b: not leads(b))
            assert leader.proc is not None
            leader.proc.send_signal(signal.SIGKILL)
            leader.proc.wait(10)
            leader.proc = None
            started = time.monotonic()
            await until(lambda: leads(standby), 30)
            took = time.monotonic() - started
            print(f"takeover after SIGKILL: {took:.1f} s")
            assert took < 30
        finally:
            for bot in bots:
                await asyncio.to_thread(bot.stop)


def test_a_second_instance_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    workshop_day(tmp_path / "knowledge")
    first = BotProcess(tmp_path, {"BOT_KNOWLEDGE_DIR": str(tmp_path / "knowledge")})
    first.start()
    try:
        env = {k: v for k, v in first.env.items() if k.startswith("BOT_")}
        env["BOT_WEB_PORT"] = str(first.port + 1)
        second = run_bot("run", env=env)
        assert second.returncode == 2, second.stderr
        assert "en anden bot kører allerede på databasen" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.stop()
