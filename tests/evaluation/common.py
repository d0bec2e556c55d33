"""What the evaluation tests share: the bot's services on both databases, the event day, and
the answers table read back whole (to show it holds nobody)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from bot.clock import parse_aware
from bot.evaluation.models import EvaluationAnswer
from bot.services import Services
from bot.settings import Settings
from tests.conftest import KNOWLEDGE, postgres_schema
from tests.telegram.fake_bot_api import TOKEN

TEMADAG = "handicapraad-temadag-2024"  # 31 May 2024, 11:00-14:30
SIGNUP_AT = parse_aware("2024-04-10T12:00:00+02:00")
DAY = parse_aware("2024-05-31T10:30:00+02:00")
BEFORE_MOMENT = parse_aware("2024-06-01T09:59:00+02:00")
MOMENT = parse_aware("2024-06-01T10:00:00+02:00")
BOT_MAIL = "rammeaftalesekretariat@aalborg.dk"
ANONYMOUS_COLUMNS = {
    "id",
    "event_slug",
    "satisfaction",
    "practical",
    "again",
    "comment",
    "channel",
    "answered_at",
}


async def start_services(
    request: pytest.FixtureRequest, tmp_path: Path, **changes: Any
) -> AsyncIterator[Services]:
    """The bot's services on SQLite or PostgreSQL (``request.param``)."""
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        data_dir=tmp_path,
        mail_from=BOT_MAIL,
        smtp_host="127.0.0.1",
        telegram_token=TOKEN,
        **changes,
    )
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'evaluation.sqlite3'}"
        started = await Services.start(settings.model_copy(update={"database_url": url}))
        yield started
        await started.close()
        return
    async with postgres_schema("evaluation") as (url, schema):
        started = await Services.start(
            settings.model_copy(update={"database_url": url, "database_schema": schema})
        )
        yield started
        await started.close()


async def answer_rows(services: Services) -> list[dict[str, Any]]:
    """Every stored answer, all its columns, as the database has them."""
    async with services.db.session() as session:
        rows = list(await session.scalars(select(EvaluationAnswer).order_by(EvaluationAnswer.id)))
    assert rows == [] or set(inspect(EvaluationAnswer).columns.keys()) == ANONYMOUS_COLUMNS
    return [{c: getattr(r, c) for c in ANONYMOUS_COLUMNS} for r in rows]


def holds_nobody(rows: list[dict[str, Any]], *who: str) -> None:
    """No stored answer mentions any of ``who`` (names, addresses, chat ids)."""
    text = repr(rows).casefold()
    for word in who:
        assert word.casefold() not in text, word
