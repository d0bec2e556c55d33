"""The mailbox's courier: a message for a person by e-mail, as a letter, in their thread.

Registered with :class:`~bot.delivery.Delivery` for the ``email`` channel. A recipient with a
thread (the participant's own message of a case) is answered in it (In-Reply-To, References,
"SV: " subject); others get a new message with the given subject. The letter is signed by the
event's organiser, and carries the calendar file when one is given.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import make_msgid
from typing import Unpack

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.outbox import Outbox
from bot.delivery import Details, Recipient
from bot.i18n import normalise_lang, translator

Signature = Callable[[str | None], str]


def letter(text: str, name: str | None, sender: str, lang: str) -> str:
    """A text as a letter: greeting, text, and who writes."""
    _ = translator(normalise_lang(lang)).gettext
    greeting = _("Dear {name},").format(name=name) if name else _("Hello,")
    closing = _("Kind regards,\n{sender}").format(sender=sender)
    return f"{greeting}\n\n{text}\n\n{closing}"


class MailCourier:
    """Queues e-mail in the mail outbox, in the caller's transaction."""

    def __init__(self, outbox: Outbox, signature: Signature) -> None:
        self.outbox = outbox
        self.signature = signature

    async def queue(
        self,
        session: AsyncSession,
        to: Recipient,
        text: str,
        **details: Unpack[Details],  # no choices: a letter asks in words instead
    ) -> None:
        _ = translator(normalise_lang(to.lang)).gettext
        event = details.get("event")
        subject = details.get("subject")
        body = letter(text, to.name, self.signature(event), to.lang)
        thread = to.thread
        if thread is not None and thread.message_id:
            await self.outbox.enqueue(
                session,
                to=to.address,
                subject=thread.subject or subject or _("Your question"),
                body=body,
                in_reply_to=thread.message_id,
                references=thread.references,
                event=event,
                ics=details.get("ics"),
                ics_filename=details.get("ics_filename"),
                checkin_code=details.get("checkin_code"),
                now=details["now"],
            )
            return
        await self.outbox.enqueue(
            session,
            to=to.address,
            subject=subject or _("Message from the secretariat"),
            body=body,
            event=event,
            ics=details.get("ics"),
            ics_filename=details.get("ics_filename"),
            checkin_code=details.get("checkin_code"),
            # The kind in the Message-ID: a reply to it says what it answers (the evaluation's).
            message_id=make_msgid(idstring=details["kind"], domain=self.outbox.domain),
            now=details["now"],
        )
