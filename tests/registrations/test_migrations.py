"""Migrations: an empty database upgrades to exactly the models' schema; upgrades keep data."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.registrations import RegistrationService
from bot.storage import load_models
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
    await RegistrationService(db, {event.id: event}.get).signup(
        event, form(1), channel="email", now=NOW
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


def test_revision_files_are_numbered() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        path = Path(revision.path)
        assert path.parent == MIGRATIONS_DIR / "versions"
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.py", path.name), path.name
        assert path.name.startswith(f"{revision.revision}_")
