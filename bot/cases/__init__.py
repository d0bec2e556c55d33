"""Staff cases: every question the bot hands over, kept until a person closes it."""

from bot.cases.service import CaseInfo, CaseService

__all__ = ["CaseInfo", "CaseService"]
