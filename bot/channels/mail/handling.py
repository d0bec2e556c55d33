"""Acting on one e-mail: read it, decide, act through the brain, and queue the reply.

``MailHandler.handle`` takes the raw bytes of a message and:

1. reads it (``reading``): the sender, the thread, the reply without the quoted invitation;
2. ignores what must get no answer: duplicates (by Message-ID, or a hash where there is none),
   auto-replies, bounces (marking the address undeliverable), mailing lists, its own mail;
3. finds the event: the thread first (a reply to a message the bot sent), then the subject,
   then the text itself;
4. decides (``classify``, which asks the answering core): signup, cancel, decline, question;
5. acts through the registration service or the answering core, and hands to staff what the
   knowledge base cannot answer or what is unclear;
6. records the message, its outcome and the reply in ONE transaction with the registration change,
   so that a crash anywhere leaves either all of it or none, and a retry is recognised.

The reply is queued in the outbox, not sent here: ``serve`` sends it, and ``mail preview`` shows
it without sending.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answering import compose
from bot.channels.mail.classify import classify
from bot.channels.mail.models import AutoReply, InboundMail, MailThread, UndeliverableAddress
from bot.channels.mail.notices import queue_promotions
from bot.channels.mail.outbox import Outbox
from bot.channels.mail.reading import ReadMail, read_message
from bot.delivery import Thread
from bot.i18n import Lang, guess_language, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import message_for
from bot.registrations.form import InvalidSignup, SignupForm
from bot.registrations.identity import Identity
from bot.registrations.results import Result
from bot.services import Services

log = logging.getLogger(__name__)
CHANNEL: Final = "email"
# An organisation the e-mail did not give; visible to staff in the participant list.
UNKNOWN_ORGANISATION = "(ikke oplyst i e-mailen)"


@dataclass(frozen=True)
class Handled:
    """What became of one message (the fields of ``mail preview --json``, less the file)."""

    action: str  # signup | cancel | decline | question | ignore
    result: str  # registered, waitlisted, ..., declined, answered, escalated, ignored
    reason: str
    event: str | None = None
    name: str | None = None
    email: str | None = None
    escalate: bool = False
    reply: str | None = None
    duplicate: bool = False

    @property
    def done(self) -> bool:
        return True  # every outcome, an error aside, is final for the message

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("duplicate")
        return data


@dataclass(frozen=True)
class _Incoming:
    """The message being handled, with when and where it came in."""

    mail: ReadMail
    now: datetime
    folder: str | None
    uid: int | None


@dataclass
class _Reply:
    text: str
    subject: str
    lang: Lang
    ics: bytes | None = None
    ics_filename: str | None = None

    def letter(self, name: str | None, sender: str) -> str:
        """The reply as a letter: greeting, text, and who answers."""
        _ = translator(self.lang).gettext
        greeting = _("Dear {name},").format(name=name) if name else _("Hello,")
        closing = _("Kind regards,\n{sender}").format(sender=sender)
        return f"{greeting}\n\n{self.text}\n\n{closing}"


class MailHandler:
    """Handles messages from the secretariat's mailbox with the bot's services."""

    def __init__(
        self,
        services: Services,
        outbox: Outbox,
        *,
        mail_from: str | None,
        replies_per_day: int = 3,
    ) -> None:
        self.services = services
        self.outbox = outbox
        self.own_address = (mail_from or "").casefold() or None
        self.replies_per_day = replies_per_day

    async def handle(
        self, raw: bytes, *, now: datetime, folder: str | None = None, uid: int | None = None
    ) -> Handled:
        """Handle one raw message; safe to call again for a message already handled."""
        mail = read_message(raw)
        if await self._seen(mail.message_key):
            return Handled("ignore", "ignored", "duplicate", duplicate=True)
        try:
            return await self._handle(_Incoming(mail, now, folder, uid))
        except IntegrityError:
            # Another worker recorded the same message first: it is a duplicate now.
            if await self._seen(mail.message_key):
                return Handled("ignore", "ignored", "duplicate", duplicate=True)
            raise

    async def _handle(self, msg: _Incoming) -> Handled:
        mail, now = msg.mail, msg.now
        sender = mail.from_address
        if mail.automatic:
            handled = Handled("ignore", "ignored", mail.automatic, email=sender)

            async def bookkeeping(session: AsyncSession) -> None:
                for address in mail.bounced_recipients:
                    await session.merge(
                        UndeliverableAddress(email=address.casefold(), reason="bounce", at=now)
                    )

            await self._record(msg, handled, extra=bookkeeping)
            return handled
        if not sender or (self.own_address and sender == self.own_address):
            handled = Handled("ignore", "ignored", "own or missing sender", email=sender)
            await self._record(msg, handled)
            return handled

        event = await self._event_of(mail)
        lang = guess_language(mail.reply)
        kb, answerer = self.services.kb, self.services.answerer
        decision = classify(mail, answerer, event.id if event else None, lang, now)
        name = decision.name
        if decision.action == "ignore":
            about = event.id if event else None
            handled = Handled("ignore", "ignored", decision.reason, about, name, sender)
            await self._record(msg, handled)
            return handled

        if decision.action in ("signup", "cancel", "decline") and event is None:
            # We do not know what the person signs up for: a person must look at it.
            return await self._escalate(msg, decision.action, "event unclear", None, name, lang)

        action = decision.action
        if action == "decline" and event is not None and await self._registered(sender, event, now):
            action = "cancel"  # "Nej tak, jeg kan ikke" from someone signed up withdraws them

        if action == "decline":
            assert event is not None
            _ = translator(lang).gettext
            reply = _Reply(
                _("Thank you for letting us know. We are sorry you cannot come to {title}.").format(
                    title=event.title
                ),
                self._subject(mail),
                lang,
            )
            handled = Handled("decline", "declined", decision.reason, event.id, name, sender)
            return await self._finish(msg, handled, reply)

        if action in ("signup", "cancel"):
            assert event is not None
            return await self._register(
                msg, action, decision.reason, event, name, decision.organisation, lang
            )

        # The classification asked the core already, about the reply without its signature.
        answer = decision.answer or answerer.answer(
            decision.message or mail.reply, event.id if event else None, lang, now
        )
        about = answer.event or (event.id if event else None)
        if answer.escalate or decision.escalate:
            return await self._escalate(
                msg, "question", "not in the knowledge base", about, name, lang
            )
        source = kb.get(about) if about else None
        text = answer.text + (f"\n\n({source.title})" if source and not answer.candidates else "")
        handled = Handled("question", "answered", answer.intent, about, name, sender)
        reply = _Reply(text, self._subject(mail), lang)
        return await self._finish(msg, handled, reply)

    # -- acting ----------------------------------------------------------------------------

    async def _register(
        self,
        msg: _Incoming,
        action: str,
        reason: str,
        event: Event,
        name: str | None,
        organisation: str | None,
        lang: Lang,
    ) -> Handled:
        mail, now = msg.mail, msg.now
        sender = mail.from_address or ""
        service = self.services.registrations
        outcome: dict[str, Handled] = {}

        async def also(session: AsyncSession, result: Result) -> None:
            message = message_for(result, event, lang=lang, channel=CHANNEL)
            handled = Handled(action, result.outcome.value, reason, event.id, name, sender)
            reply = _Reply(
                message.text, self._subject(mail), lang, message.ics, message.ics_filename
            )
            outcome["handled"] = await self._write(session, msg, handled, reply)
            # Whoever gets the freed seat is told, in the same transaction as the cancellation.
            await queue_promotions(session, self.outbox, event, result.promoted, now)

        if action == "cancel":
            await service.cancel(event, Identity(email=sender), channel=CHANNEL, now=now, also=also)
        else:
            form = SignupForm(
                name=name or sender,
                email=sender,
                organisation=organisation or UNKNOWN_ORGANISATION,
                lang=lang,
            )
            try:
                await service.signup(event, form, channel=CHANNEL, now=now, also=also)
            except InvalidSignup as problem:
                # A session must be chosen, say: the e-mail cannot tell us; staff ask.
                log.info("e-mail signup needs a person: %s", problem)
                return await self._escalate(msg, action, "signup incomplete", event.id, name, lang)
        return outcome["handled"]

    async def _escalate(
        self,
        msg: _Incoming,
        action: str,
        reason: str,
        event: str | None,
        name: str | None,
        lang: Lang,
    ) -> Handled:
        mail, now = msg.mail, msg.now
        sender = mail.from_address or ""
        handled = Handled(action, "escalated", reason, event, name, sender, escalate=True)
        reply = _Reply(compose.escalation_text(lang), self._subject(mail), lang)

        async def case(session: AsyncSession) -> None:
            await self.services.cases.add(
                session,
                channel=CHANNEL,
                chat_id=sender,
                email=sender,
                name=name,
                event=event,
                question=mail.reply or mail.text,
                lang=lang,
                now=now,
                thread=(
                    Thread(mail.message_id, tuple(mail.references), mail.subject or "")
                    if mail.message_id
                    else None
                ),
            )

        return await self._finish(msg, handled, reply, extra=case)

    # -- bookkeeping -----------------------------------------------------------------------

    async def _finish(
        self,
        msg: _Incoming,
        handled: Handled,
        reply: _Reply | None,
        extra: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ) -> Handled:
        async with self.services.db.transaction() as session:
            if extra is not None:
                await extra(session)
            return await self._write(session, msg, handled, reply)

    async def _record(
        self,
        msg: _Incoming,
        handled: Handled,
        extra: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ) -> None:
        await self._finish(msg, handled, None, extra)

    async def _write(
        self, session: AsyncSession, msg: _Incoming, handled: Handled, reply: _Reply | None
    ) -> Handled:
        """Record the message and queue its reply, in the caller's transaction."""
        mail, now = msg.mail, msg.now
        sent: str | None = None
        if (
            reply is not None
            and mail.from_address
            and await self._may_reply(session, mail.from_address, now)
        ):
            sent = reply.letter(handled.name, self._signature(handled.event))
            await self.outbox.enqueue(
                session,
                to=mail.from_address,
                subject=reply.subject,
                body=sent,
                in_reply_to=mail.message_id,
                references=(*mail.references, *([mail.message_id] if mail.message_id else [])),
                event=handled.event,
                ics=reply.ics,
                ics_filename=reply.ics_filename,
                now=now,
            )
            session.add(AutoReply(email=mail.from_address, at=now))
        # A message that failed before has a row (status "retry", with its error); finish it.
        row = await session.scalar(
            select(InboundMail).where(InboundMail.message_key == mail.message_key).with_for_update()
        )
        if row is None:
            row = InboundMail(message_key=mail.message_key, received_at=now, attempts=0)
            session.add(row)
        row.folder, row.uid = msg.folder, msg.uid
        row.sender, row.subject = mail.from_address, mail.subject
        row.status, row.action, row.result = "done", handled.action, handled.result
        row.event_slug = handled.event
        row.attempts = (row.attempts or 0) + 1
        row.last_error, row.raw = None, None
        row.updated_at = now
        await session.flush()  # a concurrent first copy is refused here by the unique key
        return Handled(
            handled.action,
            handled.result,
            handled.reason,
            handled.event,
            handled.name,
            handled.email,
            handled.escalate,
            sent,
        )

    async def _may_reply(self, session: AsyncSession, address: str, now: datetime) -> bool:
        """No mail to a bounced address, and only a few automatic replies a day to anyone."""
        if await session.get(UndeliverableAddress, address.casefold()) is not None:
            return False
        count = await session.scalar(
            select(func.count())
            .select_from(AutoReply)
            .where(AutoReply.email == address, AutoReply.at > now - timedelta(days=1))
        )
        return (count or 0) < self.replies_per_day

    async def _registered(self, address: str, event: Event, now: datetime) -> bool:
        infos = await self.services.registrations.registrations_of(Identity(email=address), now=now)
        return any(info.event_slug == event.id for info in infos)

    async def _seen(self, key: str) -> bool:
        """Handled for good already (a message that failed and waits for a retry is not)."""
        async with self.services.db.session() as session:
            found = await session.scalar(
                select(InboundMail.id).where(
                    InboundMail.message_key == key, InboundMail.status == "done"
                )
            )
        return found is not None

    async def _event_of(self, mail: ReadMail) -> Event | None:
        """The thread first (a reply to our own message), then the subject, then the text."""
        ids = [i for i in (mail.in_reply_to, *mail.references) if i]
        kb = self.services.kb
        if ids:
            async with self.services.db.session() as session:
                slugs = await session.scalars(
                    select(MailThread.event_slug).where(MailThread.message_id.in_(ids))
                )
                for slug in slugs:
                    if slug and kb.event(slug):
                        return kb.event(slug)
        for text in (mail.topic, mail.reply):
            slug = self.services.answerer.find_event(text) if text else None
            if slug:
                return kb.event(slug)
        return None

    def _signature(self, event: str | None) -> str:
        found = self.services.kb.event(event) if event else None
        return found.organiser if found else "Deltagerbot"

    @staticmethod
    def _subject(mail: ReadMail) -> str:
        topic = mail.topic or ""
        return topic if topic.casefold().startswith("sv:") else f"SV: {topic}".rstrip()
