"""The signup dialogue: what a chat asks, one question at a time, to sign a person up.

Channel-independent: a chat channel passes each message in and shows each ``Turn`` it gets back
(a text, perhaps with choices it may draw as buttons). The dialogue's state is plain JSON, so the
channel can keep it in the database and a restart of the bot resumes where the person was.

    name -> e-mail -> [code] -> organisation -> [session] -> needs -> confirm -> signed up
                                  (any step: cancel, or time out after 30 minutes)

The code step protects other people's data: when the address typed belongs to a participant this
chat is not linked to (or, where the mailbox is read, to nobody yet: mail from it would later be
linked to this chat), a code is sent to the address, and only with the code is the chat linked
to it (to see, cancel and erase what is done by that address). Without it the person can still
sign up; the registration is then made on the address alone and managed by e-mail, and the chat
learns nothing of it: the outcome (registered, already registered with the name, organisation
and needs on record, waiting list, closed) and the calendar file go by e-mail to the address,
and the chat is told only what it did itself, in the same words whatever the outcome ("we have
sent a confirmation to that address"). Whether the address is the chat's own is checked again
when the signup is made, since it may have become someone else's meanwhile.

What a chat makes the bot send to an address (codes, confirmations) and the signups it starts are
limited (``bot.registrations.limits``); a full limit ends the dialogue with a polite answer, and
nothing is sent.

Each answer is checked as the registration service will check it, so a bad e-mail address is
asked again at once, not refused at the end.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import parse_aware
from bot.delivery import Delivery, Recipient
from bot.i18n import Lang, normalise_lang, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import Message, contact_email, message_for, session_text
from bot.registrations.form import SignupForm, check_signup, form_needs, signup_fields
from bot.registrations.identity import EMAIL, ChatId, normalise_email
from bot.registrations.limits import Reached, SendLimits, limit_text
from bot.registrations.mailing import queue_outcome_mail
from bot.registrations.needs import NEED_KINDS, OTHER, need_label, noted_text
from bot.registrations.results import Outcome, Result
from bot.registrations.rules import deadline_passed, find_session, is_closed, signup_closes_at
from bot.registrations.service import RegistrationService

TIMEOUT = timedelta(minutes=30)
CODE_TRIES = 3
YES, NO, SKIP = "yes", "no", "-"
# The needs step: a button per kind ("need:wheelchair"), pressed one at a time, then "done".
NEED, DONE = "need:", "done"
# Placeholders that pass the form check, so one field can be checked on its own.
_VALID = {"name": "X", "email": "x@example.org", "organisation": "X", "session": None}


@dataclass
class DialogueState:
    """Where one person is in the dialogue; stored as JSON by the channel."""

    event: str
    step: str
    lang: Lang
    updated_at: str
    answers: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DialogueState:
        return cls(
            event=str(data["event"]),
            step=str(data["step"]),
            lang=normalise_lang(data.get("lang")),
            updated_at=str(data["updated_at"]),
            answers={str(k): str(v) for k, v in dict(data.get("answers") or {}).items()},
        )


@dataclass(frozen=True)
class Choice:
    """An answer the person can pick instead of typing (a button, where the chat has them)."""

    value: str
    label: str


@dataclass(frozen=True)
class Turn:
    """What to say next. ``state`` is None when the dialogue is over."""

    text: str
    state: DialogueState | None = None
    choices: tuple[Choice, ...] = ()
    result: Result | None = None
    message: Message | None = None


class SignupDialogue:
    """Signs people up through a conversation, on top of the registration service."""

    def __init__(
        self,
        service: RegistrationService,
        channel: str,
        timeout: timedelta = TIMEOUT,
        delivery: Delivery | None = None,
        prove_new_addresses: bool = False,
        limits: SendLimits | None = None,
    ) -> None:
        self.service = service
        self.channel = channel
        self.timeout = timeout
        self.delivery = delivery
        # Where the mailbox is read, an address nobody uses yet must be proven too.
        self.prove_new_addresses = prove_new_addresses
        self.limits = limits or SendLimits()

    async def start(
        self, event: Event, lang: Lang, now: datetime, chat_id: int | str | None = None
    ) -> Turn:
        """Begin a signup for the event, or say at once why it cannot be done.

        ``chat_id`` is the chat that starts it, for the limit on signups started per chat.
        """
        if deadline_passed(event, now) or is_closed(event):
            outcome = Outcome.FULL if is_closed(event) else Outcome.DEADLINE_PASSED
            result = Result(outcome, event.id, deadline=signup_closes_at(event))
            message = message_for(result, event, lang=lang, channel=self.channel)
            return Turn(message.text, result=result, message=message)
        if chat_id is not None:
            async with self.service.db.transaction() as session:
                reached = await self.limits.take_signup(session, self.channel, str(chat_id), now)
            if reached is not None:
                return Turn(limit_text(reached, lang, contact_email(event)))
        _ = translator(lang).gettext
        state = DialogueState(event.id, "name", lang, now.isoformat())
        intro = _("Let us sign you up for {title}. You can write /stop at any time.").format(
            title=event.title
        )
        return self._ask(event, state, intro)

    def abort(self, state: DialogueState) -> Turn:
        """The person left the dialogue (/annuller)."""
        _ = translator(state.lang).gettext
        return Turn(_("OK, I have stopped the signup. Nothing was saved."))

    def expired(self, state: DialogueState, now: datetime) -> bool:
        return now - parse_aware(state.updated_at) > self.timeout

    async def reply(
        self,
        event: Event,
        state: DialogueState,
        text: str,
        now: datetime,
        chat: ChatId | None = None,
    ) -> Turn:
        """Take the person's answer to the current question and ask the next one.

        ``chat`` is how the chat knows the person; the chat is linked to the address given
        only once that is proven (or needs no proof). Without it the signup is made on the
        address alone.
        """
        _ = translator(state.lang).gettext
        if self.expired(state, now):
            return Turn(
                _(
                    "The signup was stopped because it had been quiet for a while. "
                    "Write /signup to start again."
                )
            )
        state = DialogueState(
            state.event, state.step, state.lang, now.isoformat(), dict(state.answers)
        )
        answer = text.strip()
        if state.step == "confirm":
            return await self._confirm(event, state, answer, now, chat)
        if state.step == "code":
            return self._check_code(event, state, answer)
        if state.step == "needs":
            if answer.startswith(NEED) and answer[len(NEED) :] in NEED_KINDS:
                chosen = [k for k in state.answers.get("need_kinds", "").split(",") if k]
                if answer[len(NEED) :] not in chosen:
                    chosen.append(answer[len(NEED) :])
                state.answers["need_kinds"] = ",".join(chosen)
                return self._ask(event, state)  # one kind at a time, until "That is all"
            if answer.casefold() in (SKIP, "nej", "no", "ingen", "none"):
                state.answers["needs"] = ""
                state.answers["need_kinds"] = ""
            elif answer != DONE:
                state.answers["needs"] = answer
        elif state.step == "session":
            session = find_session(event, answer) or next(
                (s for s in event.sessions if s.title.casefold() == answer.casefold()), None
            )
            if session is None:
                problem = self._problem(event, state, "session", answer)
                return self._ask(event, state, problem)
            state.answers["session"] = session.key
        else:
            problem = self._problem(event, state, state.step, answer)
            if problem:
                return self._ask(event, state, problem)
            # Keep the address as it will be stored, so the summary shows what we will use.
            state.answers[state.step] = normalise_email(answer) if state.step == "email" else answer
            if state.step == "email" and await self._needs_code(state, chat):
                reached = await self._send_code(event, state, now)
                if reached is not None:
                    return Turn(limit_text(reached, state.lang, contact_email(event)))
                state.step = "code"
                return self._ask(event, state)
        state.step = self._next_step(event, state.step)
        return self._ask(event, state)

    # -- proving the address ----------------------------------------------------------------

    def _mails(self) -> bool:
        return self.delivery is not None and self.delivery.reaches(EMAIL)

    async def _must_prove(self, email: str, chat: ChatId) -> bool:
        """Whether the chat must prove the address before it may see what is done by it."""
        whose = await self.service.whose_address(email, chat)
        return whose == "other" or (whose == "new" and self.prove_new_addresses)

    async def _needs_code(self, state: DialogueState, chat: ChatId | None) -> bool:
        state.answers.pop("code", None)
        state.answers.pop("verified", None)
        if chat is None or not self._mails():
            return False
        return await self._must_prove(state.answers["email"], chat)

    async def _proven(self, state: DialogueState, chat: ChatId | None) -> bool:
        """Whether the chat may be linked to the address and be shown what is done by it."""
        verified = state.answers.get("verified")
        if verified == "yes":
            return True
        if chat is None or verified == "no":
            return False
        # Asked again: the address may have become someone else's since it was typed.
        return not await self._must_prove(state.answers.get("email", ""), chat)

    async def _send_code(self, event: Event, state: DialogueState, now: datetime) -> Reached | None:
        """Send a code to the address, unless its limit is full (then that limit)."""
        assert self.delivery is not None
        code = f"{secrets.randbelow(10**6):06d}"
        _ = translator(state.lang).gettext
        text = _(
            "Your code is {code}. Someone, hopefully you, is signing up for {title} in a chat "
            "with this e-mail address. Write the code in the chat to continue. If it was not "
            "you, you can ignore this e-mail."
        ).format(code=code, title=event.title)
        async with self.service.db.transaction() as session:
            reached = await self.limits.take_code(session, state.answers["email"], now)
            if reached is not None:
                return reached
            await self.delivery.queue(
                session,
                Recipient("email", state.answers["email"], state.lang, state.answers.get("name")),
                text,
                kind="code",
                now=now,
                subject=_("Your code for the signup"),
                event=event.id,
            )
        state.answers["code"] = _code_hash(state, code)
        state.answers["code_tries"] = "0"
        return None

    def _check_code(self, event: Event, state: DialogueState, answer: str) -> Turn:
        _ = translator(state.lang).gettext
        digits = "".join(ch for ch in answer if ch.isdigit())
        problem: str | None = None
        if answer == SKIP:
            state.answers["verified"] = "no"
        elif digits and _code_hash(state, digits) == state.answers.get("code"):
            state.answers["verified"] = "yes"
        else:
            tries = int(state.answers.get("code_tries", "0")) + 1
            state.answers["code_tries"] = str(tries)
            if tries < CODE_TRIES:
                return self._ask(event, state, _("That code is not right. Please try again."))
            state.answers["verified"] = "no"
            problem = _(
                "The code was not right. You can still sign up, but only by e-mail can the "
                "registration be seen or changed."
            )
        state.step = self._next_step(event, "email")
        return self._ask(event, state, problem)

    # -- steps ------------------------------------------------------------------------------

    def _next_step(self, event: Event, step: str) -> str:
        steps = [*signup_fields(event), "confirm"]
        return steps[steps.index(step) + 1]

    def _problem(self, event: Event, state: DialogueState, step: str, answer: str) -> str | None:
        values: dict[str, Any] = {**_VALID, step: answer}
        form = SignupForm(lang=state.lang, needs=None, **values)
        _clean, problems = check_signup(event, form)
        return next((p.message for p in problems if p.field == step), None)

    def _ask(self, event: Event, state: DialogueState, problem: str | None = None) -> Turn:
        _ = translator(state.lang).gettext
        choices: tuple[Choice, ...] = ()
        if state.step == "name":
            question = _("What is your name?")
        elif state.step == "email":
            question = _("What is your e-mail address? We send the confirmation there.")
        elif state.step == "code":
            question = _(
                "To keep everyone's registrations private, we have sent a code to {email}. "
                "Please write the code here."
            ).format(email=state.answers.get("email", ""))
            choices = (Choice(SKIP, _("Continue without a code")),)
        elif state.step == "organisation":
            question = _("Which council, municipality or organisation do you come from?")
        elif state.step == "session":
            question = _("Which one do you want to take part in?")
            choices = tuple(Choice(s.key, f"{s.key}. {s.title}") for s in event.sessions)
        elif state.step == "needs":
            chosen = [k for k in state.answers.get("need_kinds", "").split(",") if k]
            if chosen:
                labels = ", ".join(need_label(k, state.lang) for k in chosen)
                question = _("Noted: {needs}. Anything else?").format(needs=labels)
            else:
                question = _(
                    "Do you need anything to take part? Choose what fits, one at a time, or "
                    "write it in your own words."
                )
            kinds = tuple(
                Choice(NEED + k, _capitalised(need_label(k, state.lang)))
                for k in NEED_KINDS
                if k not in chosen and k != OTHER
            )
            last = Choice(DONE, _("That is all")) if chosen else Choice(SKIP, _("No special needs"))
            choices = (*kinds, last)
        else:
            question = self._summary(event, state)
            choices = (Choice(YES, _("Yes, sign me up")), Choice(NO, _("No, stop")))
        text = "\n\n".join(t for t in (problem, question) if t)
        return Turn(text, state=state, choices=choices)

    def _summary(self, event: Event, state: DialogueState) -> str:
        _ = translator(state.lang).gettext
        a = state.answers
        lines = [
            _("Please check your signup for {title}:").format(title=event.title),
            _("Name: {name}").format(name=a.get("name", "")),
            _("E-mail: {email}").format(email=a.get("email", "")),
            _("Organisation: {organisation}").format(organisation=a.get("organisation", "")),
        ]
        chosen = session_text(event, a.get("session"), state.lang)
        if chosen:
            lines.append(chosen)
        noted = noted_text(*self._needs(a, state.lang), state.lang)
        if noted:
            lines.append(noted)
        if a.get("needs"):
            lines.append(_("Needs: {needs}").format(needs=a["needs"]))
        lines.append(_("Shall I sign you up?"))
        return "\n".join(lines)

    @staticmethod
    def _needs(answers: dict[str, str], lang: Lang) -> tuple[list[str], list[str | None]]:
        """The kinds chosen and read from the words, and the companions, as the form has them."""
        form = SignupForm(
            name=answers.get("name", ""),
            email="",
            organisation="",
            lang=lang,
            needs=answers.get("needs") or None,
            need_kinds=tuple(k for k in answers.get("need_kinds", "").split(",") if k),
        )
        kinds, companions = form_needs(form)
        return list(kinds), list(companions)

    async def _confirm(
        self,
        event: Event,
        state: DialogueState,
        answer: str,
        now: datetime,
        chat: ChatId | None,
    ) -> Turn:
        _ = translator(state.lang).gettext
        word = answer.casefold().rstrip("!. ")
        if word in (NO, "nej", "stop", "annuller"):
            return self.abort(state)
        if word not in (YES, "ja", "ja tak", "ok", "yes please"):
            return self._ask(event, state, _("Please answer yes or no."))
        a = state.answers
        form = SignupForm(
            name=a.get("name", ""),
            email=a.get("email", ""),
            organisation=a.get("organisation", ""),
            session=a.get("session") or None,
            needs=a.get("needs") or None,
            lang=state.lang,
            need_kinds=tuple(k for k in a.get("need_kinds", "").split(",") if k),
        )
        if not await self._proven(state, chat):
            return await self._sign_up_unproven(event, state, form, now)
        result = await self.service.signup(event, form, channel=self.channel, now=now, chat=chat)
        message = message_for(result, event, lang=state.lang, channel=self.channel)
        return Turn(message.text, result=result, message=message)

    async def _sign_up_unproven(
        self, event: Event, state: DialogueState, form: SignupForm, now: datetime
    ) -> Turn:
        """Sign up on the address alone, tell the address by e-mail, and the chat only that.

        The confirmation is queued in the signup's transaction; when the address's limit of
        confirmations is full, the whole signup is rolled back: nothing done, nothing sent.
        """
        _ = translator(state.lang).gettext
        if not self._mails():
            # Nothing can tell the person at the address, so nothing is done in their name.
            return Turn(
                _(
                    "I cannot sign you up with that address here in the chat. "
                    "Please write to the secretariat."
                )
            )
        email = state.answers.get("email", "")

        async def tell_the_address(session: AsyncSession, result: Result) -> None:
            reached = await self.limits.take_confirmation(session, email, now)
            if reached is not None:
                raise _LimitFull(reached)
            await self._queue_confirmation(session, event, state, result, now)

        try:
            await self.service.signup(
                event, form, channel=self.channel, now=now, also=tell_the_address
            )
        except _LimitFull as full:
            return Turn(limit_text(full.reached, state.lang, contact_email(event)))
        return Turn(
            _(
                "Thank you. We have sent a confirmation to that address. "
                "It tells you whether you are signed up."
            )
        )

    async def _queue_confirmation(
        self,
        session: AsyncSession,
        event: Event,
        state: DialogueState,
        result: Result,
        now: datetime,
    ) -> None:
        """The outcome, by e-mail to the address, in the language of the person it names."""
        assert self.delivery is not None
        info = result.registration
        lang = normalise_lang(info.lang) if info else state.lang
        _ = translator(lang).gettext
        why = _(
            "You get this e-mail because this address was given when signing up in our chat. "
            "If that was not you, please reply to this e-mail and tell us."
        )
        await queue_outcome_mail(
            session,
            self.delivery,
            event,
            result,
            to=state.answers.get("email", ""),
            lang=lang,
            why=why,
            now=now,
        )


class _LimitFull(Exception):
    """Raised inside a signup's transaction to roll it back: the address's limit is full."""

    def __init__(self, reached: Reached) -> None:
        super().__init__(reached.kind)
        self.reached = reached


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def _code_hash(state: DialogueState, code: str) -> str:
    """The code as kept in the dialogue's state (never the code itself)."""
    seed = f"{state.event}|{state.answers.get('email', '')}|{code}"
    return hashlib.sha256(seed.encode()).hexdigest()
