"""Staff cases: every question the bot hands over, kept until a person closes it."""

from bot.cases.service import CaseEntry, CaseError, CaseInfo, CaseService, StaffMember
from bot.knowledge.learned import Learned

__all__ = ["CaseEntry", "CaseError", "CaseInfo", "CaseService", "Learned", "StaffMember"]
