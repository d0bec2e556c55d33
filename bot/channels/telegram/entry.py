"""Getting started in the chat: /start and deep links, choosing the event and the language, help.

Also the polite answers to what the bot cannot read: unknown commands, stickers, photos, voice
messages and edited messages.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

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
from bot.i18n import Lang, fmt_date, translator
from bot.knowledge.schema import Event

MAX_EVENT_BUTTONS = 8


def event_choices(context: Context, lang: Lang) -> list[tuple[str, str]]:
    """Buttons for the events: coming ones first and soonest first, then the latest past ones."""
    current = now(context)
    events = sorted(
        services(context).kb.events.values(),
        key=lambda e: (e.end < current, abs((e.start - current).total_seconds())),
    )
    return [
        (f"ev:{e.id}", f"{e.title} ({fmt_date(e.start, lang, weekday=False)})")
        for e in events[:MAX_EVENT_BUTTONS]
    ]


def help_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "Ask me about the time, place, programme or signup deadline, in your own words.\n"
        "/programme – the programme (/programme now: what is on now)\n"
        "/signup – sign up\n"
        "/unregister – cancel your registration\n"
        "/my – your registrations\n"
        "/language – Danish or English\n"
        "/start – choose another event\n"
        "If I cannot answer, I ask the secretariat, and they answer you here."
    )


def privacy_text(lang: Lang, days: int) -> str:
    """What is stored, why and for how long: short, for the first message of every chat."""
    _ = translator(lang).gettext
    return _(
        "I keep this chat's event and language, the questions I pass to the secretariat and, "
        "if you sign up, your name, e-mail, organisation and needs: to handle your registration "
        "and answer you. It is deleted {days} days after the event.\n"
        "/my_data shows it all, /delete_me deletes it."
    ).format(days=days)


async def start(update: Update, context: Context) -> None:
    """/start, optionally with an event from a deep link (t.me/<bot>?start=<event>)."""
    chat = update.effective_chat
    assert chat is not None
    state = await conversation(update, context)
    lang = lang_of(update, state)
    _ = translator(lang).gettext
    slug = context.args[0] if context.args else None
    event = services(context).kb.event(slug) if slug else None
    if event is not None:
        await services(context).conversations.update(CHANNEL, chat.id, now(context), event=event.id)
        text = _("Welcome! I can answer questions about {title}.").format(title=event.title)
        privacy = privacy_text(lang, services(context).settings.retention_days)
        await reply(context, chat.id, "\n\n".join([text, help_text(lang), privacy]))
        return
    text = _("Welcome! Which event do you want to ask about?")
    await reply(
        context,
        chat.id,
        "\n\n".join([text, privacy_text(lang, services(context).settings.retention_days)]),
        buttons=keyboard(event_choices(context, lang)),
    )


async def choose_event(update: Update, context: Context) -> None:
    """An event button: remember the event for this chat."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    slug = query.data.removeprefix("ev:")
    event = services(context).kb.event(slug)
    state = await conversation(update, context)
    lang = lang_of(update, state)
    _ = translator(lang).gettext
    await query.answer()
    if event is None:
        await reply(context, chat.id, _("I no longer know that event. Write /start to choose."))
        return
    await services(context).conversations.update(CHANNEL, chat.id, now(context), event=event.id)
    await reply(context, chat.id, chosen_text(event, lang))


def chosen_text(event: Event, lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Now we are talking about {title}. What would you like to know?").format(
        title=event.title
    )


async def language(update: Update, context: Context) -> None:
    """/sprog: offer Danish and English."""
    chat = update.effective_chat
    assert chat is not None
    lang = lang_of(update, await conversation(update, context))
    _ = translator(lang).gettext
    await reply(
        context,
        chat.id,
        _("Which language do you want?"),
        buttons=keyboard([("lang:da", "Dansk"), ("lang:en", "English")], columns=2),
    )


async def choose_language(update: Update, context: Context) -> None:
    """A language button: remember it for this person."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    lang: Lang = "en" if query.data == "lang:en" else "da"
    await query.answer()
    await services(context).conversations.update(CHANNEL, chat.id, now(context), lang=lang)
    _ = translator(lang).gettext
    text = (
        _("I will answer in English from now on.")
        if lang == "en"
        else _("I will answer in Danish from now on.")
    )
    await reply(context, chat.id, text)


async def show_help(update: Update, context: Context) -> None:
    """/hjaelp: what the bot can do."""
    chat = update.effective_chat
    assert chat is not None
    await reply(context, chat.id, help_text(lang_of(update, await conversation(update, context))))


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have."""
    chat = update.effective_chat
    assert chat is not None
    lang = lang_of(update, await conversation(update, context))
    _ = translator(lang).gettext
    await reply(context, chat.id, _("I do not know that command.") + "\n\n" + help_text(lang))


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice messages and files: ask for text instead."""
    chat = update.effective_chat
    assert chat is not None
    _ = translator(lang_of(update, await conversation(update, context))).gettext
    await reply(context, chat.id, _("I can only read text. Please write your question."))


async def edited(update: Update, context: Context) -> None:
    """An edited message: the bot answers new messages only."""
    chat = update.effective_chat
    assert chat is not None
    _ = translator(lang_of(update, await conversation(update, context))).gettext
    await reply(context, chat.id, _("I only read new messages. Please send your question again."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the entry handlers; the fallbacks are added last by ``register_fallbacks``."""
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler(["sprog", "language"], language))
    app.add_handler(CommandHandler(["hjaelp", "help"], show_help))
    app.add_handler(CallbackQueryHandler(choose_event, pattern=r"^ev:"))
    app.add_handler(CallbackQueryHandler(choose_language, pattern=r"^lang:"))


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """What no other handler took: unknown commands, non-text messages, edits."""
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, unknown_command))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, not_text))
