"""The bot's services, wired once: knowledge, answering, the database and what lives in it.

Every channel (terminal, Telegram, mailbox) and every command that needs more than the knowledge
base gets one ``Services`` and calls the same brain through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering import Answerer
from bot.cases import CaseService
from bot.conversations import ConversationStore
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.registrations.service import RegistrationService
from bot.settings import Settings
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
    cases: CaseService

    @classmethod
    async def start(cls, settings: Settings, kb: KnowledgeBase | None = None) -> Services:
        """Load the knowledge (raises KnowledgeError), connect and upgrade the database."""
        kb = kb or load_knowledge(settings.knowledge_dir)
        db = Database.from_settings(settings)
        await db.migrate()
        return cls(
            settings=settings,
            kb=kb,
            answerer=Answerer(kb),
            db=db,
            registrations=RegistrationService(db, kb.event),
            conversations=ConversationStore(db),
            cases=CaseService(db),
        )

    async def close(self) -> None:
        await self.db.close()
