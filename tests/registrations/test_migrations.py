"""Migrations: an empty database upgrades to exactly the models' schema; upgrades keep data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.attendance.models import Checkin
from bot.registrations import RegistrationService
from bot.registrations.identity import ChatId, Identity
from bot.registrations.models import (
    Participant,
    ParticipantIdentity,
    Registration,
    RegistrationCompanion,
    RegistrationEvent,
    RegistrationNeed,
)
from bot.storage import Database, load_models
from bot.storage.base import Base
from bot.storage.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from tests.registrations.conftest import Target
from tests.registrations.events import NOW, make_event
from tests.registrations.test_service import form


def schema_differences(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, load_models()))


async def test_empty_database_upgrades_to_the_models_schema(target: Target) -> None:
    db = target.connect()
    assert await current_revision(db) is None
    await db.migrate()
    assert await current_revision(db) == head_revision()
    async with db.engine.connect() as conn:
        assert await conn.run_sync(schema_differences) == []
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert set(load_models().tables) <= tables


async def test_upgrading_again_keeps_the_data(target: Target) -> None:
    event = make_event("behold-data")
    db = target.connect()
    await db.migrate()
    service = RegistrationService(db, {event.id: event}.get)
    await service.signup(event, form(1), channel="email", now=NOW)
    # A second start of the bot, and another process with its own engine: nothing is dropped.
    await db.migrate()
    again = target.connect()
    await again.migrate()
    listing = await RegistrationService(again, {event.id: event}.get).event_registrations(event.id)
    assert [r.name for r in listing] == ["Deltager 1"]


async def test_an_old_database_with_data_is_upgraded_not_dropped(target: Target) -> None:
    event = make_event("gammel-base")
    db = target.connect()
    await upgrade(db, "0001")  # as a bot from before the later migrations left it
    # Written as that bot wrote it: today's service also counts companions, a later table.
    async with db.transaction() as session:
        person = Participant(name="Deltager 1", lang="da", created_at=NOW, updated_at=NOW)
        session.add_all([person, RegistrationEvent(slug=event.id, last_queue_no=1, created_at=NOW)])
        await session.flush()
        session.add(
            Registration(
                event_slug=event.id,
                participant_id=person.id,
                status="registered",
                queue_no=1,
                name="Deltager 1",
                email="deltager1@example.org",
                organisation="Rådet",
                lang="da",
                channel="email",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    await db.migrate()  # the new bot starts
    assert await current_revision(db) == head_revision()
    listing = await RegistrationService(db, {event.id: event}.get).event_registrations(event.id)
    assert [(r.name, r.status.value) for r in listing] == [("Deltager 1", "registered")]
    async with db.engine.connect() as conn:
        assert await conn.run_sync(schema_differences) == []


async def test_every_revision_upgrades_and_downgrades_in_turn(target: Target) -> None:
    db = target.connect()
    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert chain[-1] == head_revision() and len(script.get_heads()) == 1
    for revision in chain:
        await upgrade(db, revision)
        assert await current_revision(db) == revision
    for revision in reversed(chain[:-1]):
        await downgrade(db, revision)
        assert await current_revision(db) == revision
    await downgrade(db, "base")
    await upgrade(db)
    async with db.engine.connect() as conn:
        assert await conn.run_sync(schema_differences) == []


@asynccontextmanager
async def needs_tables(db: Database) -> AsyncIterator[None]:
    """0014's tables for a while: today's service counts companions' seats in them, and this
    lets it write an older schema's rows (the tables go again before the upgrade is tested)."""
    # 0015's check-in codes too: the service gives a seat its code as it describes it.
    tables = [RegistrationNeed.__table__, RegistrationCompanion.__table__, Checkin.__table__]
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: Base.metadata.create_all(c, tables=tables))
    yield
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: Base.metadata.drop_all(c, tables=tables))


REGISTRATION_TABLES = (
    "participants",
    "participant_identities",
    "registration_events",
    "registrations",
    "registration_audit",
)


async def every_row(db: Database) -> dict[str, list[tuple[object, ...]]]:
    tables = load_models().tables
    async with db.session() as session:
        return {
            name: [
                tuple(row)
                for row in await session.execute(
                    select(tables[name]).order_by(*tables[name].primary_key.columns)
                )
            ]
            for name in REGISTRATION_TABLES
        }


async def test_identities_of_any_chat_after_0010_and_nothing_lost(target: Target) -> None:
    event = make_event("alle-kanaler", capacity=1)
    db = target.connect()
    await upgrade(db, "0009")  # identities limited to e-mail and Telegram
    service = RegistrationService(db, {event.id: event}.get)
    async with needs_tables(db):
        await service.signup(event, form(1), channel="email", now=NOW)
        await service.signup(
            event, form(2), channel="telegram", chat=ChatId("telegram", "42"), now=NOW
        )
        await service.signup(event, form(3), channel="email", now=NOW)
        await service.cancel(
            event, Identity(email="deltager1@example.dk"), channel="email", now=NOW
        )
    with pytest.raises(IntegrityError):  # what 0010 is for
        async with db.transaction() as session:
            session.add(
                ParticipantIdentity(participant_id=1, kind="web", value="s-1", created_at=NOW)
            )
    before = await every_row(db)
    assert [len(before[t]) for t in REGISTRATION_TABLES] == [3, 4, 1, 3, 5]
    kinds = sorted(row[2] for row in before["participant_identities"])
    assert kinds == ["email", "email", "email", "telegram"]

    await db.migrate()

    assert await current_revision(db) == head_revision()
    assert await every_row(db) == before
    web = ChatId("web", "session-7")
    result = await service.signup(event, form(4), channel="web", chat=web, now=NOW)
    assert result.registration and result.registration.chat == web
    (mine,) = await service.registrations_of(Identity(chat=web), now=NOW)
    assert mine.name == "Deltager 4" and mine.status.value == "waitlisted"
    async with db.engine.connect() as conn:
        assert await conn.run_sync(schema_differences) == []


def test_revision_files_are_numbered() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        path = Path(revision.path)
        assert path.parent == MIGRATIONS_DIR / "versions"
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.py", path.name), path.name
        assert path.name.startswith(f"{revision.revision}_")


async def test_staff_accounts_after_0012_and_back(target: Target) -> None:
    from bot.staff import StaffAccounts
    from bot.staff.models import StaffAccount

    event = make_event("skrivebord")
    db = target.connect()
    await upgrade(db, "0011")
    async with needs_tables(db):
        await RegistrationService(db, {event.id: event}.get).signup(
            event, form(1), channel="email", now=NOW
        )
    before = await every_row(db)
    await db.migrate()
    assert await current_revision(db) == head_revision()
    desk_tables = {"staff_accounts", "desk_sessions", "desk_signin_links", "desk_audit"}
    async with db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert await conn.run_sync(schema_differences) == []
    assert desk_tables <= tables
    accounts = StaffAccounts(db, clock=lambda: NOW)
    await accounts.add("Anne", "anne@kl.dk", password="et-godt-kodeord", by="cli:test")
    signed = await accounts.signin("anne@kl.dk", "et-godt-kodeord")
    assert signed.account is not None and await accounts.session(signed.session_id)
    with pytest.raises(IntegrityError):  # one account per address, kept by the database too
        async with db.transaction() as session:
            session.add(StaffAccount(name="Igen", email="anne@kl.dk", created_at=NOW))
    await downgrade(db, "0011")
    async with db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert not desk_tables & tables
    assert await every_row(db) == before
    await db.migrate()
    assert await accounts.all() == []
