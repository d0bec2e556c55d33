"""Where to tell a person something the bot says on its own: their chat, else their address.

The one rule for every message of that kind (promotions, broadcasts, reminders, change notices):
the person's chat when its channel has a courier, else e-mail when the mailbox has one and the
person an address, else nobody can be told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery.couriers import Delivery, Recipient

if TYPE_CHECKING:  # at run time only the fields are read; importing it here would be circular
    from bot.registrations.identity import ChatId

# The name the mailbox's courier is registered under (``bot.registrations.identity.EMAIL``).
EMAIL = "email"


def recipient_for(
    delivery: Delivery,
    *,
    email: str | None,
    chat: ChatId | None,
    lang: str,
    name: str | None = None,
) -> Recipient | None:
    """The person on their own channel: their chat if it can be reached, else their e-mail
    address, else None. A chat's kind is the name its channel's courier is registered under."""
    if chat is not None and delivery.reaches(chat.kind):
        return Recipient(chat.kind, chat.value, lang, name)
    if email and delivery.reaches(EMAIL):
        return Recipient(EMAIL, email, lang, name)
    return None
