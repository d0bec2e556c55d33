"""The bot's log: plain lines for a terminal, or JSON lines (``BOT_LOG_FORMAT=json``) for a log
collector, at ``BOT_LOG_LEVEL``.

The JSON lines come from python-json-logger: one object per record with the time, level, logger
and message, and the exception's traceback when there is one. What is logged at INFO names no
person (the modules log counts, ids and hashes); that rule is the code's, not the format's.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(settings: Settings) -> None:
    """Set up the root logger once for ``python -m bot run``."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # alembic tells of each plugin it sets up at INFO on every start.
    logging.getLogger("alembic").setLevel(logging.WARNING)
