"""Writes nobody waits for, committed together: a group commit for records never read back at once.

A chat answer leaves two records behind that its answer does not depend on: the question log's
row and the Telegram journal's mark that the update is done. Each used to take a commit of its
own, and a commit is a disk flush: two per message, more than all the answering. Handed here,
they are written by one task in one transaction. The first write is begun at once (nothing waits
for a timer); the writes that arrive while a transaction is being committed go in the next one,
so under load one commit carries many, and alone a write costs what it did.

Only what may be lost or repeated belongs here: a process killed before the commit loses the
writes still pending (a journal's update not yet marked done is handled again by the next
leader; a question log row is a count). A write that fails is tried again alone, so one bad
write never takes the others with it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

# A write: given the batch's session, adds or executes what it writes (sync or async).
Write = Callable[[AsyncSession], object]
# A write of gathered items: all the items of one key, in one statement if it can.
WriteAll = Callable[[AsyncSession, list[Any]], object]


class Later:
    """The pending writes of one database, and the task that commits them."""

    def __init__(self, transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]]):
        self._transaction = transaction
        self._pending: list[Write] = []
        self._writing: asyncio.Task[None] | None = None
        self._gathering: dict[str, list[Any]] = {}

    def add(self, write: Write) -> None:
        """Commit ``write`` soon, with whatever else is pending."""
        self._pending.append(write)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write(), name="later")

    def gather(self, key: str, item: object, write: WriteAll) -> None:
        """Commit ``item`` soon, written by one call of ``write`` with every other item of
        ``key`` that arrives before that call (rows of one table in one INSERT, say)."""
        items = self._gathering.get(key)
        if items is None:
            items = self._gathering[key] = []
            self.add(partial(self._write_gathered, key, items, write))
        items.append(item)

    def _write_gathered(
        self, key: str, items: list[Any], write: WriteAll, session: AsyncSession
    ) -> object:
        if self._gathering.get(key) is items:
            del self._gathering[key]  # items from now on go in the next call
        return write(session, items)

    async def settled(self) -> None:
        """Wait until every write handed over so far is committed (or given up)."""
        while self._writing is not None and not self._writing.done():
            await asyncio.shield(self._writing)

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._commit(batch)
            except Exception:
                log.warning("%d deferred writes failed together; trying each alone", len(batch))
                for write in batch:
                    try:
                        await self._commit([write])
                    except Exception:
                        log.warning("a deferred write was given up", exc_info=True)

    async def _commit(self, batch: list[Write]) -> None:
        async with self._transaction() as session:
            for write in batch:
                done = write(session)
                if inspect.isawaitable(done):
                    await done
