"""The person's own data in Telegram: ``/mine_data`` sends it, ``/slet_mig`` erases it.

Both work in a private chat only, where the chat is the person (Telegram vouches for the user
id); in a group the bot asks to be written to privately, so no one's data is shown to others.

- ``/mine_data`` (``/my_data``): the readable report as messages, and the JSON file with all of
  it as a document.
- ``/slet_mig`` (``/delete_me``): what would be deleted, and two buttons. "Yes" erases
  (``bot.privacy``) and says so; "No" changes nothing. The buttons' data names no one: only the
  person pressing them in their own chat is erased.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

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
from bot.i18n import Lang, translator
from bot.privacy.report import erase_question
from bot.privacy.service import Privacy, Who

ERASE, KEEP = "privacy:erase", "privacy:keep"


async def _private(update: Update, context: Context, lang: Lang) -> bool:
    """Whether this is the person's own chat; if not, say where to ask."""
    chat = update.effective_chat
    assert chat is not None
    if chat.type == ChatType.PRIVATE:
        return True
    _ = translator(lang).gettext
    await reply(context, chat.id, _("Please write to me in a private chat about your own data."))
    return False


async def my_data(update: Update, context: Context) -> None:
    """/mine_data: everything stored about the person, as text and as a JSON file."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    lang = lang_of(update, await conversation(update, context))
    if not await _private(update, context, lang):
        return
    export = await Privacy(services(context)).export(
        Who.of(telegram_id=user.id), lang, now(context)
    )
    await reply(context, chat.id, export.text)
    await context.bot.send_document(chat.id, export.json, filename=export.filename)


async def delete_me(update: Update, context: Context) -> None:
    """/slet_mig: what would be deleted, and a yes/no question."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    lang = lang_of(update, await conversation(update, context))
    if not await _private(update, context, lang):
        return
    data = await Privacy(services(context)).data(Who.of(telegram_id=user.id))
    _ = translator(lang).gettext
    await reply(
        context,
        chat.id,
        erase_question(data, lang),
        buttons=keyboard(
            [(ERASE, _("Yes, delete it all")), (KEEP, _("No, keep my data"))], columns=2
        ),
    )


async def erase_button(update: Update, context: Context) -> None:
    """The answer to the erasure question."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    await query.answer()
    await query.edit_message_reply_markup(None)  # answered once
    lang = lang_of(update, await conversation(update, context))  # before the chat is forgotten
    _ = translator(lang).gettext
    if query.data != ERASE or chat.type != ChatType.PRIVATE:
        await reply(context, chat.id, _("OK, nothing has been deleted."))
        return
    await Privacy(services(context)).erase(
        Who.of(telegram_id=user.id), channel=CHANNEL, now=now(context)
    )
    await reply(
        context,
        chat.id,
        _(
            "Everything I had stored about you is deleted. If you write to me again, "
            "I start afresh."
        ),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the privacy handlers (before the fallbacks)."""
    new = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler(["mine_data", "my_data"], my_data, filters=new))
    app.add_handler(CommandHandler(["slet_mig", "delete_me"], delete_me, filters=new))
    app.add_handler(CallbackQueryHandler(erase_button, pattern=r"^privacy:"))
