"""``python -m bot evaluation SLUG`` prints an event's results as the desk shows them, run as a
separate process on the bot's database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.evaluation.questions import Answers
from bot.evaluation.store import record
from bot.services import Services
from tests.conftest import KNOWLEDGE, run_bot
from tests.evaluation.common import MOMENT, TEMADAG, start_services


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Services]:
    async for started in start_services(request, tmp_path):
        yield started


async def test_the_results_on_the_command_line(services: Services, tmp_path: Path) -> None:
    async with services.db.transaction() as session:
        record(session, TEMADAG, Answers(5, "yes", "yes"), "telegram", MOMENT)
        record(session, TEMADAG, Answers(3, "partly", "maybe", "For lidt pause."), "email", MOMENT)
    settings = services.settings
    env = {
        "BOT_KNOWLEDGE_DIR": str(KNOWLEDGE),
        "BOT_DATA_DIR": str(tmp_path),
        "BOT_DATABASE_URL": str(settings.database_url),
        "BOT_STAFF_LANGUAGE": "da",
    }
    if settings.database_schema:
        env["BOT_DATABASE_SCHEMA"] = settings.database_schema
    shown = run_bot("evaluation", TEMADAG, env=env)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "Evaluering: Temadag for Handicaprådene i Nordjylland – 2024" in out
    assert "Svar: 2 (sendt til 0)" in out and "Gennemsnitlig tilfredshed: 4,0 af 5" in out
    assert "  5: 1\n" in out and "  3: 1\n" in out and "  Delvist: 1\n" in out
    assert "For lidt pause." in out
    unknown = run_bot("evaluation", "ingen-saadan-dag", env=env)
    assert unknown.returncode == 2 and "ingen-saadan-dag" in unknown.stderr
