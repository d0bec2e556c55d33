"""The servers of both channels' tests: Dovecot and aiosmtpd, and the fake Bot API."""

from tests.mail.conftest import dovecot, dovecot_factory, mailbox_user, smtp
from tests.telegram.conftest import bot_api

__all__ = ["bot_api", "dovecot", "dovecot_factory", "mailbox_user", "smtp"]
