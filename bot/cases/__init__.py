"""Staff cases: every question the bot hands over, kept until a person closes it."""

from bot.cases.service import CaseEntry, CaseError, CaseInfo, CaseService, Learned, StaffMember

__all__ = ["CaseEntry", "CaseError", "CaseInfo", "CaseService", "Learned", "StaffMember"]
