"""How the bot's background loops wait: until stopped, woken by new work, or a time has passed.

Every worker (the outbox senders, the staff desk, the reminder job, the knowledge watch, the
retention job, the IMAP worker between polls) sleeps the same way, so a stop is noticed at once
and work committed by another task (see ``Database.signal``) is picked up without polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def wait_for(stop: asyncio.Event, wakeup: asyncio.Event | None, seconds: float) -> bool:
    """Wait for ``stop`` or ``wakeup`` up to ``seconds``; True if woken (not by the clock)."""
    events = [stop] + ([wakeup] if wakeup is not None else [])
    if any(e.is_set() for e in events):
        return True
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        done, _ = await asyncio.wait(
            waiters, timeout=max(0.0, seconds), return_when="FIRST_COMPLETED"
        )
    finally:
        for waiter in waiters:
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
    return bool(done)


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake when ``stop`` is set."""
    await wait_for(stop, None, seconds)


async def every(
    stop: asyncio.Event, seconds: float, look: Callable[[], Awaitable[object]], what: str
) -> None:
    """Call ``look`` now and every ``seconds`` until ``stop`` (the scheduled jobs). A failed
    look is logged and tried again next time: a job must never take the channels down."""
    while not stop.is_set():
        try:
            await look()
        except Exception:
            log.exception("%s: the look failed; trying again at the next", what)
        await sleep_unless(stop, seconds)
