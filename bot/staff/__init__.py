"""The staff desk's people: accounts, passwords, sessions, one-time links and the audit trail.

The web pages are in ``bot.desk``; the command line in ``bot.commands.staff``.
"""

from bot.staff.accounts import Account, AccountError, AuditEntry, Signin, StaffAccounts, staff_id

__all__ = ["Account", "AccountError", "AuditEntry", "Signin", "StaffAccounts", "staff_id"]
