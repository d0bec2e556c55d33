"""The one settings object: BOT_ environment variables over an optional TOML file over defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings


def test_defaults_use_embedded_sqlite_under_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_DATABASE_URL", "BOT_CONFIG_FILE", "BOT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.effective_database_url.endswith("data/deltagerbot.sqlite3")
    assert settings.default_language == "da" and settings.telegram_token is None


def test_file_then_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        'database_url = "postgresql+asyncpg://db/x"\nlog_level = "DEBUG"\n'
        'telegram_token = "from-file"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("BOT_CONFIG_FILE", str(config))
    monkeypatch.setenv("BOT_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.effective_database_url == "postgresql+asyncpg://db/x"
    assert settings.log_level == "WARNING"  # the environment wins
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "from-file"
    assert "from-file" not in repr(settings)  # secrets never show in logs or tracebacks


def test_the_example_config_parses_and_names_only_real_settings() -> None:
    import re
    import tomllib

    example = Path(__file__).resolve().parent.parent / "ops" / "deltagerbot.example.toml"
    settings_lines = [
        m.group(1)
        for line in example.read_text(encoding="utf-8").splitlines()
        if (m := re.match(r"^# ([a-z_]+ = .+)$", line))
    ]
    values = tomllib.loads("\n".join(settings_lines))
    assert len(values) >= 6
    assert set(values) <= set(Settings.model_fields), set(values) - set(Settings.model_fields)
