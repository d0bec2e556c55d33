"""Writes nobody waits for, committed together: a group commit for records never read back at once.

A chat answer leaves two records behind that its answer does not depend on: the question log's
row and the Telegram journal's mark that the update is done. Each used to take a commit of its
own, and a commit is a disk flush: two per message, more than all the answering. Handed here,
they are written by one task in one transaction. The first write is begun at once (nothing waits
for a timer); the writes that arrive while a transaction is being committed go in the next one,
so under load one commit carries many, and alone a write costs what it did.

Only what may be lost or repeated belongs here: a process killed before the commit loses the
writes still pending (a journal's update not yet marked done is handled again by the next
leader; a question log row is a count). Records are kept by kind (a key): each kind's pending
items are written by one call, in one statement if it can (one INSERT of question rows, one
UPDATE of done marks). A kind whose write fails is tried again alone, so one bad write never
takes the others with it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

# Writes the pending items of one kind, given the transaction's session (sync or async).
WriteAll = Callable[[AsyncSession, list[Any]], object]


class Later:
    """The pending records of one database, by kind, and the task that commits them."""

    def __init__(self, transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]]):
        self._transaction = transaction
        self._pending: dict[str, tuple[WriteAll, list[Any]]] = {}
        self._writing: asyncio.Task[None] | None = None

    def add(self, key: str, item: object, write: WriteAll) -> None:
        """Commit ``item`` soon: ``write`` writes it with the other items of ``key`` pending
        when the next transaction begins."""
        self._pending.setdefault(key, (write, []))[1].append(item)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write(), name="later")

    async def settled(self) -> None:
        """Wait until every item handed over so far is committed (or given up)."""
        while self._writing is not None and not self._writing.done():
            await asyncio.shield(self._writing)

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                await self._commit(batch.values())
            except Exception:
                log.warning("deferred writes of %d kinds failed together; each alone", len(batch))
                for one in batch.values():
                    try:
                        await self._commit([one])
                    except Exception:
                        log.warning("a deferred write was given up", exc_info=True)

    async def _commit(self, writes: Iterable[tuple[WriteAll, list[Any]]]) -> None:
        async with self._transaction() as session:
            for write, items in writes:
                done = write(session, items)
                if inspect.isawaitable(done):
                    await done
