"""The deployment files: the compose file valid, every setting they name a real one, and the
image's settings and health check working with ``python -m bot run``.

No container engine runs here (nor in CI), so the image is not built: the compose file is
checked by docker-compose's own validation (Debian's docker-compose, installed by the test
command), and the Dockerfile's environment and HEALTHCHECK command are run against the bot
started with that environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bot.settings import Settings
from tests.conftest import ROOT
from tests.web.server import BotProcess

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = (ROOT / "ops" / "env.example").read_text()
UNIT = (ROOT / "ops" / "deltagerbot.service").read_text()


def dockerfile_env() -> dict[str, str]:
    block = re.search(r"^ENV (.*?)(?=\n\S)", DOCKERFILE, re.S | re.M)
    assert block is not None
    return dict(re.findall(r"(\w+)=(\S+)", block.group(1).replace("\\\n", " ")))


def test_the_compose_file_is_valid(tmp_path: Path) -> None:
    shutil.copy(COMPOSE, tmp_path / "compose.yaml")
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=x\n")
    checked = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=tmp_path, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    # Without the database's password it refuses, saying where to put it.
    (tmp_path / ".env").write_text("")
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    refused = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert refused.returncode != 0 and "POSTGRES_PASSWORD" in refused.stderr


def test_every_setting_the_deployment_files_name_is_a_setting() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    named = set(dockerfile_env()) | set(compose["services"]["bot"]["environment"])
    named |= set(re.findall(r"^#? ?(BOT_\w+)=", ENV_EXAMPLE, re.M))
    named |= set(re.findall(r"^Environment=(BOT_\w+)=", UNIT, re.M))
    settings = {f"BOT_{name.upper()}" for name in Settings.model_fields}
    bot_names = {n for n in named if n.startswith("BOT_")}
    assert len(bot_names) > 15 and bot_names <= settings, bot_names - settings


def test_the_image_runs_as_a_user_and_checks_its_health() -> None:
    assert re.search(r"^USER deltagerbot$", DOCKERFILE, re.M)
    assert re.search(r'^VOLUME \["/data", "/knowledge"\]$', DOCKERFILE, re.M)
    assert 'CMD ["python", "-m", "bot", "run"]' in DOCKERFILE
    assert "User=deltagerbot" in UNIT and "RestartPreventExitStatus=2" in UNIT


def test_the_images_settings_start_the_bot_and_its_health_check_passes(tmp_path: Path) -> None:
    env = dockerfile_env()
    assert (env["BOT_WEB_HOST"], env["BOT_WEB_PORT"]) == ("0.0.0.0", "8080")
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    process = BotProcess(
        tmp_path,
        {
            # The image's settings, but on loopback and a free port here.
            **{k: v for k, v in env.items() if k not in ("BOT_WEB_HOST", "BOT_WEB_PORT")},
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "BOT_KNOWLEDGE_DIR": str(tmp_path / "knowledge"),
        },
    )
    process.start()
    try:
        check = re.search(r'HEALTHCHECK .*?CMD \["python", "-c", "(.*?)"\]', DOCKERFILE, re.S)
        assert check is not None
        command = check.group(1).replace("127.0.0.1:8080", f"127.0.0.1:{process.port}")
        healthy = subprocess.run([sys.executable, "-c", command], capture_output=True, timeout=10)
        assert healthy.returncode == 0, healthy.stderr
    finally:
        process.stop()
    assert env["BOT_LOG_FORMAT"] == "json"  # the JSON lines are tested in tests/test_service.py
