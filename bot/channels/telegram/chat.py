"""The conversation: questions to the answering core, signup and cancellation, my registrations.

A message is routed by what the chat is doing: inside the signup dialogue it is the answer to the
dialogue's question; while a member of the secretariat has the chat's case, it is added to the
case and shown to them (the bot keeps quiet); otherwise it goes to the answering core, and the
core's intent decides what happens (a signup starts the dialogue, a cancellation asks for
confirmation, a question the knowledge base cannot answer becomes a case for staff). The
dialogue's state is saved after every step, so a restart of the bot resumes it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.answering import Answer
from bot.channels.mail.notices import queue_promotions
from bot.channels.mail.outbox import Outbox
from bot.channels.telegram.common import (
    CHANNEL,
    Context,
    conversation,
    keyboard,
    lang_of,
    now,
    reply,
    services,
)
from bot.channels.telegram.entry import event_choices
from bot.conversations import ConversationInfo
from bot.i18n import Lang, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import message_for, my_registrations_text, promotion_message
from bot.registrations.dialogue import DialogueState, SignupDialogue, Turn
from bot.registrations.identity import Identity
from bot.registrations.limits import SendLimits
from bot.registrations.results import RegistrationInfo, Result

log = logging.getLogger(__name__)
SIGNUP = "signup"


def dialogue(context: Context) -> SignupDialogue:
    svc = services(context)
    # With the couriers, an address someone else uses is proven with a code sent to it.
    return SignupDialogue(
        svc.registrations,
        CHANNEL,
        delivery=svc.delivery,
        prove_new_addresses=bool(svc.settings.imap_host),
        limits=SendLimits.from_settings(svc.settings),
    )


def current_event(context: Context, state: ConversationInfo) -> Event | None:
    return services(context).kb.event(state.event) if state.event else None


EventAction = Callable[[Update, Context, Event, Lang], Awaitable[None]]


async def for_event(
    update: Update, context: Context, event: Event | None, lang: Lang, action: EventAction
) -> None:
    """Do something about an event, or first ask which event when the chat has none."""
    if event is None:
        await ask_for_event(update, context, lang)
    else:
        await action(update, context, event, lang)


async def ask_for_event(update: Update, context: Context, lang: Lang) -> None:
    chat = update.effective_chat
    assert chat is not None
    _ = translator(lang).gettext
    await reply(
        context,
        chat.id,
        _("Which event do you mean?"),
        buttons=keyboard(event_choices(context, lang)),
    )


# -- questions --------------------------------------------------------------------------------


async def text_message(update: Update, context: Context) -> None:
    """A message in the chat: the answer to the dialogue's question, or a question."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and message.text is not None and chat is not None
    state = await conversation(update, context)
    lang = lang_of(update, state)
    if state.flow == SIGNUP and state.flow_state:
        await continue_signup(update, context, state, message.text)
        return
    if await passed_to_staff(update, context, lang, message.text):
        return
    await answer_question(update, context, state, lang, message.text)


async def passed_to_staff(update: Update, context: Context, lang: Lang, text: str) -> bool:
    """While a person has the chat's case, the participant's messages go to them, not the bot."""
    chat = update.effective_chat
    assert chat is not None
    cases = services(context).cases
    case = await cases.muted_case(CHANNEL, chat.id, now(context))
    if case is None:
        return False
    await cases.add_participant_message(case.id, text, now(context))
    _ = translator(lang).gettext
    await reply(
        context,
        chat.id,
        _("I have passed your message on to the staff member who has your question."),
    )
    return True


async def answer_question(
    update: Update, context: Context, state: ConversationInfo, lang: Lang, text: str
) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    svc = services(context)
    answer = svc.answerer.answer(text, state.event, lang, now(context))
    event = svc.kb.event(answer.event) if answer.event else None
    if event is not None and state.event is None:
        await svc.conversations.update(CHANNEL, chat.id, now(context), event=event.id)
    if answer.intent in ("signup", "cancel") and not answer.escalate:
        action = begin_signup if answer.intent == "signup" else confirm_cancel
        await for_event(update, context, event, lang, action)
        return
    if answer.intent == "my-registration":  # "er jeg tilmeldt?": the chat can look it up itself
        await my_registrations(update, context)
        return
    if answer.escalate:
        await svc.cases.open(
            channel=CHANNEL,
            chat_id=chat.id,
            user_id=user.id if user else None,
            name=user.full_name if user else None,
            event=answer.event,
            question=text,
            lang=lang,
            now=now(context),
        )
    await send_answer(update, context, answer)


async def send_answer(update: Update, context: Context, answer: Answer) -> None:
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    if answer.candidates:
        events = [svc.kb.event(slug) for slug in answer.candidates]
        buttons = keyboard([(f"ev:{e.id}", e.title) for e in events if e is not None])
        await reply(context, chat.id, answer.text, buttons=buttons)
        return
    source = svc.kb.get(answer.event) if answer.event else None
    await reply(
        context,
        chat.id,
        answer.text,
        source=source.title if source and not answer.escalate else None,
    )


async def programme(update: Update, context: Context) -> None:
    """/program, /program nu, /program næste."""
    state = await conversation(update, context)
    lang = lang_of(update, state)
    if state.event is None:
        await ask_for_event(update, context, lang)
        return
    question = " ".join(["program", *(context.args or [])])
    await answer_question(update, context, state, lang, question)


# -- signup ----------------------------------------------------------------------------------


async def signup_command(update: Update, context: Context) -> None:
    """/tilmeld: start the signup dialogue for the chat's event."""
    state = await conversation(update, context)
    await for_event(
        update, context, current_event(context, state), lang_of(update, state), begin_signup
    )


async def begin_signup(update: Update, context: Context, event: Event, lang: Lang) -> None:
    chat = update.effective_chat
    assert chat is not None
    turn = await dialogue(context).start(event, lang, now(context), chat_id=chat.id)
    await show_turn(update, context, turn)


async def continue_signup(
    update: Update, context: Context, state: ConversationInfo, text: str
) -> None:
    user = update.effective_user
    saved = DialogueState.from_json(state.flow_state or {})
    event = services(context).kb.event(saved.event)
    if event is None:  # the event left the knowledge base meanwhile
        await show_turn(update, context, dialogue(context).abort(saved))
        return
    turn = await dialogue(context).reply(
        event, saved, text, now(context), telegram_id=user.id if user else None
    )
    await show_turn(update, context, turn)


async def show_turn(update: Update, context: Context, turn: Turn) -> None:
    """Save where the dialogue is, then say the next thing (with buttons and the calendar)."""
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    if turn.state is None:
        await svc.conversations.update(CHANNEL, chat.id, now(context), flow=None, flow_state=None)
    else:
        await svc.conversations.update(
            CHANNEL, chat.id, now(context), flow=SIGNUP, flow_state=turn.state.to_json()
        )
    buttons = (
        keyboard([(f"dlg:{c.value}", c.label) for c in turn.choices]) if turn.choices else None
    )
    await reply(context, chat.id, turn.text, buttons=buttons)
    if turn.message is not None and turn.message.ics:
        await context.bot.send_document(
            chat.id, turn.message.ics, filename=turn.message.ics_filename or "event.ics"
        )


async def dialogue_button(update: Update, context: Context) -> None:
    """A button in the dialogue (a session, yes/no): the same as typing its value."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await query.edit_message_reply_markup(None)  # a choice is made once
    state = await conversation(update, context)
    if state.flow != SIGNUP or not state.flow_state:
        lang = lang_of(update, state)
        chat = update.effective_chat
        assert chat is not None
        _ = translator(lang).gettext
        await reply(context, chat.id, _("That signup is over. Write /signup to start again."))
        return
    await continue_signup(update, context, state, query.data.removeprefix("dlg:"))


async def stop(update: Update, context: Context) -> None:
    """/annuller: leave the dialogue."""
    chat = update.effective_chat
    assert chat is not None
    state = await conversation(update, context)
    lang = lang_of(update, state)
    if state.flow == SIGNUP and state.flow_state:
        await show_turn(
            update, context, dialogue(context).abort(DialogueState.from_json(state.flow_state))
        )
        return
    _ = translator(lang).gettext
    await reply(context, chat.id, _("There is nothing to stop."))


# -- cancellation and my registrations -------------------------------------------------------


async def cancel_command(update: Update, context: Context) -> None:
    """/afmeld: cancel the registration for the chat's event, after a confirmation."""
    state = await conversation(update, context)
    await for_event(
        update, context, current_event(context, state), lang_of(update, state), confirm_cancel
    )


async def confirm_cancel(update: Update, context: Context, event: Event, lang: Lang) -> None:
    chat = update.effective_chat
    assert chat is not None
    _ = translator(lang).gettext
    await reply(
        context,
        chat.id,
        _("Do you want to cancel your registration for {title}?").format(title=event.title),
        buttons=keyboard(
            [(f"unreg:{event.id}", _("Yes, cancel it")), ("unreg:-", _("No, keep it"))],
            columns=2,
        ),
    )


async def cancel_button(update: Update, context: Context) -> None:
    """The answer to 'do you want to cancel?'."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and query.data is not None and chat is not None and user is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    svc = services(context)
    lang = lang_of(update, await conversation(update, context))
    _ = translator(lang).gettext
    event = svc.kb.event(query.data.removeprefix("unreg:"))
    if event is None:
        await reply(context, chat.id, _("OK, nothing has been changed."))
        return
    outbox = Outbox(svc.db, mail_from=svc.settings.mail_from)

    async def tell_by_mail(session: AsyncSession, result: Result) -> None:
        # People without Telegram get their seat by e-mail, queued with the cancellation.
        by_mail = [p for p in result.promoted if p.telegram_id is None]
        await queue_promotions(session, outbox, event, by_mail, now(context))

    result = await svc.registrations.cancel(
        event, Identity(telegram_id=user.id), channel=CHANNEL, now=now(context), also=tell_by_mail
    )
    await reply(context, chat.id, message_for(result, event, lang=lang, channel=CHANNEL).text)
    for promoted in result.promoted:
        if promoted.telegram_id is not None:
            await tell_promoted(context, event, promoted)


async def tell_promoted(context: Context, event: Event, info: RegistrationInfo) -> None:
    """Someone with Telegram got a seat from the waiting list: tell them in their own chat."""
    assert info.telegram_id is not None
    message = promotion_message(event, info, channel=CHANNEL)
    await reply(context, info.telegram_id, message.text)
    if message.ics:
        await context.bot.send_document(
            info.telegram_id, message.ics, filename=message.ics_filename or "event.ics"
        )


async def my_registrations(update: Update, context: Context) -> None:
    """/mine: the person's registrations."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = services(context)
    lang = lang_of(update, await conversation(update, context))
    infos = await svc.registrations.registrations_of(
        Identity(telegram_id=user.id), now=now(context)
    )
    await reply(context, chat.id, my_registrations_text(infos, svc.kb.event, lang))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the conversation handlers."""
    app.add_handler(CommandHandler(["program", "programme"], programme))
    app.add_handler(CommandHandler(["tilmeld", "signup"], signup_command))
    app.add_handler(CommandHandler(["afmeld", "unregister"], cancel_command))
    app.add_handler(CommandHandler(["mine", "my"], my_registrations))
    app.add_handler(CommandHandler(["annuller", "stop"], stop))
    app.add_handler(CallbackQueryHandler(dialogue_button, pattern=r"^dlg:"))
    app.add_handler(CallbackQueryHandler(cancel_button, pattern=r"^unreg:"))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, text_message)
    )
