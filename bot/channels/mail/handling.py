"""Acting on one e-mail: read it, decide, act through the brain, and queue the reply.

``MailHandler.handle`` takes the raw bytes of a message and:

1. reads it (``reading``): the sender, the thread, the reply without the quoted invitation;
2. ignores what must get no answer: duplicates (by Message-ID, or a hash where there is none),
   auto-replies, bounces (marking the address undeliverable), mailing lists, its own mail;
3. acts on a staff reply: mail from a staff address (``StaffPolicy``) in the thread of a case
   forwarded to the staff mailbox (``staff``) answers the participant, or closes the case
   ("Løst") or teaches the bot its answer ("Gem"); staff hear back only when that could not be
   done, so no two machines ever answer each other. Anyone else in such a thread is a
   participant like any other, and is never relayed;
   then a privacy request ("mine data", "slet mig", "JA, SLET") is answered to the From address
   (``privacy``), before anything below could take it for something else;
4. keeps quiet for a participant whose case a person has (``CaseService.muted_case``): the
   message joins the case for staff, and gets no automatic reply. A signup or cancellation in
   it is left to that person too: it may well answer what they asked, and the bot acting on
   its own words in the middle of their conversation would go behind their back; the case
   stays open until they close it, so nothing is lost;
5. finds the event: the thread first (a reply to a message the bot sent), then the subject,
   then the text itself;
6. decides (``classify``, which asks the answering core): signup, cancel, decline, question;
7. acts through the registration service or the answering core, and hands to staff what the
   knowledge base cannot answer or what is unclear; a signup staff must finish (no session
   named where one must be chosen) keeps the needs it states in the case, repeated in the reply;
   a question beside a signup is answered in the confirmation, or handed to staff;
8. records the message, its outcome and the reply in ONE transaction with the registration change
   (or the case change), so that a crash anywhere leaves either all of it or none, and a retry is
   recognised.

The reply is queued in the outbox, not sent here: ``serve`` sends it, and ``mail preview`` shows
it without sending.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answering import Answer, compose
from bot.attendance.certificate import asks_for_certificate, certificate_for, certificate_text
from bot.cases import texts
from bot.cases.service import CaseError, CaseInfo, StaffMember
from bot.channels.mail.classify import (
    PrivacyRequest,
    classify,
    privacy_request,
    read_signature,
)
from bot.channels.mail.evaluation import answers_evaluation, take_answers
from bot.channels.mail.models import AutoReply, InboundMail, MailThread, UndeliverableAddress
from bot.channels.mail.others import (
    UNKNOWN_ORGANISATION,
    also_signed_up,
    organiser_addresses,
    read_others,
    sign_up_others,
)
from bot.channels.mail.outbox import Outbox
from bot.channels.mail.privacy import MailPrivacy, forget_sender
from bot.channels.mail.reading import ReadMail, read_message
from bot.channels.mail.staff import ROUTE as STAFF_ROUTE
from bot.channels.mail.staff import Command as StaffCommand
from bot.channels.mail.staff import empty_reply_text, staff_command, staff_text
from bot.channels.mail.staff_needs import needs_asked, send_needs
from bot.conversations.questions import record_question
from bot.conversations.turn import answer_say
from bot.delivery import Thread
from bot.i18n import Lang, guess_language, normalise_lang, translator
from bot.knowledge.learned import load_learned
from bot.knowledge.schema import Event
from bot.metrics import MAIL, MAIL_SECONDS
from bot.registrations.confirmation import message_for
from bot.registrations.form import InvalidSignup, SignupForm
from bot.registrations.identity import Identity
from bot.registrations.needs import NeedsRead, noted_text, read_needs
from bot.registrations.results import Outcome, Result
from bot.registrations.rules import session_named, sessions_chosen_at_signup
from bot.services import Services

log = logging.getLogger(__name__)
CHANNEL: Final = "email"
BOT_NAME: Final = "Deltagerbot"
# Outcomes after which the colleagues a sender names are signed up too.
_SIGNED_UP = frozenset({Outcome.REGISTERED.value, Outcome.WAITLISTED.value, "already_registered"})


@dataclass(frozen=True)
class Handled:
    """What became of one message (the fields of ``mail preview --json``, less the file)."""

    action: str  # signup | cancel | decline | question | ignore | case | staff | privacy
    # | certificate (result: sent, refused)
    # registered, waitlisted, ..., declined, answered, escalated, ignored; for "case": added;
    # for "staff": answered, closed, taught, empty, refused; for "privacy": exported, asked, erased
    result: str
    reason: str
    event: str | None = None
    name: str | None = None
    email: str | None = None
    escalate: bool = False
    reply: str | None = None
    duplicate: bool = False
    # A signup's or update's registration as it stands afterwards: the kinds of need, the
    # companions (one seat each, names where given), the organisation; and the people it also
    # signed up who have an address of their own, as (name, address).
    needs: tuple[str, ...] = ()
    companions: int = 0
    companion_names: tuple[str, ...] = ()
    others: tuple[tuple[str, str], ...] = ()
    organisation: str | None = None

    @property
    def done(self) -> bool:
        return True  # every outcome, an error aside, is final for the message

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("duplicate")
        data["needs"] = list(self.needs)
        data["companion_names"] = list(self.companion_names)
        data["others"] = [{"name": name, "email": email} for name, email in self.others]
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
    # The check-in code the text gives: its QR code goes along as a picture.
    checkin_code: str | None = None
    # Who signs; by default the event's organiser (to staff: the bot itself).
    sender: str | None = None
    # Privacy replies: the erasure question's Message-ID is fixed in advance (it is what
    # confirms), and a data export or an erasure's reply is emptied from the outbox once sent.
    message_id: str | None = None
    forget: bool = False
    # Within the daily limit of automatic replies (privacy replies answer a person's own
    # request, which no auto-responder writes, so they are not held back by it).
    limited: bool = True

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
        self.privacy = MailPrivacy(services, outbox)

    async def handle(
        self, raw: bytes, *, now: datetime, folder: str | None = None, uid: int | None = None
    ) -> Handled:
        """Handle one raw message; safe to call again for a message already handled.

        Its changes are made in transactions of its own, or, inside the mailbox worker's unit of
        work (``Database.unit``), in savepoints of the worker's batch, committed with it.
        """
        try:
            with MAIL_SECONDS.time():
                handled = await self._handle_raw(raw, now, folder, uid)
        except Exception:
            MAIL.labels("failed").inc()
            raise
        MAIL.labels("ignored" if handled.action == "ignore" else "handled").inc()
        return handled

    async def _handle_raw(
        self, raw: bytes, now: datetime, folder: str | None, uid: int | None
    ) -> Handled:
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
        # Before the own-address check: where the shared mailbox is both the bot's and the staff
        # address, staff answer from the bot's address (the bot's own mail is automatic, above).
        if sender and self.services.staff.email_is_staff(sender):
            case_id = await self.services.cases.case_of_post(STAFF_ROUTE, _thread_ids(mail))
            if case_id is not None:
                return await self._staff_reply(msg, case_id)
            asked = needs_asked(mail)  # "Behov <event>": the event's needs for the staff member
            if asked is not None:
                return await send_needs(self, msg, asked)
        if not sender or (self.own_address and sender == self.own_address):
            handled = Handled("ignore", "ignored", "own or missing sender", email=sender)
            await self._record(msg, handled)
            return handled

        # "mine data", "slet mig", "JA, SLET": before a muted case, which would swallow them.
        request = privacy_request(mail)
        if request is not None:
            return await self._privacy(msg, request)

        if answers_evaluation(mail):  # "4, ja, ja" to the evaluation after an event
            return await take_answers(self, msg)

        muted = await self.services.cases.muted_case(CHANNEL, sender, now)
        if muted is not None:
            return await self._to_case(msg, muted)

        if asks_for_certificate(mail.reply):  # "kan jeg få et kursusbevis?"
            return await self._certificate(msg, sender)

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
            return await self._escalate(
                msg, decision.action, "event unclear", None, name, lang, decision.message
            )

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

        if (
            action == "question"
            and decision.states_needs
            and event is not None
            and await self._registered(sender, event, now)
        ):
            # Someone signed up who says what they need changes their registration, however
            # the reply is worded ("A quick update…", "Kan hun få en plads ved siden af mig?");
            # what else it asks is answered in the same reply, or handed to staff.
            return await self._register(
                msg,
                "signup",
                f"changes needs; {decision.reason}",
                event,
                name,
                decision.organisation,
                lang,
                decision.message or mail.reply,
                asked=decision.answer,
                hand_over=decision.escalate,
            )
        if decision.needs_only and not (event and await self._registered(sender, event, now)):
            # Needs said by someone not signed up ("min ledsager kommer med"): a person reads it.
            return await self._escalate(
                msg,
                "question",
                "needs without a signup",
                event.id if event else None,
                name,
                lang,
                decision.message,
            )
        if action in ("signup", "cancel"):
            assert event is not None
            return await self._register(
                msg,
                action,
                decision.reason,
                event,
                name,
                decision.organisation,
                lang,
                decision.message or mail.reply,
                asked=decision.asked,
            )

        # The classification asked the core already, about the reply without its signature.
        answer = decision.answer or answerer.answer(
            decision.message or mail.reply, event.id if event else None, lang, now
        )
        about = answer.event or (event.id if event else None)
        if answer.escalate or decision.escalate:
            return await self._escalate(
                msg, "question", "not in the knowledge base", about, name, lang, decision.message
            )
        # Said as on every channel; in a letter, the event it came from goes below in brackets.
        say = answer_say(kb, answer if answer.event else replace(answer, event=about))
        text = say.text + (f"\n\n({say.source})" if say.source else "")
        handled = Handled("question", "answered", answer.intent, about, name, sender)
        reply = _Reply(text, self._subject(mail), lang)

        async def counted(session: AsyncSession) -> None:
            # the question log
            record_question(session, event=about, now=now, channel=CHANNEL, kind=answer.intent)

        return await self._finish(msg, handled, reply, extra=counted)

    async def _certificate(self, msg: _Incoming, sender: str) -> Handled:
        """The certificate of participation, attached, for someone checked in; else a polite no."""
        mail, lang = msg.mail, guess_language(msg.mail.reply)
        event = await self._event_of(mail)
        svc = self.services
        found = await certificate_for(
            svc.db,
            svc.registrations,
            svc.kb.event,
            Identity(email=sender),
            about=event.id if event else None,
            lang=lang,
            now=msg.now,
        )
        about = found.event.id if found else (event.id if event else None)
        result = "sent" if found else "refused"
        handled = Handled("certificate", result, "certificate asked for", about, email=sender)
        reply = _Reply(
            certificate_text(found, lang),
            self._subject(mail),
            lang,
            found.pdf if found else None,
            found.filename if found else None,
        )
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
        text: str,
        asked: Answer | None = None,
        hand_over: bool = False,
    ) -> Handled:
        """Sign up, cancel or change; ``asked`` is the core's answer to what the reply asks
        besides, said after the confirmation (or the question handed to staff)."""
        mail, now = msg.mail, msg.now
        sender = mail.from_address or ""
        service = self.services.registrations
        outcome: dict[str, Handled] = {}
        # Needs, companions and colleagues are read from the reply only, never from the quote.
        read = read_needs(text, own_name=name) if action == "signup" else NeedsRead()
        others = read_others(text, sender, set(organiser_addresses(event)))
        others = others if action == "signup" else []
        too = also_signed_up(others, lang)

        async def also(session: AsyncSession, result: Result) -> None:
            message = message_for(result, event, lang=lang, channel=CHANNEL)
            info = result.registration
            handled = Handled(action, result.outcome.value, reason, event.id, name, sender)
            if info is not None and result.outcome is not Outcome.CANCELLED:
                handled = replace(
                    handled,
                    needs=info.need_kinds,
                    companions=len(info.companions),
                    companion_names=tuple(n for n in info.companions if n),
                    others=tuple((o.name, o.email) for o in others),
                    organisation=info.organisation,
                )
            text = "\n\n".join(t for t in (message.text, too) if t)
            if asked is not None:
                text += "\n\n" + await self._also_asked(session, msg, asked, hand_over, event, name)
                handled = replace(handled, escalate=asked.escalate or hand_over)
            reply = _Reply(
                text,
                self._subject(mail),
                lang,
                message.ics,
                message.ics_filename,
                checkin_code=message.checkin_code,
            )
            outcome["handled"] = await self._write(session, msg, handled, reply)

        if action == "cancel":
            await service.cancel(event, Identity(email=sender), channel=CHANNEL, now=now, also=also)
        elif read.says_anything and await self._registered(sender, event, now):
            # A second mail from someone signed up changes their registration; nothing is lost.
            await service.update_needs(
                event, Identity(email=sender), read, channel=CHANNEL, now=now, also=also
            )
        else:
            chosen = session_named(event, text) if sessions_chosen_at_signup(event) else None
            form = SignupForm(
                name=name or sender,
                email=sender,
                organisation=organisation or UNKNOWN_ORGANISATION,
                session=chosen.key if chosen else None,
                lang=lang,
                # One line per sentence, each once: read again as the person wrote it.
                needs="\n".join(dict.fromkeys(read.found.values())) or None,
                need_kinds=read.kinds,
                needs_read=read,
                companions=read.companions,
                companion_names=read.companion_names,
            )
            try:
                await service.signup(event, form, channel=CHANNEL, now=now, also=also)
            except InvalidSignup as problem:
                # A session must be chosen, say: the e-mail cannot tell us; staff ask.
                # The fields only: a problem's sentence may quote the address.
                fields = ", ".join(p.field for p in problem.problems)
                log.info("e-mail signup needs a person (%s)", fields)
                # What the person needs goes with the case and is repeated to them (see _escalate).
                return await self._escalate(
                    msg, action, "signup incomplete", event.id, name, lang, needs=read
                )
            if others and outcome["handled"].result in _SIGNED_UP:
                await sign_up_others(
                    service,
                    event,
                    others,
                    by=name or sender,
                    organisation=organisation,
                    lang=lang,
                    now=now,
                )
        return outcome["handled"]

    async def _also_asked(
        self,
        session: AsyncSession,
        msg: _Incoming,
        asked: Answer,
        hand_over: bool,
        event: Event,
        name: str | None,
    ) -> str:
        """What to say to a question asked beside a change: the core's answer, or that staff
        have it (a case in this transaction, with the whole reply)."""
        mail = msg.mail
        lang = guess_language(mail.reply)
        if not (asked.escalate or hand_over):
            return answer_say(self.services.kb, replace(asked, event=asked.event or event.id)).text
        await self.services.cases.add(
            session,
            channel=CHANNEL,
            chat_id=mail.from_address or "",
            email=mail.from_address or "",
            name=name,
            event=event.id,
            question=read_signature(mail.reply, mail.from_name).message or mail.reply,
            lang=lang,
            now=msg.now,
            thread=(
                Thread(mail.message_id, tuple(mail.references), mail.subject or "")
                if mail.message_id
                else None
            ),
        )
        return compose.escalation_text(lang)

    async def _escalate(
        self,
        msg: _Incoming,
        action: str,
        reason: str,
        event: str | None,
        name: str | None,
        lang: Lang,
        question: str | None = None,
        needs: NeedsRead | None = None,
    ) -> Handled:
        """Hand the message to staff; ``question`` is its text without the signature (kept in
        the case, and taught if staff save the answer, so no one's name is learned). ``needs``
        read from a signup staff must finish are kept in the case as noted, for staff to enter
        with it, and repeated to the person, so nothing they said is lost meanwhile."""
        mail, now = msg.mail, msg.now
        sender = mail.from_address or ""
        handled = Handled(action, "escalated", reason, event, name, sender, escalate=True)
        text = compose.escalation_text(lang)
        noted: str | None = None
        if needs is not None and needs.kinds:
            companions: list[str | None] = [*needs.companion_names]
            companions += [None] * (needs.companions - len(companions))
            noted = noted_text(needs.kinds, companions, lang)
            handled = replace(
                handled,
                needs=needs.kinds,
                companions=needs.companions,
                companion_names=needs.companion_names,
            )
        if noted:
            text = f"{noted}\n\n{text}"
        reply = _Reply(text, self._subject(mail), lang)
        asked = question or mail.reply or mail.text
        if noted:
            asked = f"{asked}\n\n{noted}"

        async def case(session: AsyncSession) -> None:
            info = await self.services.cases.add(
                session,
                channel=CHANNEL,
                chat_id=sender,
                email=sender,
                name=name,
                event=event,
                question=asked,
                lang=lang,
                now=now,
                thread=(
                    Thread(mail.message_id, tuple(mail.references), mail.subject or "")
                    if mail.message_id
                    else None
                ),
            )
            if action == "question":  # a question handed over, for the question log
                record_question(
                    session, event=event, now=now, case_id=info.id, channel=CHANNEL, kind=reason
                )

        return await self._finish(msg, handled, reply, extra=case)

    # -- staff and cases --------------------------------------------------------------------

    async def _to_case(self, msg: _Incoming, case: CaseInfo) -> Handled:
        """A person has the sender's case: the message joins it for staff; no reply."""
        mail = msg.mail
        handled = Handled(
            "case", "added", "a person has the case", case.event, case.name, mail.from_address
        )

        async def join(session: AsyncSession) -> None:
            text = mail.reply or mail.text
            await self.services.cases.add_participant_message(
                case.id, text, msg.now, session=session
            )

        log.info("e-mail added to case %d, which a person has", case.id)
        return await self._finish(msg, handled, None, extra=join)

    async def _staff_reply(self, msg: _Incoming, case_id: int) -> Handled:
        """A staff member's reply to a forwarded case: an answer, "Løst" or "Gem".

        The case change and the message's record commit together. Staff are written to only
        when nothing could be done: an empty reply, or a case that refuses (closed, no answer).
        """
        mail = msg.mail
        sender = mail.from_address or ""
        staff = StaffMember(f"email:{sender}", mail.from_name or sender)
        lang = normalise_lang(self.services.settings.staff_language)
        text = staff_text(mail)
        command = staff_command(text)
        if command is None and not text:
            handled = Handled("staff", "empty", "no text of its own", None, staff.name, sender)
            reply = self._to_staff(mail, empty_reply_text(case_id, lang), lang)
            return await self._finish(msg, handled, reply)
        try:
            async with self.services.db.transaction() as session:
                handled = await self._staff_act(session, msg, case_id, staff, command, text)
        except CaseError as problem:
            log.info("staff reply in case %d not done: %s", case_id, problem.reason)
            handled = Handled("staff", "refused", problem.reason, None, staff.name, sender)
            reply = self._to_staff(mail, texts.problem_text(problem.reason, case_id, lang), lang)
            return await self._finish(msg, handled, reply)
        return handled

    async def _staff_act(
        self,
        session: AsyncSession,
        msg: _Incoming,
        case_id: int,
        staff: StaffMember,
        command: StaffCommand | None,
        text: str,
    ) -> Handled:
        """Change the case as the staff reply says, and record the message, in ``session``."""
        cases, now = self.services.cases, msg.now
        if command == "close":
            event = (await cases.close(case_id, staff, now, session=session)).event
            result = "closed"
        elif command == "teach":
            event = (await cases.teach(case_id, staff, now, session=session)).event
            result = "taught"
            # Answered from once the mail batch has committed (this is a savepoint in it): read
            # here, where the new answer is seen, and used from the commit on.
            learned = await load_learned(session)
            self.services.db.after_commit(session, lambda: self.services.apply_learned(learned))
        else:
            event = (await cases.answer(case_id, staff, text, now, session=session)).event
            result = "answered"
        sender = msg.mail.from_address
        handled = Handled("staff", result, command or "answer", event, staff.name, sender)
        log.info("staff reply in case %d: %s", case_id, result)
        return await self._write(session, msg, handled, None)

    async def _privacy(self, msg: _Incoming, request: PrivacyRequest) -> Handled:
        """A privacy request, answered to the From address only (see ``privacy``)."""
        mail, sender = msg.mail, msg.mail.from_address or ""
        async with self.services.db.transaction() as session:
            done, erased = await self.privacy.act(
                session, request, sender, _thread_ids(mail), msg.now
            )
            handled = Handled("privacy", done.result, done.reason, email=sender)
            reply = _Reply(
                done.text,
                self._subject(mail),
                done.lang,
                done.attachment,
                done.filename,
                message_id=done.message_id,
                forget=done.forget,
                limited=False,
            )
            result = await self._write(session, msg, handled, reply)
            if erased is not None:
                await forget_sender(session, mail.message_key, sender)
        return result

    def _to_staff(self, mail: ReadMail, text: str, lang: Lang) -> _Reply:
        """A note to a staff member, in their thread, signed by the bot."""
        return _Reply(text, self._subject(mail), lang, sender=BOT_NAME)

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
            and await self._may_reply(session, mail.from_address, now, limited=reply.limited)
        ):
            sent = reply.letter(handled.name, reply.sender or self._signature(handled.event))
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
                checkin_code=reply.checkin_code,
                message_id=reply.message_id,
                forget_when_sent=reply.forget,
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
        return replace(handled, reply=sent, duplicate=False)

    async def _may_reply(
        self, session: AsyncSession, address: str, now: datetime, *, limited: bool = True
    ) -> bool:
        """No mail to a bounced address, and only a few automatic replies a day to anyone."""
        if await session.get(UndeliverableAddress, address.casefold()) is not None:
            return False
        if not limited:
            return True
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
        ids = _thread_ids(mail)
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
        return found.organiser if found else BOT_NAME

    @staticmethod
    def _subject(mail: ReadMail) -> str:
        topic = mail.topic or ""
        return topic if topic.casefold().startswith("sv:") else f"SV: {topic}".rstrip()


def _thread_ids(mail: ReadMail) -> list[str]:
    """The Message-IDs a message answers: In-Reply-To and References."""
    return [i for i in (mail.in_reply_to, *mail.references) if i]
