"""Who is asking, and through which channel: one person, one identity across channels.

A participant is known by (kind, value) pairs: a normalised e-mail address (kind ``email``) and
the chats that know them, each a :class:`ChatId` whose kind is the chat channel's name (such as
``ChatId("telegram", "42")``). Channels pass what they know (the e-mail channel the sender's
address; a chat channel its own id of the person, and any address typed in the chat); the
service links them to one participant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

EMAIL = "email"

# The channel columns (``channel``, ``participant_identities.kind``) hold 16 characters.
NAME_CHARS = 16
# A chat's id is kept wherever chats are (conversations, chat outbox, cases): 64 characters.
CHAT_VALUE_CHARS = 64
_NAME = re.compile(r"[a-z0-9_-]+")


def normalise_email(value: str) -> str:
    """' Anna.Hansen@Aalborg.DK ' -> 'anna.hansen@aalborg.dk'; ValueError if it is no address."""
    # Addresses hold no white space, so any there is a typing slip; case never matters in practice.
    text = "".join(value.split()).removeprefix("mailto:").strip("<>")
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def check_channel(channel: str) -> str:
    """A channel's (or an acting tool's) name as stored: short, lower-case letters, digits, - and _.

    Any name will do: a new channel needs no change here. ValueError for anything else.
    """
    if not (0 < len(channel) <= NAME_CHARS and _NAME.fullmatch(channel)):
        raise ValueError(
            f"bad channel name {channel!r}: 1-{NAME_CHARS} lower-case letters, digits, - or _"
        )
    return channel


@dataclass(frozen=True)
class ChatId:
    """How a chat channel knows a person: the channel's name and its id for them.

    ``ChatId("telegram", "42")``, ``ChatId("web", "<session id>")``. The kind is also the name
    the channel's courier is registered under in :class:`~bot.delivery.Delivery`.
    """

    kind: str
    value: str

    def __post_init__(self) -> None:
        check_channel(self.kind)
        if self.kind == EMAIL:
            raise ValueError("an e-mail address is an Identity's email, not a chat")
        if not isinstance(self.value, str) or not self.value:
            raise ValueError("a chat id is a non-empty string")
        if len(self.value) > CHAT_VALUE_CHARS:
            raise ValueError(f"a chat id has at most {CHAT_VALUE_CHARS} characters")


@dataclass(frozen=True)
class Identity:
    """How a channel knows the person: an e-mail address, a chat, or both."""

    email: str | None = None
    chat: ChatId | None = None

    def __post_init__(self) -> None:
        if self.email is not None:
            object.__setattr__(self, "email", normalise_email(self.email))
        if self.email is None and self.chat is None:
            raise ValueError("an identity needs an e-mail address or a chat")

    def pairs(self) -> list[tuple[str, str]]:
        """(kind, value) pairs as stored, e-mail first."""
        pairs: list[tuple[str, str]] = []
        if self.email is not None:
            pairs.append((EMAIL, self.email))
        if self.chat is not None:
            pairs.append((self.chat.kind, self.chat.value))
        return pairs
