"""Databases for the registration tests: a fresh SQLite file, and a fresh PostgreSQL schema.

PostgreSQL is read from ``BOT_TEST_POSTGRES_URL``. Without it the PostgreSQL variants are skipped
with a message saying how to enable them; with it, an unreachable server is an error, so CI (which
sets it) fails rather than skips. Each PostgreSQL test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.schema import Event
from bot.registrations.service import RegistrationService
from bot.services import Services
from bot.settings import Settings
from bot.storage import Database
from tests.conftest import postgres_schema
from tests.registrations.events import make_event

BACKENDS = ["sqlite", "postgresql"]
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Target:
    """Where a test's database lives, and how to open it (also from another process)."""

    backend: str
    url: str
    schema: str | None = None
    opened: list[Database] = field(default_factory=list)

    def connect_args(self) -> dict[str, Any]:
        if self.schema is None:
            return {}
        return {"server_settings": {"search_path": self.schema}}

    def connect(self, **options: Any) -> Database:
        """A new Database on this target; closed when the test ends."""
        db = Database.connect(self.url, connect_args=self.connect_args(), **options)
        self.opened.append(db)
        return db


@pytest.fixture(params=BACKENDS)
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Target]:
    if request.param == "sqlite":
        result = Target("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'registrations.sqlite3'}")
        try:
            yield result
        finally:
            for db in result.opened:
                await db.close()
        return
    async with postgres_schema("test") as (url, schema):
        result = Target("postgresql", url, schema)
        try:
            yield result
        finally:
            for db in result.opened:
                await db.close()


@pytest.fixture
async def db(target: Target) -> Database:
    database = target.connect()
    await database.migrate()
    return database


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture
def events(knowledge: KnowledgeBase) -> dict[str, Event]:
    """The real knowledge base's events; tests add their own events to it."""
    return dict(knowledge.events)


@pytest.fixture
def service(db: Database, events: dict[str, Event]) -> RegistrationService:
    return RegistrationService(db, events.get)


@pytest.fixture
async def bot_services(
    target: Target, tmp_path: Path, knowledge: KnowledgeBase
) -> AsyncIterator[Services]:
    """The bot's services as ``python -m bot run`` wires them (couriers included), on the
    test's database: the real knowledge base, plus a day of one seat and another open day."""
    settings = Settings(
        knowledge_dir=ROOT / "knowledge",
        data_dir=tmp_path,
        database_url=target.url,
        database_schema=target.schema,
        mail_from="sekretariat@example.dk",
        smtp_host="127.0.0.1",  # e-mail is queued (nothing sends it here)
    )
    extra = [make_event("fuld-dag", capacity=1), make_event("anden-dag")]
    kb = KnowledgeBase([*knowledge.sources.values(), *extra])
    services = await Services.start(settings, kb=kb)
    try:
        yield services
    finally:
        await services.close()
