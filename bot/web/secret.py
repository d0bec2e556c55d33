"""The key that signs the web server's cookies and form tokens.

``BOT_WEB_SECRET`` when set; otherwise a random key made once and kept in the data directory
(``web_secret``, readable only by the bot's user), so sessions survive a restart and several
processes on one machine agree.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from bot.settings import Settings

SECRET_FILE = "web_secret"


def signing_key(settings: Settings) -> bytes:
    """The configured secret, or the kept one (made on first use)."""
    if settings.web_secret is not None:
        return settings.web_secret.get_secret_value().encode()
    path = Path(settings.data_dir) / SECRET_FILE
    with contextlib.suppress(FileNotFoundError):
        kept = path.read_text(encoding="ascii").strip()
        if kept:
            return kept.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and linked into place, so two processes starting at once keep one key and
    # neither ever reads a half-written file.
    made = secrets.token_hex(32)
    aside = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(made + "\n")
    try:
        os.link(aside, path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode()
    finally:
        aside.unlink()
    return made.encode()
