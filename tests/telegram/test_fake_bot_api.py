"""End to end over real HTTP: a python-telegram-bot Application against the fake Bot API.

The echo Application here is the smallest real bot (a /start command with a deep-link payload
and an inline keyboard, a text echo, a button handler); the tests prove the fake server is
faithful enough for PTB and that its helpers behave as the bot's own tests will rely on.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.telegram.fake_bot_api import (
    BOT_USERNAME,
    SECRET_HEADER,
    FakeBotAPI,
    run_polling,
)

App = Application[Any, Any, Any, Any, Any, Any]

# PTB 22.x warns from inside RetryAfter.__init__ itself (unless PTB_TIMEDELTA is set), so every
# 429 produces this deprecation warning whatever the caller does.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*`retry_after` will be of type:telegram.warnings.PTBDeprecationWarning"
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ja", callback_data="yes"),
                InlineKeyboardButton("Nej", callback_data="no"),
            ]
        ]
    )
    payload = " ".join(context.args or [])
    await update.effective_message.reply_text(f"start:{payload}", reply_markup=keyboard)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Tak")
    await query.edit_message_text(f"valgt: {query.data}")


def echo_app(api: FakeBotAPI, **builder: Any) -> App:
    """The echo Application; ``builder`` settings go to the ApplicationBuilder."""
    app_builder = api.application_builder()
    for name, value in builder.items():
        app_builder = getattr(app_builder, name)(value)
    app = app_builder.build()
    app.add_handler(CommandHandler("start", start))
    # PTB's MessageHandler also matches edited messages unless told not to (update.message is
    # None for those).
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, echo)
    )
    app.add_handler(CallbackQueryHandler(chosen))
    return app


# -- the echo Application over long polling ------------------------------------------------


async def test_get_me_and_polling_bootstrap(bot_api: FakeBotAPI) -> None:
    app = echo_app(bot_api)
    async with run_polling(app):
        assert app.bot.username == BOT_USERNAME
        await bot_api.wait_for_call("getUpdates")
    assert bot_api.calls("getMe")
    assert bot_api.calls("deleteWebhook")  # PTB's polling bootstrap
    long_poll = bot_api.calls("getUpdates")[0]
    assert long_poll.params["timeout"] == 10
    assert long_poll.params["offset"] == 0


async def test_start_with_deep_link_payload_reaches_handler(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        update = bot_api.send_text(42, "/start event-2025_ab")
        [reply] = await bot_api.wait_for_sent(42)
    entity = {"type": "bot_command", "offset": 0, "length": len("/start")}
    assert update["message"]["entities"] == [entity]
    assert reply.text == "start:event-2025_ab"
    assert reply.buttons == [["Ja", "Nej"]]
    assert reply.button_data("Nej") == "no"


async def test_text_is_echoed_as_a_real_message(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        update = bot_api.send_text(42, "Hvornår starter konferencen?", first_name="Søren")
        [reply] = await bot_api.wait_for_sent(42)
    assert reply.method == "sendMessage"
    assert reply.text == "Hvornår starter konferencen?"
    assert reply.message["from"]["username"] == BOT_USERNAME
    assert reply.message["chat"] == {"id": 42, "type": "private", "first_name": "Søren"}
    # user and bot share the chat's message_id sequence, as in a real chat
    assert reply.message_id == update["message"]["message_id"] + 1
    assert update["message"]["from"]["language_code"] == "da"


async def test_two_chats_interleaved_each_get_their_own_echo(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        for i in range(3):
            bot_api.send_text(1, f"a{i}")
            bot_api.send_text(2, f"b{i}")
        first = await bot_api.wait_for_sent(1, count=3)
        second = await bot_api.wait_for_sent(2, count=3)
    assert [m.text for m in first] == ["a0", "a1", "a2"]
    assert [m.text for m in second] == ["b0", "b1", "b2"]
    # all three user messages were queued before the first reply: ids 1-3, then 4-6
    assert [m.message_id for m in first] == [4, 5, 6]


async def test_button_press_is_answered_and_the_message_edited(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        bot_api.send_text(42, "/start")
        [menu] = await bot_api.wait_for_sent(42)
        update = bot_api.press_button(42, menu.message_id, menu.button_data("Ja"))
        [edit] = await bot_api.wait_for_sent(42)
    assert update["callback_query"]["message"]["reply_markup"] == menu.reply_markup
    assert (edit.method, edit.message_id, edit.text) == (
        "editMessageText",
        menu.message_id,
        "valgt: yes",
    )
    [answer] = bot_api.calls("answerCallbackQuery")
    assert answer.params == {"callback_query_id": update["callback_query"]["id"], "text": "Tak"}
    assert answer.status == 200
    assert edit.is_edit and edit.reply_markup is None and "reply_markup" not in edit.message
    with pytest.raises(LookupError):  # the edit removed the keyboard, as on Telegram
        bot_api.press_button(42, menu.message_id, "yes")


async def test_set_my_commands_per_language(bot_api: FakeBotAPI) -> None:
    app = echo_app(bot_api)
    async with app:
        await app.bot.set_my_commands([BotCommand("start", "Start samtalen")], language_code="da")
        await app.bot.set_my_commands([BotCommand("start", "Start the chat")], language_code="en")
        english = await app.bot.get_my_commands(language_code="en")
        await app.bot.set_my_commands([BotCommand("hjaelp", "Hjælp")], language_code="fr")
        await app.bot.delete_my_commands(language_code="fr")
    assert bot_api.commands() == {
        ("default", "da"): {"start": "Start samtalen"},
        ("default", "en"): {"start": "Start the chat"},
    }
    assert english == (BotCommand("start", "Start the chat"),)


async def test_429_is_returned_once_and_ptb_raises_retry_after(bot_api: FakeBotAPI) -> None:
    bot_api.fail_next("sendMessage", retry_after=3)
    app = echo_app(bot_api)
    async with app:
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(42, "hej")
        await app.bot.send_message(42, "hej")  # only the next call failed
    assert "Retry in 3" in str(caught.value)  # .retry_after warns: its type changes in PTB 23
    failed, _ = bot_api.calls("sendMessage")
    assert failed.status == 429
    assert failed.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert [m.text for m in bot_api.sent(42)] == ["hej"]


async def test_429_in_a_handler_reaches_the_error_handlers(bot_api: FakeBotAPI) -> None:
    bot_api.fail_next("sendMessage")
    async with run_polling(echo_app(bot_api), raise_errors=False) as errors:
        bot_api.send_text(42, "hej")
        await bot_api.wait_for_call("sendMessage")
        await bot_api.wait_idle()
    assert [type(e) for e in errors] == [RetryAfter]
    assert bot_api.sent() == []


async def test_rate_limiter_retries_after_429(bot_api: FakeBotAPI) -> None:
    bot_api.fail_next("sendMessage", retry_after=1)
    app = echo_app(bot_api, rate_limiter=AIORateLimiter(max_retries=1))
    async with run_polling(app):
        bot_api.send_text(42, "hej")
        [reply] = await bot_api.wait_for_sent(42, timeout=5)
    failed, succeeded = bot_api.calls("sendMessage")
    assert (failed.status, succeeded.status, reply.text) == (429, 200, "hej")
    assert succeeded.time - failed.time >= 1.0


async def test_send_document_multipart_is_recorded_and_downloadable(bot_api: FakeBotAPI) -> None:
    content = b"%PDF-1.4 program\x00\xff"
    app = echo_app(bot_api)
    async with app:
        message = await app.bot.send_document(
            42, document=content, filename="program.pdf", caption="Programmet"
        )
        assert message.document is not None and message.document.file_name == "program.pdf"
        downloaded = await (await app.bot.get_file(message.document)).download_as_bytearray()
        await app.bot.send_photo(42, photo=b"\x89PNG", caption="Foto")
    document, photo = bot_api.sent(42)
    assert (document.method, document.text) == ("sendDocument", "Programmet")
    assert document.file is not None
    assert (document.file.filename, document.file.content) == ("program.pdf", content)
    assert bot_api.calls("sendDocument")[0].params == {"chat_id": 42, "caption": "Programmet"}
    assert bytes(downloaded) == content
    assert (photo.method, photo.text) == ("sendPhoto", "Foto")
    assert photo.file is not None and photo.file.content == b"\x89PNG"


async def test_500_updates_across_20_chats_are_all_echoed(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        for i in range(500):
            bot_api.send_text(100 + i % 20, f"besked {i}")
        await bot_api.wait_for_sent(count=500, timeout=15)
        await bot_api.wait_idle(quiet=0.1)
    for chat in range(20):
        expected = [f"besked {i}" for i in range(chat, 500, 20)]
        assert [m.text for m in bot_api.sent(100 + chat)] == expected
    assert len(bot_api.sent()) == 500


# -- behaviours of the fake the bot's tests will lean on -------------------------------


async def test_stickers_photos_and_edits_are_realistic_updates(bot_api: FakeBotAPI) -> None:
    seen: list[Update] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    app = echo_app(bot_api)
    app.add_handler(MessageHandler(~filters.TEXT, record), group=1)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, record), group=2)
    async with run_polling(app):
        bot_api.send_sticker(42, "🎉")
        bot_api.send_photo(42, b"jpeg-bytes", caption="mit billede")
        original = bot_api.send_text(42, "hej", deliver=False)  # built, never delivered
        bot_api.edit_text(42, original["message"]["message_id"], "hej igen")
        await bot_api.wait_idle()
        photo = seen[1].message.photo[-1] if seen[1].message else None
        assert photo is not None
        photo_bytes = await (await photo.get_file()).download_as_bytearray()
    assert bot_api.sent() == []  # neither sticker, photo nor edit got an echo
    assert seen[0].message is not None and seen[0].message.sticker is not None
    assert seen[0].message.sticker.emoji == "🎉"
    assert bytes(photo_bytes) == b"jpeg-bytes"
    assert seen[2].edited_message is not None and seen[2].edited_message.text == "hej igen"


async def test_group_chat_command_with_bot_mention(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        update = bot_api.send_text(-100123, f"/start@{BOT_USERNAME} x")
        [reply] = await bot_api.wait_for_sent(-100123)
    message = update["message"]
    assert message["chat"]["type"] == "supergroup" and message["from"]["id"] == 1000
    assert message["entities"][0]["length"] == len(f"/start@{BOT_USERNAME}")
    assert reply.text == "start:x"


async def test_get_updates_is_real_long_polling(bot_api: FakeBotAPI) -> None:
    url = f"{bot_api.base_url}{bot_api.token}/getUpdates"
    async with aiohttp.ClientSession() as http:

        async def get_updates(**params: Any) -> list[dict[str, Any]]:
            async with http.post(url, json=params) as response:
                body = await response.json()
                assert body["ok"] is True
                return list(body["result"])

        began = time.monotonic()
        assert await get_updates(timeout=0.3) == []
        assert time.monotonic() - began >= 0.3
        poll = asyncio.create_task(get_updates(timeout=5))
        await bot_api.wait_for_call("getUpdates", count=2)  # the poll is waiting
        first = bot_api.send_text(1, "a")
        began = time.monotonic()
        [got] = await poll
        assert got == first and time.monotonic() - began < 1
        second = bot_api.send_text(1, "b")
        third = bot_api.inject({"message_reaction": {"chat": {"id": 1, "type": "private"}}})
        assert [u["update_id"] for u in await get_updates()] == [
            got["update_id"],
            second["update_id"],
        ]
        assert await get_updates(offset=got["update_id"] + 1, limit=1) == [second]
        # confirmed updates are gone; reactions are only sent when asked for
        assert await get_updates(offset=got["update_id"] + 1) == [second]
        assert await get_updates(allowed_updates=["message_reaction"]) == [third]
        assert await get_updates(offset=third["update_id"] + 1) == []


async def test_polling_survives_a_failed_get_updates(bot_api: FakeBotAPI) -> None:
    async with run_polling(echo_app(bot_api)):
        await bot_api.wait_for_call("getUpdates")
        bot_api.fail_next("getUpdates", 502)  # the poll after the one now waiting
        bot_api.send_text(1, "a")
        await bot_api.wait_for_call("getUpdates", predicate=lambda c: c.status == 502)
        bot_api.send_text(1, "b")  # PTB pauses 1 s after a network error, then polls again
        replies = await bot_api.wait_for_sent(1, count=2)
        await bot_api.wait_idle(quiet=0.1)
    assert [m.text for m in bot_api.sent(1)] == [m.text for m in replies] == ["a", "b"]


async def test_a_second_get_updates_ends_the_first_with_409(bot_api: FakeBotAPI) -> None:
    # Two bots on one token, as when a second instance is started by mistake. (One PTB Bot
    # cannot overlap getUpdates calls: its get_updates connection pool has size 1.)
    async with echo_app(bot_api) as first_app, echo_app(bot_api) as second_app:
        first = asyncio.create_task(first_app.bot.get_updates(timeout=5))
        await bot_api.wait_for_call("getUpdates")
        assert await second_app.bot.get_updates(timeout=0) == ()
        with pytest.raises(Conflict):
            await first


async def test_unknown_method_and_token_get_telegram_errors(bot_api: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{bot_api.base_url}{bot_api.token}/sendTelepathy") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.get(f"{bot_api.base_url}{bot_api.token}/GETME") as response:
            assert (await response.json())["result"]["username"] == BOT_USERNAME
        async with http.post(f"{bot_api.base_url}1:wrong/getMe") as response:
            assert response.status == 401


async def test_telegram_rejections_reach_ptb_as_bad_request(bot_api: FakeBotAPI) -> None:
    app = echo_app(bot_api)
    async with app:
        message = await app.bot.send_message(42, "<b>Program</b>", parse_mode="HTML")
        # PTB strips "Bad Request: " and capitalises the rest.
        with pytest.raises(BadRequest, match="Message is not modified"):
            await app.bot.edit_message_text(
                "<b>Program</b>", 42, message.message_id, parse_mode="HTML"
            )
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await app.bot.send_message(42, "Navn: <Søren>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="reserved"):
            await app.bot.send_message(42, "Kl. 10.00!", parse_mode="MarkdownV2")
        await app.bot.send_message(
            42, r"*Kl\. 10\.00* [link](https://x.dk/a_b)", parse_mode="MarkdownV2"
        )
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
            await app.bot.send_message(42, "for lang", reply_markup=markup)
        with pytest.raises(BadRequest, match="too long"):
            await app.bot.send_message(42, "x" * 4097)
        bot_api.block(43)
        with pytest.raises(Forbidden, match="blocked"):
            await app.bot.send_message(43, "hej")
    assert [m.text for m in bot_api.sent()] == [
        "<b>Program</b>",
        r"*Kl\. 10\.00* [link](https://x.dk/a_b)",
    ]


async def test_dropped_and_hanging_calls_become_network_errors(bot_api: FakeBotAPI) -> None:
    app = echo_app(bot_api, read_timeout=0.3)
    async with app:
        bot_api.drop_next("sendMessage")
        with pytest.raises(NetworkError):
            await app.bot.send_message(42, "tabt")
        bot_api.hang_next("sendMessage")
        with pytest.raises(TimedOut):
            await app.bot.send_message(42, "hænger")
        bot_api.drop_next("sendMessage", after_processing=True)
        with pytest.raises(NetworkError):
            await app.bot.send_message(42, "sendt, men svaret gik tabt")
        bot_api.hang_next("sendMessage", seconds=0.1)
        await app.bot.send_message(42, "langsom")
    assert [m.text for m in bot_api.sent(42)] == ["sendt, men svaret gik tabt", "langsom"]


async def test_rate_log_measures_messages_per_chat(bot_api: FakeBotAPI) -> None:
    app = echo_app(bot_api)
    async with app:
        for text in ("a", "b"):
            await app.bot.send_chat_action(42, "typing")  # recorded, but not a message
            await app.bot.send_message(42, text)
        await app.bot.send_message(43, "c")
    assert len(bot_api.rate_log[42]) == 2
    assert bot_api.max_per_window(42, window=1.0) == 2
    assert bot_api.max_per_window(43) == 1
    assert bot_api.max_per_window() == 3
    assert [c.params["action"] for c in bot_api.calls("sendChatAction")] == ["typing"] * 2


async def test_wait_for_sent_times_out_with_what_went_wrong(bot_api: FakeBotAPI) -> None:
    bot_api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    async with run_polling(echo_app(bot_api), raise_errors=False):
        bot_api.send_text(42, "hej")
        with pytest.raises(AssertionError, match="chat not found"):
            await bot_api.wait_for_sent(42, timeout=0.5)


async def test_webhook_mode_pushes_updates_with_the_secret(bot_api: FakeBotAPI) -> None:
    app = echo_app(bot_api)
    headers: list[str | None] = []

    async def webhook(request: web.Request) -> web.Response:
        secret = request.headers.get(SECRET_HEADER)
        headers.append(secret)
        if secret != "s3cret":
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    server = web.Application()
    server.router.add_post("/hook", webhook)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with app:
            await app.start()
            await app.bot.set_webhook(url, secret_token="s3cret")
            bot_api.send_text(42, "via webhook")
            [reply] = await bot_api.wait_for_sent(42)
            stray = bot_api.send_text(42, "forfalsket", deliver=False)
            assert await bot_api.post_update_to(url, stray, secret_token="forkert") == 403
            info = await app.bot.get_webhook_info()
            with pytest.raises(Conflict):
                await app.bot.get_updates()
            await app.bot.delete_webhook()
            await app.stop()
    finally:
        await runner.cleanup()
    assert reply.text == "via webhook"
    assert headers == ["s3cret", "forkert"]
    assert info.url == url and info.pending_update_count == 0


async def test_chat_members_forged_buttons_and_long_button_answers(bot_api: FakeBotAPI) -> None:
    from telegram import ChatMemberAdministrator, ChatMemberLeft, ChatMemberMember

    bot_api.set_member(-1001, 7, "member")
    bot_api.set_member(-1001, 8, "administrator")
    app = echo_app(bot_api)
    async with app:
        assert isinstance(await app.bot.get_chat_member(-1001, 7), ChatMemberMember)
        assert isinstance(await app.bot.get_chat_member(-1001, 8), ChatMemberAdministrator)
        assert isinstance(await app.bot.get_chat_member(-1001, 9), ChatMemberLeft)
        menu = await app.bot.send_message(42, "menu")
        with pytest.raises(LookupError):  # no such button
            bot_api.press_button(42, menu.message_id, "case:take:1")
        update = bot_api.press_button(42, menu.message_id, "case:take:1", forged=True)
        query_id = update["callback_query"]["id"]
        assert update["callback_query"]["data"] == "case:take:1"
        with pytest.raises(BadRequest, match="Message_too_long"):
            await app.bot.answer_callback_query(query_id, "x" * 201)
        assert await app.bot.answer_callback_query(query_id, "x" * 200)
