"""The channels' own fixtures, for the evaluation's tests through each channel: the fake Bot API
server and the aiosmtpd SMTP server."""

from tests.mail.conftest import smtp
from tests.telegram.conftest import bot_api

__all__ = ["bot_api", "smtp"]
