"""The mail outbox sender as a separate process, for the kill -9 and two-process tests.

    python -m tests.mail.outbox_worker URL SCHEMA SMTP_PORT MAIL_FROM LEASE_SECONDS BATCH_SIZE

It builds the real :class:`~bot.channels.mail.outbox.OutboxSender` (as ``python -m bot run``
does, with test timings), connects to the database, prints ``READY <owner id>`` and waits for a
line on standard input; then it sends until it gets SIGTERM (it prints ``SENT <n>`` and exits)
or is killed. SCHEMA is the PostgreSQL schema, or '' for none.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from sqlalchemy import text

from bot.channels.mail.outbox import OutboxSender
from bot.channels.mail.smtp import SmtpConfig
from bot.storage import Database


async def main(url: str, schema: str, port: int, mail_from: str, lease: float, batch: int) -> None:
    connect_args = {"server_settings": {"search_path": schema}} if schema else {}
    db = Database.connect(url, connect_args=connect_args)
    config = SmtpConfig(
        host="127.0.0.1", port=port, mail_from=mail_from, starttls=False, timeout=10.0
    )
    sender = OutboxSender(
        db,
        config,
        lease_seconds=lease,
        batch_size=batch,
        # Rows come from the test process: look often; retries at once.
        poll_seconds=0.1,
        retry_initial=0.05,
        connect_backoff_initial=0.05,
        connect_backoff_max=0.2,
        linger_seconds=0.5,
    )
    async with db.session() as session:
        await session.execute(text("SELECT 1"))  # connected: "go" is about sending only
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print(f"READY {sender.lease.owner}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await sender.run(stop)
    print(f"SENT {sender.stats.sent}", flush=True)
    await db.close()


if __name__ == "__main__":
    url, schema, port, mail_from, lease, batch = sys.argv[1:]
    asyncio.run(main(url, schema, int(port), mail_from, float(lease), int(batch)))
