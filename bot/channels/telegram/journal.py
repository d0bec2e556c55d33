"""Telegram's updates journalled: none lost when an instance dies, none handled twice but the
one being handled at the moment it died.

Telegram forgets an update once the bot has asked for the next ones. An instance killed after
that and before it had answered would lose the person's message; one killed after answering but
before asking again would get it again from Telegram and answer twice. So the poller writes each
batch of updates to the database (one transaction) before it asks for the next batch, the update
is marked done when its handling ends, and:

- an update Telegram sends again that is done already is dropped (``keep``);
- the instance that leads next handles first, in order, what the journal holds not done
  (``arrived``), then polls; an update whose handling was begun ``MAX_TRIES`` times without
  ending (one that kills the process, say) is given up, so it cannot stop the bot for good.

An update whose answer was sent but whose handling was not yet marked done when the instance
died is handled again by the next leader. The done marks are committed together, a few
milliseconds after the answers (``Database.later``), so the window is the updates answered in
the last commit's time: about one per chat being answered at the kill.

With a webhook, every instance writes what Telegram posts to it into the journal
(``webhook.py``) and the leader takes it from there (``arrived``), in the same order.

Updates of one chat are handled in order by the leader's ``PerChatUpdateProcessor``; replayed
ones come before anything newer. Rows are kept a day (to recognise repeats), then removed by the
retention job, and erased with the person (``bot.privacy.tables``).
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.channels.telegram.models import TelegramUpdate
from bot.channels.telegram.ordering import chat_key
from bot.storage import Database
from bot.storage.inserting import insert_new

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# Handling begun this often without ending: the update is given up (logged, by its number).
MAX_TRIES = 3
# Finished updates remembered in memory (besides the journal's done mark, which a look at the
# journal may have read just before it was written).
FINISHED_REMEMBERED = 10_000


class Journal:
    """The journal of one installation's Telegram updates."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        # Updates this process has queued for handling and not finished, and the last ones it
        # finished: a repeat from Telegram, or a look at the journal taken just before one was
        # marked done, does not queue it twice.
        self._queued: set[int] = set()
        self._finished: deque[int] = deque(maxlen=FINISHED_REMEMBERED)
        self._finished_ids: set[int] = set()

    def _seen(self, update_id: int) -> bool:
        return update_id in self._queued or update_id in self._finished_ids

    async def keep(self, updates: Sequence[Update]) -> list[Update]:
        """Write a batch to the journal; the updates to handle (not done, not already queued)."""
        if not updates:
            return []
        now = self.clock()
        rows = [_row(u, now) for u in updates]
        ids = [u.update_id for u in updates]
        async with self.db.transaction() as session:
            await session.execute(insert_new(session, TelegramUpdate, rows, ["update_id"]))
            done = set(
                await session.scalars(
                    select(TelegramUpdate.update_id).where(
                        TelegramUpdate.update_id.in_(ids), TelegramUpdate.done_at.is_not(None)
                    )
                )
            )
        fresh = [u for u in updates if u.update_id not in done and not self._seen(u.update_id)]
        self._queued.update(u.update_id for u in fresh)
        return fresh

    async def arrived(self, bot: Any, limit: int = 500) -> list[Update]:
        """The journal's updates not done and not queued in this process, oldest first: at a
        leader's start what an earlier one left, then what the webhook took in any instance.
        Each is counted as tried once more; those tried ``MAX_TRIES`` times are given up."""
        async with self.db.transaction() as session:
            rows = (
                await session.scalars(
                    select(TelegramUpdate)
                    .where(TelegramUpdate.done_at.is_(None))
                    .order_by(TelegramUpdate.update_id)
                    .limit(limit + len(self._queued) + len(self._finished))
                )
            ).all()
            found: list[Update] = []
            for row in rows:
                if self._seen(row.update_id):
                    continue
                if row.tries >= MAX_TRIES:
                    log.error(
                        "telegram: update %d given up after %d tries", row.update_id, MAX_TRIES
                    )
                    row.done_at = self.clock()
                    continue
                row.tries += 1
                found.append(Update.de_json(json.loads(row.payload), bot))
        self._queued.update(u.update_id for u in found)
        return found

    async def done(self, handled: object) -> None:
        """Handling of an update has ended (answered, or failed and apologised for)."""
        if not isinstance(handled, Update):
            return
        self._queued.discard(handled.update_id)
        if len(self._finished) == self._finished.maxlen:
            self._finished_ids.discard(self._finished[0])
        self._finished.append(handled.update_id)
        self._finished_ids.add(handled.update_id)
        # Marked with the others finished meanwhile, in one statement committed with other such
        # records (``Database.later``): a mark lost to a crash means the update is handled
        # again, which the window in the module's docstring allows.
        self.db.later("telegram-done", handled.update_id, self._mark_done)

    async def _mark_done(self, session: AsyncSession, ids: list[int]) -> None:
        await session.execute(
            update(TelegramUpdate)
            .where(TelegramUpdate.update_id.in_(ids))
            .values(done_at=self.clock())
        )


def _row(update: Update, now: datetime) -> dict[str, Any]:
    chat = chat_key(update)
    return {
        "update_id": update.update_id,
        "channel": CHANNEL,
        "chat_id": None if chat is None else str(chat),
        "payload": json.dumps(update.to_dict(), ensure_ascii=False),
        "received_at": now,
        "tries": 0,
        "done_at": None,
    }
