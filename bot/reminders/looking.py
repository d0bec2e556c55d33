"""What the scheduled jobs beside the channels share: a look at what is due, now and every minute.

:class:`~bot.reminders.job.ReminderJob` and :class:`~bot.evaluation.sending.EvaluationJob`
each say what a look queues (``run_due``, which tests call with a moment of their own) and which
setting switches them on; the waiting, the clock and the retry after a failed look are here.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from bot.clock import now as clock_now
from bot.services import Services
from bot.waiting import every


class LookingJob(ABC):
    """Looks at what is due at start and every ``poll_seconds`` until stopped, if switched on."""

    what: ClassVar[str]  # the job, in the log
    switched_off: ClassVar[str]  # logged once when the setting keeps it from running

    def __init__(
        self,
        services: Services,
        clock: Callable[[], datetime] = clock_now,
        *,
        poll_seconds: float = 60.0,
    ) -> None:
        self.services = services
        self.clock = clock
        self.poll_seconds = poll_seconds

    @abstractmethod
    def enabled(self) -> bool:
        """Whether its setting switches the job on (checked at start and by each look)."""

    @abstractmethod
    async def run_due(self, now: datetime) -> object:
        """Queue what is due at ``now``; what was queued."""

    async def run(self, stop: asyncio.Event) -> None:
        """Look now and every ``poll_seconds`` until ``stop``; errors are logged and retried."""
        if not self.enabled():
            # In the job's own log, as before it shared this.
            logging.getLogger(type(self).__module__).info(self.switched_off)
            return
        await every(stop, self.poll_seconds, lambda: self.run_due(self.clock()), self.what)
