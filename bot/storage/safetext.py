"""Text as both databases can hold it: the one rule for every string that is stored or compared.

Whatever reaches the database from outside (e-mail headers and bodies, Message-IDs, names and
messages typed in a chat) may hold what PostgreSQL or its driver cannot take: a NUL character
(PostgreSQL's text cannot hold it at all), lone surrogates (what Python's e-mail parser makes of
raw 8-bit header bytes; neither asyncpg nor sqlite3 can encode them), or more characters than a
``VARCHAR(n)`` column allows (PostgreSQL refuses, SQLite silently keeps them). One such value
made a whole write fail, and with it a mailbox or a dialogue.

:func:`safe_text` is the rule, and it never raises: NUL is removed, lone surrogates become
U+FFFD (the replacement character), bytes are read as UTF-8 with U+FFFD for what is not, and a
value longer than its column is cut to fit. The column types below apply it to every value bound
for a column, in inserts and updates and in ``WHERE`` clauses alike, so a lookup by a bad key
finds the row stored under the same bad key instead of failing. Every string and JSON column of
every model uses them (a test walks the models to keep it so); the schema is unchanged (the
types are what ``String``, ``Text`` and ``JSON`` were to the database).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import JSON, Dialect, String, Text
from sqlalchemy.types import TypeDecorator

REPLACEMENT = "\ufffd"
# NUL, and any lone surrogate (a valid pair never reaches Python as two code points).
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def _replace(match: re.Match[str]) -> str:
    return "" if match.group() == "\x00" else REPLACEMENT


def safe_text(value: str | bytes, limit: int | None = None) -> str:
    """``value`` as text both databases can hold (see the module docstring); never raises."""
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    if _UNSAFE.search(value):
        value = _UNSAFE.sub(_replace, value)
    if limit is not None and len(value) > limit:
        value = value[:limit]
    return value


def safe_json(value: Any) -> Any:
    """A JSON-able value with every string in it (keys too) made safe."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_json(k) if isinstance(k, str) else k: safe_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe_json(item) for item in value]
    return value


class SafeString(TypeDecorator[str]):
    """``String(n)`` whose values are made safe, and cut to ``n`` characters, when bound."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return safe_text(value, getattr(self.impl, "length", None))

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        return safe_text(value, getattr(self.impl, "length", None))


class SafeText(TypeDecorator[str]):
    """``Text`` whose values are made safe when bound."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else safe_text(value)

    def process_literal_param(self, value: Any, dialect: Dialect) -> str:
        return safe_text(value)


class SafeJSON(TypeDecorator[Any]):
    """``JSON`` whose strings are made safe when bound (PostgreSQL's ``json`` keeps ``\\u0000``
    and lone surrogates as escapes, and would hand them back to whoever reads the value)."""

    impl = JSON
    cache_ok = True
    # As JSON's default: None is stored as JSON null, as it was before this type.
    should_evaluate_none = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return safe_json(value)
