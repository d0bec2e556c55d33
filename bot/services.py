"""The bot's services, wired once: knowledge, answering, the database and what lives in it.

Every channel (terminal, Telegram, mailbox) and every command that needs more than the knowledge
base gets one ``Services`` and calls the same brain through it. Messages the bot sends on its own
initiative (staff answers, notices, broadcasts) go through ``delivery``, where each channel the
settings enable has its courier (``bot.channels.registry``); the staff desk shows cases on the
boards the running channels add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.answering import Answerer
from bot.arranging.alerts import NeedsAlerts
from bot.cases import CaseService, Learned, StaffMember
from bot.cases.staff import StaffDesk, StaffPolicy
from bot.changes import ChangeService
from bot.clock import now as clock_now
from bot.conversations import ConversationStore
from bot.delivery import Delivery
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.learned import with_learned
from bot.registrations.service import RegistrationService
from bot.settings import Settings
from bot.status import Health
from bot.storage import Database


@dataclass
class Services:
    """Everything a channel needs, sharing one database."""

    settings: Settings
    kb: KnowledgeBase
    answerer: Answerer
    db: Database
    registrations: RegistrationService
    conversations: ConversationStore
    delivery: Delivery
    cases: CaseService
    staff: StaffPolicy
    desk: StaffDesk
    # The knowledge as loaded from the files, before what staff taught was added.
    curated: KnowledgeBase
    changes: ChangeService
    # What the running channels report for /status (the mail worker sets ``health.mailbox``).
    health: Health = field(default_factory=Health)
    # The time now; ``python -m bot run --now`` fixes it, to try the chat before an event.
    clock: Callable[[], datetime] = clock_now
    # What staff had taught when the knowledge was last put together (``apply_learned``): the
    # knowledge watch compares it with the database to pick up what another process taught.
    learned: list[Learned] = field(default_factory=list)

    @classmethod
    async def start(cls, settings: Settings, kb: KnowledgeBase | None = None) -> Services:
        """Load the knowledge (raises KnowledgeError), connect and upgrade the database.

        Every channel the settings enable registers its courier, so the brain can reach a
        person on their own channel.
        """
        from bot.channels.registry import enabled_channels

        curated = kb or load_knowledge(settings.knowledge_dir)
        db = Database.from_settings(settings)
        await db.migrate()
        delivery = Delivery()
        registrations = RegistrationService(db, lambda slug: services.kb.event(slug), delivery)
        registrations.needs_watch = NeedsAlerts(settings, delivery).arrived
        cases = CaseService(db, delivery, quiet=timedelta(minutes=settings.case_quiet_minutes))
        services = cls(
            settings=settings,
            kb=curated,
            answerer=Answerer(curated),
            db=db,
            registrations=registrations,
            conversations=ConversationStore(db),
            delivery=delivery,
            cases=cases,
            staff=StaffPolicy(settings),
            desk=StaffDesk(cases),
            curated=curated,
            changes=ChangeService(registrations, delivery, settings),
        )
        for channel in enabled_channels(settings):
            courier = channel.courier(services)
            if courier is not None:
                delivery.register(channel.name, courier)
        services.apply_learned(await cases.learned())
        return services

    def organiser_of(self, event: str | None) -> str:
        """Who signs the bot's letters about an event."""
        found = self.kb.event(event) if event else None
        return found.organiser if found else "Deltagerbot"

    def event_title(self, slug: str) -> str | None:
        """An event's title, from the knowledge as it is now (teaching replaces ``kb``)."""
        found = self.kb.event(slug)
        return found.title if found else None

    def apply_learned(self, learned: list[Learned]) -> None:
        """Answer from the curated knowledge plus everything staff have taught."""
        self.kb = with_learned(self.curated, learned)
        self.answerer = Answerer(self.kb)
        self.learned = list(learned)

    async def use_knowledge(self, curated: KnowledgeBase) -> None:
        """Answer from newly loaded knowledge files (plus what staff taught) from now on."""
        self.curated = curated
        self.apply_learned(await self.cases.learned())

    async def teach(self, case_id: int, staff: StaffMember, now: datetime) -> Learned:
        """Keep a case's answer for its event; the bot answers with it from now on."""
        learned = await self.cases.teach(case_id, staff, now)
        self.apply_learned(await self.cases.learned())
        return learned

    async def close(self) -> None:
        await self.db.close()
