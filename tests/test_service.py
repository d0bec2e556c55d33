"""Running the bot as a service: ``/healthz``, ``/readyz``, ``/metrics``, JSON logs, and one
clear sentence (exit status 2, no traceback) for what keeps it from starting.

The endpoints are asked of ``python -m bot run`` as a separate process (tests/web/server.py),
with its SMTP server (aiosmtpd) down at first: ``/readyz`` says 503 and "disconnected" for SMTP,
and 200 once the server is up, without a restart.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import run_bot
from tests.mail.conftest import BOT_ADDRESS, SmtpServer
from tests.web.events import SLUG, workshop_day
from tests.web.server import BotProcess


def get(url: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET (an error status is an answer too)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read().decode()


def ready(url: str) -> tuple[int, dict[str, Any]]:
    status, kind, body = get(f"{url}/readyz")
    assert kind.startswith("application/json")
    return status, json.loads(body)


def metric(text: str, name: str) -> float:
    """The value of a sample line that starts with ``name`` (labels included)."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {name} in /metrics")


@pytest.fixture(scope="module")
def smtp() -> SmtpServer:
    return SmtpServer()  # not started: the bot starts with its SMTP server down


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Any:
    folder = tmp_path_factory.mktemp("service")
    workshop_day(folder / "knowledge")
    process = BotProcess(
        folder,
        {
            "BOT_KNOWLEDGE_DIR": str(folder / "knowledge"),
            "BOT_SMTP_HOST": "127.0.0.1",
            "BOT_SMTP_PORT": str(smtp.port),
            "BOT_SMTP_STARTTLS": "false",
            "BOT_MAIL_FROM": BOT_ADDRESS,
            "BOT_LOG_FORMAT": "json",
        },
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()
        smtp.stop()


def test_healthz_says_the_process_answers(bot: BotProcess) -> None:
    status, kind, body = get(f"{bot.url}/healthz")
    assert (status, body) == (200, "ok\n") and kind.startswith("text/plain")


def test_readyz_tells_each_part_and_follows_smtp_coming_back(
    bot: BotProcess, smtp: SmtpServer
) -> None:
    deadline = time.monotonic() + 20
    while (answer := ready(bot.url))[1]["smtp"] != "disconnected":
        assert time.monotonic() < deadline, answer
        time.sleep(0.2)
    status, parts = answer
    assert status == 503 and parts["ready"] is False
    assert parts["database"] == "connected" and parts["knowledge"] == "loaded"
    assert parts["mailbox"] == parts["telegram"] == "not configured"
    smtp.start()
    deadline = time.monotonic() + 30  # the sender's back-off: 2 s, 4 s, 8 s ...
    while (answer := ready(bot.url))[0] != 200:
        assert time.monotonic() < deadline, answer
        time.sleep(0.3)
    assert answer[1] == {
        "ready": True,
        "database": "connected",
        "knowledge": "loaded",
        "mailbox": "not configured",
        "telegram": "not configured",
        "smtp": "connected",
        "leader": True,  # on SQLite, the one instance leads
    }


def test_metrics_in_prometheus_text(bot: BotProcess) -> None:
    status, kind, body = get(f"{bot.url}/metrics")
    assert status == 200 and kind.startswith("text/plain; version=")
    assert metric(body, "deltagerbot_events") == 1.0
    assert metric(body, 'deltagerbot_outbox_depth{outbox="mail"}') == 0.0
    assert metric(body, 'deltagerbot_open_cases{status="new"}') == 0.0
    assert metric(body, "deltagerbot_oldest_open_case_seconds") == 0.0
    assert "# TYPE deltagerbot_questions_total counter" in body
    assert "# TYPE deltagerbot_turn_seconds histogram" in body
    assert metric(body, "process_resident_memory_bytes") > 0


def counted(text: str, prefix: str) -> float:
    """The sum of the samples whose name and labels start with ``prefix``."""
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix)
    )


def test_questions_in_the_web_chat_are_counted_by_channel_kind_and_outcome(
    bot: BotProcess,
) -> None:
    answered = 'deltagerbot_questions_total{channel="web",kind="venue",outcome="answered"}'
    handed = 'deltagerbot_questions_total{channel="web",'
    turns = 'deltagerbot_turn_seconds_count{channel="web"}'
    before = get(f"{bot.url}/metrics")[2]
    with httpx.Client(base_url=bot.url, timeout=30) as browser:
        page = browser.get(f"/chat/{SLUG}")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None
        for question in ("Hvor foregår temadagen?", "Må jeg tage min papegøje med?"):
            posted = browser.post(
                f"/chat/{SLUG}", data={"csrf": found.group(1), "message": question}
            )
            assert posted.status_code == 303
    after = get(f"{bot.url}/metrics")[2]
    assert counted(after, answered) - counted(before, answered) == 1
    handed_after = counted(after, handed) - counted(after, answered)
    assert handed_after - (counted(before, handed) - counted(before, answered)) == 1
    assert 'outcome="handed_over"' in after
    assert counted(after, turns) - counted(before, turns) >= 2
    # Labels are kinds, never what was asked.
    assert "papegøje" not in after and "temadagen" not in after


def test_the_log_is_json_lines(bot: BotProcess) -> None:
    lines = [line for line in bot.log.read_text().splitlines() if line.strip()]
    assert lines
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any(r["level"] == "INFO" for r in records)


@pytest.mark.parametrize(
    ("env", "args", "said"),
    [
        ({}, ["--now", "i morgen"], "--now 'i morgen' er ikke et tidspunkt"),
        (
            {"BOT_DATABASE_URL": "postgresql+asyncpg://bot:hemmelig@127.0.0.1:1/bot"},
            [],
            "Botten kan ikke starte: databasen på postgresql+asyncpg://bot:***@127.0.0.1:1/bot",
        ),
        ({"BOT_WEB_PORT": "otte"}, [], "Indstillingen BOT_WEB_PORT er ikke gyldig"),
        ({"BOT_LOG_FORMAT": "xml"}, [], "Indstillingen BOT_LOG_FORMAT er ikke gyldig"),
    ],
)
def test_what_keeps_it_from_starting_is_one_sentence(
    tmp_path: Path, env: dict[str, str], args: list[str], said: str
) -> None:
    done = run_bot("run", *args, env={"BOT_DATA_DIR": str(tmp_path), **env})
    assert done.returncode == 2
    assert said in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "hemmelig" not in done.stderr + done.stdout
