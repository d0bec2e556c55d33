"""Who is asking, and through which channel: one person, one identity across channels.

A participant is known by a normalised e-mail address and/or a Telegram user id. Channels pass
what they know (the e-mail channel the sender's address, the Telegram channel the user id and any
address typed in the chat); the service links them to one participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from email_validator import EmailNotValidError, validate_email

Channel = Literal["telegram", "email", "cli", "staff"]
CHANNELS: tuple[str, ...] = get_args(Channel)

EMAIL = "email"
TELEGRAM = "telegram"


def normalise_email(value: str) -> str:
    """' Anna.Hansen@Aalborg.DK ' -> 'anna.hansen@aalborg.dk'; ValueError if it is no address."""
    # Addresses hold no white space, so any there is a typing slip; case never matters in practice.
    text = "".join(value.split()).removeprefix("mailto:").strip("<>")
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def check_channel(channel: str) -> Channel:
    """The channel name, checked against the known channels."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    return channel  # type: ignore[return-value]


@dataclass(frozen=True)
class Identity:
    """How a channel knows the person: an e-mail address, a Telegram user id, or both."""

    email: str | None = None
    telegram_id: int | None = None

    def __post_init__(self) -> None:
        if self.email is not None:
            object.__setattr__(self, "email", normalise_email(self.email))
        if self.email is None and self.telegram_id is None:
            raise ValueError("an identity needs an e-mail address or a Telegram user id")

    def pairs(self) -> list[tuple[str, str]]:
        """(kind, value) pairs as stored, e-mail first."""
        pairs: list[tuple[str, str]] = []
        if self.email is not None:
            pairs.append((EMAIL, self.email))
        if self.telegram_id is not None:
            pairs.append((TELEGRAM, str(self.telegram_id)))
        return pairs
