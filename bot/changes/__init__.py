"""Changes to an event's time, place or programme, told to participants when staff say so."""

from bot.changes.service import ChangeError, ChangeInfo, ChangeService

__all__ = ["ChangeError", "ChangeInfo", "ChangeService"]
