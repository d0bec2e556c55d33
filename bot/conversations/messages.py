"""What goes into a conversation turn and what comes out of it, for every channel alike.

A channel adapter turns what its transport delivers (a Telegram update, a line in the terminal, a
form posted from the web chat) into an :class:`Incoming`, hands it to the conversation, and shows
each :class:`Say` it gets back in its own way: choices as buttons or a numbered list, the source
under the answer, an attachment as a file or a download link. Nothing here knows a transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import Lang
from bot.registrations.identity import ChatId


@dataclass(frozen=True)
class Choice:
    """An answer the person can pick instead of typing. ``value`` goes back in ``Incoming``."""

    value: str
    label: str


@dataclass(frozen=True)
class Attachment:
    """A file to go with a message: the calendar file, the person's data as JSON."""

    filename: str
    content: bytes
    media_type: str


@dataclass(frozen=True)
class Say:
    """One message to the person.

    ``source`` names the event an answer came from (shown below it); ``columns`` is how many
    choices fit side by side (two short yes/no buttons, one per line for event titles).
    """

    text: str
    choices: tuple[Choice, ...] = ()
    source: str | None = None
    attachment: Attachment | None = None
    columns: int = 1


@dataclass(frozen=True)
class Incoming:
    """One thing the person did in a chat: typed ``text`` or pressed a ``choice``.

    ``chat_id`` is the chat on the channel (a Telegram chat, a web chat session, the terminal);
    ``person`` is who wrote, as the channel vouches for them (None where it cannot, say); ``lang``
    is the language the channel suggests (the app's or browser's), used until the person
    chooses one. ``private`` is False in a group chat, where no one's own data is shown.
    ``unreadable`` is a message the bot cannot read (a photo, a sticker, a voice message).
    """

    channel: str
    chat_id: str
    now: datetime
    person: ChatId | None = None
    text: str = ""
    choice: str | None = None
    name: str | None = None
    lang: str | None = None
    private: bool = True
    unreadable: bool = False


@dataclass(frozen=True)
class Reply:
    """What the turn says back, in order, and the language it spoke."""

    says: tuple[Say, ...]
    lang: Lang

    @property
    def text(self) -> str:
        """All of it as one text (for logs of tests and for channels without separate bubbles)."""
        return "\n\n".join(say.text for say in self.says)
