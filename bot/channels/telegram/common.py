"""What every Telegram handler shares: the services, the clock, the person's language, replies.

Replies are HTML with every piece of user or knowledge text escaped, cut to Telegram's length,
and choices drawn as inline buttons. Nothing here decides anything; the brain does.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import ContextTypes

from bot.channels.telegram.limits import split_text
from bot.conversations import ConversationInfo
from bot.i18n import Lang, normalise_lang
from bot.registrations.identity import ChatId
from bot.services import Services

CHANNEL: Final = "telegram"
Context = ContextTypes.DEFAULT_TYPE


def chat_of(user_id: int) -> ChatId:
    """How the brain knows a Telegram user: their id (also their private chat's id)."""
    return ChatId(CHANNEL, str(user_id))


def services(context: Context) -> Services:
    result: Services = context.bot_data["services"]
    return result


def now(context: Context) -> datetime:
    clock: Callable[[], datetime] = context.bot_data["clock"]
    return clock()


def lang_of(update: Update, conversation: ConversationInfo) -> Lang:
    """The language the person chose, else their Telegram app's language, else Danish."""
    if conversation.lang:
        return normalise_lang(conversation.lang)
    user = update.effective_user
    return normalise_lang(user.language_code if user else None)


async def conversation(update: Update, context: Context) -> ConversationInfo:
    chat = update.effective_chat
    assert chat is not None  # handlers that call this are registered for chat updates only
    return await services(context).conversations.get(CHANNEL, chat.id)


def keyboard(choices: Sequence[tuple[str, str]], columns: int = 1) -> InlineKeyboardMarkup:
    """Inline buttons from (callback data, label) pairs."""
    rows = [
        [
            InlineKeyboardButton(label, callback_data=data)
            for data, label in choices[i : i + columns]
        ]
        for i in range(0, len(choices), columns)
    ]
    return InlineKeyboardMarkup(rows)


def as_html(text: str, source: str | None = None) -> str:
    """Escaped text, with the source event named in italics below it."""
    body = html.escape(text, quote=False)
    if source:
        body += f"\n\n<i>{html.escape(source, quote=False)}</i>"
    return body


async def reply(
    context: Context,
    chat_id: int,
    text: str,
    *,
    source: str | None = None,
    buttons: InlineKeyboardMarkup | None = None,
    **kwargs: Any,
) -> list[Message]:
    """Send a text to a chat, split where it is too long; buttons go with the last part."""
    return await send_html(context.bot, chat_id, text, source=source, buttons=buttons, **kwargs)


async def send_html(
    bot: Bot,
    chat_id: int | str,
    text: str,
    *,
    source: str | None = None,
    buttons: InlineKeyboardMarkup | None = None,
    **kwargs: Any,
) -> list[Message]:
    """Send a plain text as escaped HTML, split where it is too long; the messages sent.

    The plain text is split before escaping, so no cut falls inside a tag or an entity; Telegram
    counts the length after reading the HTML, which is the plain text's length. Buttons go with
    the last part. Used by handlers (through ``reply``) and by the senders outside any update.
    """
    room = MessageLimit.MAX_TEXT_LENGTH - (len(source) + 2 if source else 0)
    parts = split_text(text, limit=room)
    sent: list[Message] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                as_html(part, source if last else None),
                parse_mode=ParseMode.HTML,
                reply_markup=buttons if last else None,
                **kwargs,
            )
        )
    return sent
