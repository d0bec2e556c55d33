"""Rows inserted unless a row with the same key is there: ``INSERT … ON CONFLICT DO NOTHING``.

Both databases have the statement, each in its own dialect; this picks the session's, so a
feature writes it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def insert_new(
    session: AsyncSession,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
) -> Any:
    """The statement inserting ``rows`` of ``model`` except those whose ``key`` columns are taken
    (add ``.returning(...)`` to learn which went in)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(model).values(list(rows)).on_conflict_do_nothing(index_elements=list(key))
