"""Watching the knowledge folder: edited files are loaded while the bot runs, changes noticed.

Staff edit a knowledge file (a new room, a later start); within ``knowledge_poll_seconds`` (3 s
by default) the bot loads the folder again. A folder that no longer loads is reported in the log
(file, field, problem) and the bot keeps answering from the knowledge it had, so a typo never
silences it. A folder that loads replaces the knowledge for every channel at once, and then
every upcoming event is compared with what its participants were told
(:class:`~bot.changes.ChangeService`).

Answers staff taught from another process (``python -m bot cases teach``, a second bot) are
noticed on the same check: when the taught answers in the database differ from those the bot
answers with, they are applied, so the next participant gets them without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.clock import now as clock_now
from bot.knowledge import KnowledgeError, load_knowledge
from bot.services import Services
from bot.waiting import sleep_unless

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(folder: Path) -> Fingerprint:
    """Names, sizes and modification times of the knowledge files: changes when one is edited."""
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    result = []
    for path in files:
        with contextlib.suppress(OSError):  # removed while we looked
            stat = path.stat()
            result.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(result)


class KnowledgeWatch:
    """Reloads the knowledge when its files change, and asks about changed events."""

    def __init__(
        self,
        services: Services,
        *,
        poll_seconds: float | None = None,
        clock: Callable[[], datetime] = clock_now,
        checks_changes: Callable[[], bool] = lambda: True,
    ) -> None:
        self.services = services
        # Whether this instance compares the events with what participants were told (only
        # one instance does, the leader: two would ask staff twice).
        self.checks_changes = checks_changes
        self.folder = services.settings.knowledge_dir
        self.poll_seconds = poll_seconds or services.settings.knowledge_poll_seconds
        self.clock = clock
        self._seen = fingerprint(self.folder)

    async def run(self, stop: asyncio.Event) -> None:
        """Check at once (changes made while the bot was stopped), then on every edit."""
        while not stop.is_set():
            try:
                await self.step()
            except Exception:
                log.exception("knowledge watch: could not check for changes; trying again")
            await sleep_unless(stop, self.poll_seconds)

    async def step(self) -> None:
        """Apply answers taught elsewhere; reload if the files changed; then compare the events
        with what participants know."""
        await self.learned_elsewhere()
        current = fingerprint(self.folder)
        if current != self._seen:
            self._seen = current
            try:
                kb = await asyncio.to_thread(load_knowledge, self.folder)
            except KnowledgeError as exc:
                log.error("knowledge files changed but do not load; keeping the old ones:\n%s", exc)
                return
            await self.services.use_knowledge(kb)
            log.info("knowledge reloaded: %d sources", len(kb))
        if self.checks_changes():
            await self.services.changes.check(self.services.curated, self.clock())

    async def learned_elsewhere(self) -> bool:
        """Apply what staff taught (or what was erased) in another process; whether it was."""
        learned = await self.services.cases.learned()
        if learned == self.services.learned:
            return False
        self.services.apply_learned(learned)
        log.info("taught answers changed elsewhere: now %d", len(learned))
        return True
