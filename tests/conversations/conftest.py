"""The fake Bot API server for the Telegram runs of the shared dialogues."""

from tests.telegram.conftest import bot_api

__all__ = ["bot_api"]
