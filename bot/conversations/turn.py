"""One conversation turn, the same for every chat channel: the person's message in, what to say out.

Given the channel, the chat, the person as far as the channel knows them, a text or a pressed
choice, and the time, :meth:`Conversation.handle` decides what happens and does it:

- a command (``/tilmeld``, ``/afmeld``, ``/mine``, ``/sprog``, ``/mine_data``, ...) does what it
  names; commands are the same words on every channel, Danish with English aliases;
- inside the signup dialogue, the message is the answer to the dialogue's question;
- while a member of the secretariat has the chat's case, the message is added to the case for
  them and the bot keeps quiet;
- otherwise it goes to the answering core, whose intent decides: a signup starts the dialogue,
  a cancellation asks for confirmation, "am I registered?" shows the person's registrations,
  and a question the knowledge base cannot answer becomes a case for staff; every question
  answered or handed over is counted in the question log (``bot.conversations.questions``).

What the chat is about, its language and a dialogue in progress are saved after every step
(``ConversationStore``), so a restart resumes where the person was; the registration, case and
privacy services do their own work each in one transaction, as they do for every caller.
Channels are thin adapters: Telegram, the terminal and the web chat translate in and out.

Choices carry values the turn reads back: ``ev:<event>`` (choose an event), ``lang:da``,
``dlg:<answer>`` (an answer in the signup dialogue), ``unreg:<event>`` or ``unreg:-`` (cancel
or keep), ``privacy:erase`` or ``privacy:keep``, ``eval:<question>:<answer>`` (the evaluation
after an event, ``bot.evaluation.dialogue``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answering import Answer
from bot.attendance import format_code, qr_png
from bot.attendance.certificate import PDF, asks_for_certificate, certificate_for, certificate_text
from bot.conversations.messages import Attachment, Choice, Incoming, Reply, Say
from bot.conversations.questions import record_answered_later, record_question
from bot.conversations.store import ConversationInfo
from bot.conversations.texts import chosen_text, event_choices, help_text, privacy_text
from bot.evaluation import dialogue as evaluation
from bot.i18n import Lang, normalise_lang, translator
from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Event
from bot.metrics import TURN_SECONDS
from bot.registrations.confirmation import Message, message_for, my_registrations_text
from bot.registrations.dialogue import Choice as DialogueChoice
from bot.registrations.dialogue import DialogueState, SignupDialogue, Turn
from bot.registrations.identity import Identity
from bot.registrations.limits import SendLimits
from bot.registrations.needs_change import change_needs

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

SIGNUP = "signup"
ICS = "text/calendar"

# Command word -> what it does; Danish first, English aliases, the same on every channel.
COMMANDS: dict[str, str] = {
    "start": "start",
    "arrangementer": "start",
    "events": "start",
    "arrangement": "event",
    "event": "event",
    "program": "programme",
    "programme": "programme",
    "tilmeld": "signup",
    "signup": "signup",
    "afmeld": "cancel",
    "unregister": "cancel",
    "mine": "mine",
    "my": "mine",
    "annuller": "stop",
    "stop": "stop",
    "sprog": "language",
    "language": "language",
    "hjaelp": "help",
    "help": "help",
    "mine_data": "my_data",
    "my_data": "my_data",
    "slet_mig": "delete_me",
    "delete_me": "delete_me",
}


@dataclass(frozen=True)
class _Now:
    """One turn's facts: the message, the chat's saved state, and the language to answer in."""

    incoming: Incoming
    state: ConversationInfo
    lang: Lang

    @property
    def _(self) -> Callable[[str], str]:
        return translator(self.lang).gettext


Action = Callable[[_Now, Event], Awaitable[list[Say]]]


class Conversation:
    """The conversation with participants on every chat channel, on the bot's services."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, incoming: Incoming) -> Reply:
        """Do what the person's message or choice asks, and say what to answer."""
        with TURN_SECONDS.labels(incoming.channel).time():
            return await self._handle(incoming)

    async def _handle(self, incoming: Incoming) -> Reply:
        state = await self.services.conversations.get(incoming.channel, incoming.chat_id)
        lang = normalise_lang(
            state.lang or incoming.lang or self.services.settings.default_language
        )
        turn = _Now(incoming, state, lang)
        if incoming.choice is not None:
            says = await self._choice(turn, incoming.choice)
        elif incoming.unreadable:
            says = [Say(turn._("I can only read text. Please write your question."))]
        else:
            says = await self._text(turn, incoming.text.strip())
        # A language chosen in this turn is the language of the rest of the conversation.
        final = await self.services.conversations.get(incoming.channel, incoming.chat_id)
        return Reply(tuple(says), normalise_lang(final.lang) if final.lang else lang)

    # -- routing ----------------------------------------------------------------------------

    async def _text(self, turn: _Now, text: str) -> list[Say]:
        if not text:
            return [Say(turn._("Please write your question."))]
        if text.startswith("/"):
            word, _sep, argument = text[1:].partition(" ")
            action = COMMANDS.get(word.split("@")[0].casefold())
            if action is not None:
                return await self._command(turn, action, argument.strip())
            return [Say(turn._("I do not know that command.") + "\n\n" + help_text(turn.lang))]
        state = turn.state
        if state.flow == SIGNUP and state.flow_state:
            return await self._continue_signup(turn, text)
        if state.flow == evaluation.EVALUATION and state.flow_state:
            answered = await self._evaluation(turn, text=text)
            if answered is not None:
                return answered
        muted = await self._passed_to_staff(turn, text)
        if muted is not None:
            return muted
        if asks_for_certificate(text) and turn.incoming.private:
            return await self._certificate(turn)
        changed = await self._needs_change(turn, text)
        if changed is not None:
            return changed
        return await self._question(turn, text)

    async def _command(self, turn: _Now, action: str, argument: str) -> list[Say]:
        _ = turn._
        event = self._event(turn.state.event)
        if action == "start":
            return await self._start(turn, argument)
        if action == "event":
            return await self._choose_event(turn, argument)
        if action == "programme":
            if event is None:
                return self._which_event(turn)
            return await self._question(turn, " ".join(["program", argument]).strip())
        if action == "signup":
            return await self._for_event(turn, event, self._begin_signup)
        if action == "cancel":
            return await self._for_event(turn, event, self._confirm_cancel)
        if action == "mine":
            return await self._my_registrations(turn)
        if action == "stop":
            if turn.state.flow == SIGNUP and turn.state.flow_state:
                saved = DialogueState.from_json(turn.state.flow_state)
                return await self._show(turn, self._dialogue(turn).abort(saved))
            return [Say(_("There is nothing to stop."))]
        if action == "language":
            chosen = argument.casefold()[:2]
            if chosen in ("da", "en"):
                return await self._set_language(turn, normalise_lang(chosen))
            return [
                Say(
                    _("Which language do you want?"),
                    (Choice("lang:da", "Dansk"), Choice("lang:en", "English")),
                    columns=2,
                )
            ]
        if action == "help":
            return [Say(help_text(turn.lang))]
        if action == "my_data":
            return await self._my_data(turn)
        assert action == "delete_me"
        return await self._delete_me(turn)

    async def _choice(self, turn: _Now, value: str) -> list[Say]:
        _ = turn._
        kind, _sep, rest = value.partition(":")
        if kind == "ev":
            return await self._choose_event(turn, rest)
        if kind == "lang":
            return await self._set_language(turn, normalise_lang(rest))
        if kind == "dlg":
            if turn.state.flow != SIGNUP or not turn.state.flow_state:
                return [Say(_("That signup is over. Write /signup to start again."))]
            return await self._continue_signup(turn, rest)
        if kind == "unreg":
            return await self._cancel(turn, rest)
        if kind == "privacy":
            return await self._erase(turn, rest == "erase")
        if kind == "eval":
            answered = await self._evaluation(turn, choice=rest)
            return answered or [Say(help_text(turn.lang))]
        return [Say(help_text(turn.lang))]

    def _event(self, slug: str | None) -> Event | None:
        return self.services.kb.event(slug) if slug else None

    def _which_event(self, turn: _Now) -> list[Say]:
        choices = event_choices(self.services.kb, turn.incoming.now, turn.lang)
        return [Say(turn._("Which event do you mean?"), choices)]

    async def _for_event(self, turn: _Now, event: Event | None, action: Action) -> list[Say]:
        """Do something about an event, or first ask which event when the chat has none."""
        if event is None:
            return self._which_event(turn)
        return await action(turn, event)

    async def _remember(self, turn: _Now, **fields: object) -> None:
        incoming = turn.incoming
        await self.services.conversations.update(
            incoming.channel,
            incoming.chat_id,
            incoming.now,
            **fields,  # type: ignore[arg-type]
        )

    # -- getting started ----------------------------------------------------------------------

    async def _start(self, turn: _Now, slug: str) -> list[Say]:
        """The first message (or /start again), optionally about an event (a deep link)."""
        _ = turn._
        privacy = privacy_text(turn.lang, self.services.settings.retention_days)
        event = self._event(slug)
        if event is not None:
            await self._remember(turn, event=event.id)
            text = _("Welcome! I can answer questions about {title}.").format(title=event.title)
            return [Say("\n\n".join([text, help_text(turn.lang), privacy]))]
        text = _("Welcome! Which event do you want to ask about?")
        choices = event_choices(self.services.kb, turn.incoming.now, turn.lang)
        return [Say("\n\n".join([text, privacy]), choices)]

    async def _choose_event(self, turn: _Now, slug: str) -> list[Say]:
        event = self._event(slug)
        if event is None:
            return [Say(turn._("I no longer know that event. Write /start to choose."))]
        await self._remember(turn, event=event.id)
        return [Say(chosen_text(event, turn.lang))]

    async def _set_language(self, turn: _Now, lang: Lang) -> list[Say]:
        await self._remember(turn, lang=lang)
        _ = translator(lang).gettext
        if lang == "en":
            return [Say(_("I will answer in English from now on."))]
        return [Say(_("I will answer in Danish from now on."))]

    # -- questions ----------------------------------------------------------------------------

    async def _passed_to_staff(self, turn: _Now, text: str) -> list[Say] | None:
        """While a person has the chat's case, the participant's messages go to them."""
        incoming = turn.incoming
        cases = self.services.cases
        case = await cases.muted_case(incoming.channel, incoming.chat_id, incoming.now)
        if case is None:
            return None
        await cases.add_participant_message(case.id, text, incoming.now)
        return [
            Say(turn._("I have passed your message on to the staff member who has your question."))
        ]

    async def _question(self, turn: _Now, text: str) -> list[Say]:
        svc, incoming = self.services, turn.incoming
        answer = svc.answerer.answer(text, turn.state.event, turn.lang, incoming.now)
        event = self._event(answer.event)
        if event is not None and turn.state.event is None:
            await self._remember(turn, event=event.id)
        if answer.intent in ("signup", "cancel") and not answer.escalate:
            action = self._begin_signup if answer.intent == "signup" else self._confirm_cancel
            return await self._for_event(turn, event, action)
        if answer.intent == "my-registration":  # "er jeg tilmeldt?": the chat looks it up
            return await self._my_registrations(turn)
        if answer.escalate:
            async with svc.db.transaction() as session:
                case = await svc.cases.add(
                    session,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    user_id=incoming.person.value if incoming.person else None,
                    name=incoming.name,
                    event=answer.event,
                    question=text,
                    lang=turn.lang,
                    now=incoming.now,
                )
                record_question(
                    session,
                    event=answer.event,
                    now=incoming.now,
                    case_id=case.id,
                    channel=incoming.channel,
                    kind=answer.intent,
                )
        elif not answer.candidates and answer.intent != "smalltalk":
            # Answered (not "which event do you mean?", nor a greeting or thanks returned).
            record_answered_later(
                svc.db,
                event=answer.event,
                now=incoming.now,
                channel=incoming.channel,
                kind=answer.intent,
            )
        return [answer_say(svc.kb, answer)]

    # -- signing up ---------------------------------------------------------------------------

    def _dialogue(self, turn: _Now) -> SignupDialogue:
        svc = self.services
        # With the mailbox read, an address nobody uses yet is proven with a code too.
        return SignupDialogue(
            svc.registrations,
            turn.incoming.channel,
            delivery=svc.delivery,
            prove_new_addresses=bool(svc.settings.imap_host),
            limits=SendLimits.from_settings(svc.settings),
        )

    async def _begin_signup(self, turn: _Now, event: Event) -> list[Say]:
        incoming = turn.incoming
        step = await self._dialogue(turn).start(
            event, turn.lang, incoming.now, chat_id=incoming.chat_id
        )
        return await self._show(turn, step)

    async def _continue_signup(self, turn: _Now, text: str) -> list[Say]:
        saved = DialogueState.from_json(turn.state.flow_state or {})
        dialogue = self._dialogue(turn)
        event = self._event(saved.event)
        if event is None:  # the event left the knowledge base meanwhile
            return await self._show(turn, dialogue.abort(saved))
        step = await dialogue.reply(
            event, saved, text, turn.incoming.now, chat=turn.incoming.person
        )
        return await self._show(turn, step)

    async def _show(self, turn: _Now, step: Turn) -> list[Say]:
        """Save where the dialogue is, then say its next question (with its choices)."""
        if step.state is None:
            await self._remember(turn, flow=None, flow_state=None)
        else:
            await self._remember(turn, flow=SIGNUP, flow_state=step.state.to_json())
        choices = tuple(_dialogue_choice(c) for c in step.choices)
        yes_no = len(choices) == 2 and step.state is not None and step.state.step == "confirm"
        says = [
            Say(
                step.text,
                choices,
                attachment=_calendar(step.message),
                columns=2 if yes_no else 1,
            )
        ]
        return says + _checkin_picture(step.message, turn.lang)

    # -- the evaluation after an event --------------------------------------------------------

    async def _evaluation(
        self, turn: _Now, *, choice: str | None = None, text: str | None = None
    ) -> list[Say] | None:
        """The next question of the evaluation, or None when typed text leaves it."""
        state = turn.state.flow_state if turn.state.flow == evaluation.EVALUATION else None
        incoming = turn.incoming
        step = await evaluation.answer(
            self.services.db,
            state,
            choice=choice,
            text=text,
            channel=incoming.channel,
            lang=turn.lang,
            now=incoming.now,
        )
        if state is not None:
            over = step is None or step.state is None
            await self._remember(
                turn,
                flow=None if over else evaluation.EVALUATION,
                flow_state=None if over or step is None else step.state,
            )
        if step is None:
            return None
        choices = tuple(Choice(f"eval:{value}", label) for value, label in step.choices)
        return [Say(step.text, choices, columns=step.columns)]

    # -- cancelling and my registrations ------------------------------------------------------

    async def _confirm_cancel(self, turn: _Now, event: Event) -> list[Say]:
        _ = turn._
        return [
            Say(
                _("Do you want to cancel your registration for {title}?").format(title=event.title),
                (
                    Choice(f"unreg:{event.id}", _("Yes, cancel it")),
                    Choice("unreg:-", _("No, keep it")),
                ),
                columns=2,
            )
        ]

    async def _cancel(self, turn: _Now, slug: str) -> list[Say]:
        """The answer to "do you want to cancel?"; who is waiting for the seat is told by the
        registration service, on their own channel."""
        incoming = turn.incoming
        event = self._event(slug) if slug != "-" else None
        if event is None or incoming.person is None:
            return [Say(turn._("OK, nothing has been changed."))]
        result = await self.services.registrations.cancel(
            event, Identity(chat=incoming.person), channel=incoming.channel, now=incoming.now
        )
        message = message_for(result, event, lang=turn.lang, channel=incoming.channel)
        return [Say(message.text)]

    async def _needs_change(self, turn: _Now, text: str) -> list[Say] | None:
        """ "Jeg har alligevel brug for tolk" from someone signed up: their registration changes,
        and they are told what is on record now."""
        incoming = turn.incoming
        if incoming.person is None or not incoming.private:
            return None
        svc = self.services
        changed = await change_needs(
            svc.registrations,
            svc.kb.event,
            Identity(chat=incoming.person),
            text,
            about=turn.state.event,
            channel=incoming.channel,
            now=incoming.now,
        )
        if changed is None:
            return None
        event, result = changed
        message = message_for(result, event, lang=turn.lang, channel=incoming.channel)
        return [Say(message.text, attachment=_calendar(message))]

    async def _certificate(self, turn: _Now) -> list[Say]:
        """ "Kan jeg få et kursusbevis?": the PDF for those checked in, else a polite no."""
        svc, incoming = self.services, turn.incoming
        found = None
        if incoming.person is not None:
            found = await certificate_for(
                svc.db,
                svc.registrations,
                svc.kb.event,
                Identity(chat=incoming.person),
                about=turn.state.event,
                lang=turn.lang,
                now=incoming.now,
            )
        text = certificate_text(found, turn.lang)
        if found is None:
            return [Say(text)]
        return [Say(text, attachment=Attachment(found.filename, found.pdf, PDF))]

    async def _my_registrations(self, turn: _Now) -> list[Say]:
        svc, incoming = self.services, turn.incoming
        if incoming.person is None:
            return [Say(my_registrations_text([], svc.kb.event, turn.lang))]
        infos = await svc.registrations.registrations_of(
            Identity(chat=incoming.person), now=incoming.now
        )
        return [Say(my_registrations_text(infos, svc.kb.event, turn.lang))]

    # -- the person's own data ----------------------------------------------------------------

    def _not_here(self, turn: _Now) -> list[Say] | None:
        """The person's own data only in their own chat, never in a group."""
        if turn.incoming.private and turn.incoming.person is not None:
            return None
        return [Say(turn._("Please write to me in a private chat about your own data."))]

    async def _my_data(self, turn: _Now) -> list[Say]:
        from bot.privacy.service import Privacy, Who

        refused = self._not_here(turn)
        if refused is not None:
            return refused
        incoming = turn.incoming
        export = await Privacy(self.services).export(
            Who.of(chat=incoming.person), turn.lang, incoming.now
        )
        json_file = Attachment(export.filename, export.json, "application/json")
        return [Say(export.text, attachment=json_file)]

    async def _delete_me(self, turn: _Now) -> list[Say]:
        from bot.privacy.report import erase_question
        from bot.privacy.service import Privacy, Who

        refused = self._not_here(turn)
        if refused is not None:
            return refused
        _ = turn._
        data = await Privacy(self.services).data(Who.of(chat=turn.incoming.person))
        choices = (
            Choice("privacy:erase", _("Yes, delete it all")),
            Choice("privacy:keep", _("No, keep my data")),
        )
        return [Say(erase_question(data, turn.lang), choices, columns=2)]

    async def _erase(self, turn: _Now, erase: bool) -> list[Say]:
        from bot.privacy.service import Privacy, Who

        _ = turn._
        incoming = turn.incoming
        if not erase or self._not_here(turn) is not None:
            return [Say(_("OK, nothing has been deleted."))]
        await Privacy(self.services).erase(
            Who.of(chat=incoming.person), channel=incoming.channel, now=incoming.now
        )
        return [
            Say(
                _(
                    "Everything I had stored about you is deleted. If you write to me again, "
                    "I start afresh."
                )
            )
        ]


def answer_say(kb: KnowledgeBase, answer: Answer) -> Say:
    """The core's answer as said on any channel: the events to choose between when it could
    not tell which, else the text with the event it came from (not for a hand-over)."""
    if answer.candidates:
        events = [kb.event(slug) for slug in answer.candidates]
        choices = tuple(Choice(f"ev:{e.id}", e.title) for e in events if e is not None)
        return Say(answer.text, choices)
    source = kb.get(answer.event) if answer.event and not answer.escalate else None
    return Say(answer.text, source=source.title if source else None)


def _dialogue_choice(choice: DialogueChoice) -> Choice:
    return Choice(f"dlg:{choice.value}", choice.label)


def _checkin_picture(message: Message | None, lang: Lang) -> list[Say]:
    """The check-in code's QR code as a picture, with the code in words beside it (the
    confirmation's text has it too: the picture is for showing at the door)."""
    if message is None or message.checkin_code is None:
        return []
    _ = translator(lang).gettext
    text = _("Your check-in code: {code}").format(code=format_code(message.checkin_code))
    picture = Attachment(_("check-in-code.png"), qr_png(message.checkin_code), "image/png")
    return [Say(text, attachment=picture)]


def _calendar(message: Message | None) -> Attachment | None:
    if message is None or not message.ics:
        return None
    return Attachment(message.ics_filename or "event.ics", message.ics, ICS)
