"""What the bot counts for Prometheus (``/metrics``), with prometheus-client.

Two kinds of figures:

- **Counted by this process** as things happen (``QUESTIONS``, ``SIGNUPS``, ``MAIL``, ...; the
  latencies as histograms), in :data:`REGISTRY`. With several instances each counts its own,
  and Prometheus adds them up, as for any service.
- **Read from the database at the scrape** (:func:`scrape`): the outboxes' depth and the age of
  their oldest message, the open cases and the oldest one's age. These are the same whichever
  instance is asked.

Labels hold only kinds (a channel's name, an intent, an outcome), never a person or an event's
free text, so a label's values stay few.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from sqlalchemy import func, select

if TYPE_CHECKING:  # the features count here, so this module imports none of them
    from bot.services import Services

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

QUESTIONS = Counter(
    "deltagerbot_questions",
    "Questions asked, by channel, kind (the intent) and outcome (answered or handed_over).",
    ["channel", "kind", "outcome"],
    registry=REGISTRY,
)
SIGNUPS = Counter(
    "deltagerbot_signups",
    "Signups, by channel and result (registered, waitlisted, or why not).",
    ["channel", "result"],
    registry=REGISTRY,
)
CANCELLATIONS = Counter(
    "deltagerbot_cancellations",
    "Registrations cancelled, by channel.",
    ["channel"],
    registry=REGISTRY,
)
MAIL = Counter(
    "deltagerbot_mail",
    "Incoming e-mails, by outcome (handled, ignored or failed).",
    ["outcome"],
    registry=REGISTRY,
)
REMINDERS = Counter(
    "deltagerbot_reminders_sent",
    "Reminders queued to participants.",
    registry=REGISTRY,
)
TURN_SECONDS = Histogram(
    "deltagerbot_turn_seconds",
    "Time to answer one message in a chat (the whole conversation turn), by channel.",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
MAIL_SECONDS = Histogram(
    "deltagerbot_mail_message_seconds",
    "Time to read, decide and act on one incoming e-mail.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


def _age(now: datetime, oldest: datetime | None) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite gives back naive UTC
        oldest = oldest.replace(tzinfo=now.tzinfo) if now.tzinfo else oldest
    return max(0.0, (now - oldest).total_seconds())


async def scrape(services: Services) -> bytes:
    """The Prometheus text of this process' counters and of the database's gauges, now."""
    from bot.cases.models import Case
    from bot.channels.mail.models import OutboxMail
    from bot.delivery.models import PENDING, ChatOutboxMessage

    now = services.clock()
    gauges = CollectorRegistry()
    depth = Gauge(
        "deltagerbot_outbox_depth", "Messages waiting to be sent.", ["outbox"], registry=gauges
    )
    oldest = Gauge(
        "deltagerbot_outbox_oldest_seconds",
        "Age of the oldest message waiting to be sent.",
        ["outbox"],
        registry=gauges,
    )
    cases = Gauge(
        "deltagerbot_open_cases", "Cases not closed, by status.", ["status"], registry=gauges
    )
    oldest_case = Gauge(
        "deltagerbot_oldest_open_case_seconds", "Age of the oldest open case.", registry=gauges
    )
    events = Gauge("deltagerbot_events", "Events in the knowledge loaded.", registry=gauges)
    async with services.db.session() as session:
        for name, table in (("mail", OutboxMail), ("chat", ChatOutboxMessage)):
            count, first = (
                await session.execute(
                    select(func.count(), func.min(table.created_at)).where(table.status == PENDING)
                )
            ).one()
            depth.labels(name).set(count)
            oldest.labels(name).set(_age(now, first))
        for status in ("new", "taken", "answered"):
            cases.labels(status).set(0)
        for status, count in await session.execute(
            select(Case.status, func.count()).where(Case.status != "closed").group_by(Case.status)
        ):
            cases.labels(status).set(count)
        first_case = await session.scalar(
            select(func.min(Case.created_at)).where(Case.status != "closed")
        )
        oldest_case.set(_age(now, first_case))
    events.set(len(services.kb.events))
    return generate_latest(REGISTRY) + generate_latest(gauges)
