"""The participants' side of Telegram: every message and button to the conversation turn, and back.

Telegram is one adapter over :class:`~bot.conversations.turn.Conversation`: a text (commands
included, ``/start <event>`` from a deep link too), a pressed inline button, or something the bot
cannot read becomes an :class:`~bot.conversations.messages.Incoming`; each ``Say`` of the reply
is sent as escaped HTML with its choices as inline buttons and its attachment as a document.
The person is known by their Telegram user id, which Telegram vouches for; their own data is
shown only in a private chat. The staff chat's handlers are added before these, so staff
commands and the staff chat never reach the participants' conversation.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.channels.telegram.common import (
    CHANNEL,
    Context,
    conversation,
    keyboard,
    lang_of,
    now,
    reply,
)
from bot.conversations.messages import Incoming, Reply, Say
from bot.conversations.turn import Conversation
from bot.i18n import translator
from bot.registrations.identity import ChatId

# The buttons the conversation draws; the staff chat's have their own prefixes.
CHOICES = r"^(ev|lang|dlg|unreg|privacy|eval):"


def _turn(context: Context) -> Conversation:
    turn: Conversation = context.bot_data["conversation"]
    return turn


def _incoming(update: Update, context: Context, **what: object) -> Incoming:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None  # the handlers below are registered for chat updates only
    return Incoming(
        channel=CHANNEL,
        chat_id=str(chat.id),
        now=now(context),
        person=ChatId(CHANNEL, str(user.id)) if user else None,
        name=user.full_name if user else None,
        lang=user.language_code if user else None,
        private=chat.type == ChatType.PRIVATE,
        **what,  # type: ignore[arg-type]
    )


async def _send(update: Update, context: Context, answer: Reply) -> None:
    chat = update.effective_chat
    assert chat is not None
    for say in answer.says:
        await _send_one(context, chat.id, say)


async def _send_one(context: Context, chat_id: int, say: Say) -> None:
    buttons: InlineKeyboardMarkup | None = None
    if say.choices:
        buttons = keyboard([(c.value, c.label) for c in say.choices], columns=say.columns)
    if say.attachment is not None and say.attachment.media_type.startswith("image/"):
        # A picture (the check-in QR code) goes with its text as the caption, so the two are
        # one message in the chat.
        await context.bot.send_photo(chat_id, say.attachment.content, caption=say.text)
        return
    await reply(context, chat_id, say.text, source=say.source, buttons=buttons)
    if say.attachment is not None:
        await context.bot.send_document(
            chat_id, say.attachment.content, filename=say.attachment.filename
        )


async def text_message(update: Update, context: Context) -> None:
    """A message or a command in the chat."""
    message = update.effective_message
    assert message is not None and message.text is not None
    answer = await _turn(context).handle(_incoming(update, context, text=message.text))
    await _send(update, context, answer)


async def choice(update: Update, context: Context) -> None:
    """A button of the conversation: answered once, then handled like a typed answer."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await query.edit_message_reply_markup(None)  # a choice is made once
    answer = await _turn(context).handle(_incoming(update, context, choice=query.data))
    await _send(update, context, answer)


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice messages and files."""
    answer = await _turn(context).handle(_incoming(update, context, unreadable=True))
    await _send(update, context, answer)


async def edited(update: Update, context: Context) -> None:
    """An edited message: the bot answers new messages only (Telegram's own kind of update)."""
    chat = update.effective_chat
    assert chat is not None
    _ = translator(lang_of(update, await conversation(update, context))).gettext
    await reply(context, chat.id, _("I only read new messages. Please send your question again."))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the participants' handlers (after the staff chat's)."""
    app.bot_data["conversation"] = Conversation(app.bot_data["services"])
    new = filters.UpdateType.MESSAGE
    app.add_handler(CallbackQueryHandler(choice, pattern=CHOICES))
    app.add_handler(MessageHandler(filters.TEXT & new, text_message))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited))
    app.add_handler(MessageHandler(new & ~filters.TEXT, not_text))
