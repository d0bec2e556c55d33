"""The declarative base every table of the bot belongs to, and the column types they share.

One ``Base`` (one ``MetaData``) for the whole project, so that Alembic sees every table: a feature
that needs tables defines its models on ``Base``, lists its module in ``MODEL_MODULES`` and adds a
numbered migration under ``bot/storage/migrations/versions``. Constraint names follow a fixed
naming convention so that migrations can refer to them on SQLite and PostgreSQL alike. Every
string and JSON column is of a type from ``bot.storage.safetext`` (``SafeString``, ``SafeText``,
``SafeJSON``), which makes what comes from outside storable on both databases.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Dialect, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from bot.storage.safetext import SafeString

# Modules that define tables; imported before Alembic compares or creates the schema.
MODEL_MODULES: tuple[str, ...] = (
    "bot.registrations.models",
    "bot.registrations.limits",
    "bot.conversations.models",
    "bot.cases.models",
    "bot.channels.mail.models",
    "bot.delivery.models",
    "bot.knowledge.learned",
    "bot.reminders.models",
    "bot.privacy.models",
    "bot.changes.models",
    "bot.channels.web.models",
    "bot.channels.telegram.models",
    "bot.staff.models",
    "bot.conversations.questions",
    "bot.attendance.models",
    "bot.evaluation.models",
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware timestamp, stored in UTC and read back aware on every database.

    PostgreSQL keeps the instant in ``timestamptz``; SQLite has no time-zone type and would drop
    the offset silently, so values are converted to UTC before they are stored.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The base class of every table in the bot's database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # A ``Mapped[str]`` without a type of its own gets the safe one too (see bot.storage.safetext).
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, str: SafeString}


def load_models() -> MetaData:
    """Import every model module and return the metadata that now holds all tables."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
