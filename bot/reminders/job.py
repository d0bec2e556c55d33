"""The reminder job: every minute (and at start), what is due now is queued, each notice once.

``ReminderJob(services, clock).run(stop)`` runs beside the channels (``python -m bot run``).
Each look, :meth:`ReminderJob.run_due`, goes through the events of the knowledge base that
have not started and queues, through the channels' couriers:

- the reminders due to everyone registered (``participants``);
- the reminder to chats that left a signup unfinished (``unfinished``);
- the note to staff once the deadline has passed (``deadline``);
- the alert to staff about interpreters still not arranged once their lead time has begun
  (``bot.arranging.alerts``).

Nothing is kept in memory between looks: what was sent is in ``reminder_notices``, committed
with the message, so a restart (or a second process) picks up exactly what is left, and a moment
missed while the bot was down is caught up at the first look after it, if the event has not
started. The channels' senders send what was queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.arranging.alerts import alert_due
from bot.clock import localize
from bot.metrics import REMINDERS
from bot.reminders.deadline import note_deadline
from bot.reminders.looking import LookingJob
from bot.reminders.participants import remind_registered
from bot.reminders.schedule import utc
from bot.reminders.unfinished import remind_unfinished

log = logging.getLogger(__name__)


@dataclass
class Report:
    """What one look queued."""

    reminders: int = 0
    unfinished: int = 0
    deadline_notes: int = 0
    needs_alerts: int = 0

    @property
    def total(self) -> int:
        return self.reminders + self.unfinished + self.deadline_notes + self.needs_alerts


class ReminderJob(LookingJob):
    """Queues reminders and notes as they fall due, until stopped."""

    what = "reminders"
    switched_off = "reminders are switched off (reminders_enabled = false)"

    def enabled(self) -> bool:
        return self.services.settings.reminders_enabled

    async def run_due(self, now: datetime) -> Report:
        """Queue everything due at ``now``; what was queued."""
        report = Report()
        if not self.enabled():
            return report
        now = localize(now)
        # Read each time: staff teaching an answer replaces the knowledge base.
        events = sorted(self.services.kb.events.values(), key=lambda e: utc(e.start))
        for event in events:
            if utc(event.start) <= utc(now):
                continue
            try:
                report.reminders += await remind_registered(self.services, event, now)
                report.unfinished += await remind_unfinished(self.services, event, now)
                report.deadline_notes += await note_deadline(self.services, event, now)
                report.needs_alerts += await alert_due(
                    self.services.db, self.services.settings, self.services.delivery, event, now
                )
            except Exception:  # one event's trouble (or the database's) does not stop the rest
                log.exception("reminders for %s failed; trying again at the next look", event.id)
        # What went to participants; the deadline notes and needs alerts go to staff.
        REMINDERS.inc(report.reminders + report.unfinished)
        return report
