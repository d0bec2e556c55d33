"""A local fake of the Telegram Bot API, for end-to-end tests of the bot over real HTTP.

Telegram cannot be reached from tests, so this is the one fake in the stack: an aiohttp server
on 127.0.0.1 that speaks the Bot API wire protocol (``POST {base_url}{token}/{method}`` with
form, multipart or JSON bodies, answered with ``{"ok": true, "result": ...}``). A real
python-telegram-bot ``Application`` runs against it unchanged, by long polling or by webhook.

Use the ``bot_api`` fixture from ``tests/telegram/conftest.py`` (a fresh server per test) and
``run_polling``, which drives the Application as ``app.run_polling()`` would and re-raises
exceptions from its handlers at the end::

    async def test_echo(bot_api: FakeBotAPI) -> None:
        app = bot_api.application_builder().build()
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, echo))
        async with run_polling(app):
            bot_api.send_text(42, "hej")               # a user writes to the bot
            [reply] = await bot_api.wait_for_sent(42)  # the bot's answer, once it is sent
        assert reply.text == "hej"

* Inject: ``send_text``, ``press_button``, ``send_photo``, ``send_document``, ``send_sticker``,
  ``edit_text``, ``inject``. Each returns the update dict; update_ids and the per-chat
  message_ids (shared by user and bot, as in a real chat) increase. Negative chat ids are groups
  (supergroups from -100...), where messages come from ``GROUP_USER_ID`` unless a user_id is
  given; ``send_text(reply_to_message_id=...)`` makes a reply carrying the original message;
  ``press_button(forged=True)`` sends callback data the message does not offer, as a modified
  client can.
* Chat members: ``set_member(chat_id, user_id, status)``; ``getChatMember`` answers it, and
  "left" for anyone else.
* Inspect: ``sent()``, ``calls()``, ``commands()``, ``rate_log``, ``max_per_window()``.
* Wait: ``wait_for_sent()`` works like a per-chat mailbox (each call returns only messages no
  earlier call for that chat returned), ``wait_for_call()``, ``wait_idle()``.
* Faults: ``fail_next()``, ``hang_next()``, ``drop_next()``, ``block()``.
* Webhook mode: after ``setWebhook`` injected updates are POSTed to that URL (http allowed)
  with the secret-token header; ``post_update_to()`` posts any update by hand.
* Files: uploads get file_ids; ``getFile`` and downloads from ``base_file_url`` work.

Where Telegram's behaviour commonly bites bots, the fake follows it instead of being lenient:
getUpdates forgets updates only once ``offset`` confirms them, a second getUpdates ends the first
with 409, an edit to identical content is "message is not modified", editing text without
``reply_markup`` removes the inline keyboard, a callback query can be answered once, and
callback_data over 64 bytes, texts over 4096 characters, a callback answer over 200 characters
and (approximately checked) malformed HTML/MarkdownV2 are rejected with 400. Sending to an
unknown numeric chat is allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import re
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Literal

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext
    from telegram.ext._applicationbuilder import InitApplicationBuilder

JSON = dict[str, Any]
ChatId = int | str
Files = dict[str, "UploadedFile"]
CustomMethod = Callable[[JSON], Any]

TOKEN = "123456789:AAFakeTokenForDeltagerbotTests-0123456789"
BOT_USERNAME = "deltagerbot_test_bot"
BOT_FIRST_NAME = "Deltagerbot"
DEFAULT_FIRST_NAME = "Mette"
DEFAULT_LANGUAGE = "da"
GROUP_USER_ID = 1000  # sender of injected group messages unless a user_id is given
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Update types Telegram only sends when listed in allowed_updates explicitly.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# PTB form-encodes str values raw and everything else as JSON, so "42" may be a text or a
# number: parameters that are strings in the Bot API are never JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "url", "secret_token",
        "ip_address", "language_code", "inline_message_id", "action", "business_connection_id",
        "message_effect_id", "name", "description", "short_description", "title", "emoji",
        "file_id", "document", "photo", "audio", "video", "voice", "animation", "sticker",
        "thumbnail", "query", "payload", "currency", "start_parameter",
    }
)  # fmt: skip

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "tg-emoji", "code", "pre", "blockquote", "tg-time",
    }
)  # fmt: skip
_HTML_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")


class BotAPIError(Exception):
    """A Bot API error answer; raise it from a method given to ``FakeBotAPI.register``."""

    def __init__(self, error_code: int, description: str, parameters: JSON | None = None):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """Telegram's error body."""
        body: JSON = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot sent: uploaded by multipart, or referenced by file_id or URL."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One request to the Bot API as received; status/response are set once it is answered."""

    method: str
    params: JSON
    files: Files
    time: float
    status: int | None = None
    response: JSON | None = None


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent or edited (text is the caption for media)."""

    method: str
    chat_id: ChatId
    message_id: int
    text: str | None
    reply_markup: JSON | None
    message: JSON
    params: JSON
    file: UploadedFile | None
    time: float

    @property
    def is_edit(self) -> bool:
        """Whether this records an edit of an earlier message."""
        return self.method.startswith("edit")

    @property
    def buttons(self) -> list[list[str]]:
        """Button labels by row, of an inline or a reply keyboard."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]

    def button_data(self, label: str) -> str:
        """The callback_data of the inline button labelled ``label``."""
        for row in (self.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text") == label and "callback_data" in button:
                    return str(button["callback_data"])
        raise LookupError(
            f"no inline button {label!r} on message {self.message_id}: {self.buttons}"
        )


@dataclass
class _Fault:
    kind: Literal["error", "hang", "drop"]
    after_processing: bool
    error: BotAPIError | None = None
    seconds: float | None = None


class _Signal:
    """Wakes every waiter whenever anything changes; firing needs no await, unlike a Condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float | None) -> None:
        """Wait for the next fire, at most ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)

    async def wait_until(self, predicate: Callable[[], bool], seconds: float | None) -> bool:
        """Wait until ``predicate()`` holds; False if it still does not after ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    event = self._event  # taken before the check, so no fire is missed
                    if predicate():
                        return True
                    await event.wait()
        except TimeoutError:
            return predicate()


def _chat_key(value: Any) -> ChatId:
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _decode_value(key: str, raw: str) -> Any:
    if key in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # e.g. chat_id "@channel" or action "typing"


def _update_type(update: JSON) -> str:
    return next((key for key in update if key != "update_id"), "")


def _default_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _html_problem(text: str) -> str | None:
    """Why Telegram would reject ``text`` as HTML, approximately; None if it looks fine."""
    stack: list[str] = []
    position = 0
    while (start := text.find("<", position)) >= 0:
        match = _HTML_TAG_RE.match(text, start)
        if match is None:
            return f'Unsupported start tag "" at byte offset {_byte_offset(text, start)}'
        closing, name = match.group(1), match.group(2).lower()
        if name not in _HTML_TAGS:
            return f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, start)}'
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            return f"Unexpected end tag at byte offset {_byte_offset(text, start)}"
        else:
            stack.pop()
        position = match.end()
    return f'Can\'t find end tag corresponding to start tag "{stack[-1]}"' if stack else None


def _find_unescaped(text: str, token: str, start: int) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif text.startswith(token, index):
            return index
        else:
            index += 1
    return -1


def _at_line_start(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] == "\n"


def _markdown_v2_problem(text: str) -> str | None:
    """Why Telegram would reject ``text`` as MarkdownV2, approximately; None if it looks fine."""
    markers = dict.fromkeys("*_~|", 0)
    link_start: int | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            fence = "```" if text.startswith("```", index) else "`"
            end = _find_unescaped(text, fence, index + len(fence))
            if end < 0:
                kind = "Pre" if fence == "```" else "Code"
                return f"Can't find end of {kind} entity at byte offset {_byte_offset(text, index)}"
            index = end + len(fence)
            continue
        if char in markers:
            markers[char] += 1
        elif char == "[" and link_start is None:
            link_start = index
        elif char == "]" and link_start is not None:
            link_start = None
            if text.startswith("(", index + 1):
                end = _find_unescaped(text, ")", index + 2)
                if end < 0:
                    return f"Can't find end of a URL at byte offset {_byte_offset(text, index)}"
                index = end + 1
                continue
        elif char == ">" and _at_line_start(
            text, index - 2 if text[index - 2 : index] == "**" else index
        ):
            pass  # block quotation; "**>" starts an expandable one
        elif char == "!" and text.startswith("[", index + 1):
            pass  # custom emoji
        elif char in "[]()>#+-={}.!":
            return f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        index += 1
    if link_start is not None:
        return f"Can't find end of text URL entity at byte offset {_byte_offset(text, link_start)}"
    for marker, count in markers.items():
        if count % 2:
            return f"Can't find end of the entity marked with '{marker}'"
    return None


def _default_description(error_code: int, retry_after: int) -> str:
    known = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        409: "Conflict: terminated by other getUpdates request",
        429: f"Too Many Requests: retry after {retry_after}",
        502: "Bad Gateway",
    }
    with contextlib.suppress(ValueError):
        return known.get(error_code) or HTTPStatus(error_code).phrase
    return "Error"


async def _post_json(
    session: aiohttp.ClientSession, url: str, update: JSON, secret_token: str | None
) -> int:
    headers = {SECRET_HEADER: secret_token} if secret_token else {}
    async with session.post(url, json=update, headers=headers) as response:
        await response.read()
        return response.status


async def post_update_to(url: str, update: JSON, secret_token: str | None = None) -> int:
    """POST ``update`` to a bot's webhook as Telegram does; returns the HTTP status."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        return await _post_json(session, url, update, secret_token)


class FakeBotAPI:
    """The fake Bot API server plus the injection, inspection, waiting and fault helpers."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        username: str = BOT_USERNAME,
        first_name: str = BOT_FIRST_NAME,
        validate_formatting: bool = True,
    ) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.validate_formatting = validate_formatting
        self.host = "127.0.0.1"
        self.port = 0
        # time.monotonic() of every new message the bot sent (any send* method), per chat.
        self.rate_log: dict[ChatId, list[float]] = {}
        self._calls: list[Call] = []
        self._sent: list[SentMessage] = []
        self._cursors: dict[ChatId | None, int] = {}
        self._updates: list[JSON] = []  # queued and not yet confirmed (or pushed to a webhook)
        self._last_update_id = 10_000
        self._allowed: frozenset[str] | None = None  # None: Telegram's default set
        self._poll_generation = 0
        self._chats: dict[ChatId, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._members: dict[tuple[ChatId, int], str] = {}
        self._messages: dict[tuple[ChatId, int], JSON] = {}
        self._bot_messages: set[tuple[ChatId, int]] = set()
        self._last_message_id: dict[ChatId, int] = {}
        self._open_queries: set[str] = set()
        self._last_query_id = 4_100_000_000
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._files: dict[str, tuple[str, UploadedFile]] = {}  # file_id -> (file_path, file)
        self._faults: dict[str, deque[_Fault]] = {}
        self._blocked: set[ChatId] = set()
        self._custom: dict[str, tuple[str, CustomMethod]] = {}
        self._webhook: JSON | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._signal = _Signal()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        methods: list[tuple[str, Callable[[JSON, Files], Awaitable[Any]]]] = [
            ("getMe", self._get_me),
            ("getUpdates", self._get_updates),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("getChatMember", self._get_chat_member),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendChatAction", self._send_chat_action),
            ("getFile", self._get_file),
            ("close", self._ok),
            ("logOut", self._ok),
        ]
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, method) for name, method in methods}

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass to ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to ``ApplicationBuilder.base_file_url``."""
        return f"{self.url}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Serve on ``host``; port 0 picks a free port (see ``self.port``)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation: a long poll the client gave up on must not linger.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((host, port))
        self.host, self.port = host, sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """End pending long polls and hangs, stop webhook pushing and the server."""
        self._closing.set()
        self._signal.fire()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def application_builder(self) -> InitApplicationBuilder:
        """A PTB ApplicationBuilder with this server's token and URLs set."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # -- HTTP plumbing ---------------------------------------------------------------------

    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._signal.fire()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["method"]
        name, method = self._methods.get(raw.lower(), (raw, None))
        name, custom = self._custom.get(raw.lower(), (name, None))
        try:
            params, files = await self._read_params(request)
            unreadable = False
        except ValueError:  # malformed JSON body
            params, files, unreadable = {}, {}, True
        call = Call(name, params, files, time.monotonic())
        self._calls.append(call)
        polling = name == "getUpdates"
        if not polling:  # a pending long poll is not the bot being busy
            self._inflight += 1
        self._touch()
        try:
            if request.match_info["token"] != self.token:
                return self._reply(call, BotAPIError(401, "Unauthorized"))
            if unreadable:
                return self._reply(call, BotAPIError(400, "Bad Request: can't parse JSON"))
            fault = self._take_fault(name)
            if fault is not None and not fault.after_processing:
                if fault.error is not None:
                    return self._reply(call, fault.error)
                if not await self._stall(request, fault):
                    return web.Response()
            try:
                if custom is not None:
                    result = custom(params)
                    if inspect.isawaitable(result):
                        result = await result
                elif method is not None:
                    result = await method(params, files)
                else:
                    raise BotAPIError(404, "Not Found: method not found")
            except BotAPIError as error:
                return self._reply(call, error)
            if fault is not None and fault.after_processing:
                if fault.error is not None:
                    return self._reply(call, fault.error)
                if not await self._stall(request, fault):
                    return web.Response()
            return self._reply(call, result)
        finally:
            if not polling:
                self._inflight -= 1
            self._touch()

    async def _read_params(self, request: web.Request) -> tuple[JSON, Files]:
        params: JSON = {key: _decode_value(key, value) for key, value in request.query.items()}
        files: Files = {}
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    files[key] = UploadedFile(key, value.filename, content, value.content_type)
                else:
                    text = value if isinstance(value, str) else bytes(value).decode()
                    params[key] = _decode_value(key, text)
        return params, files

    def _reply(self, call: Call, outcome: Any) -> web.Response:
        if isinstance(outcome, BotAPIError):
            body, status = outcome.payload(), outcome.error_code
        else:
            body, status = {"ok": True, "result": outcome}, 200
        call.status, call.response = status, body
        return web.json_response(body, status=status)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        return queue.popleft() if queue else None

    async def _stall(self, request: web.Request, fault: _Fault) -> bool:
        """Hang and/or drop the connection; True if the request should still be answered."""
        if fault.kind == "hang":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.seconds)
            if fault.seconds is not None and not self._closing.is_set():
                return True
        if request.transport is not None:
            request.transport.close()  # the client sees "Server disconnected"
        return False

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(BotAPIError(401, "Unauthorized").payload(), status=401)
        path = request.match_info["path"]
        for file_path, file in self._files.values():
            if file_path == path:
                return web.Response(body=file.content, content_type=file.content_type)
        return web.json_response(BotAPIError(404, "Not Found").payload(), status=404)

    # -- Bot API methods -------------------------------------------------------------------

    async def _ok(self, params: JSON, files: Files) -> bool:
        return True

    async def _get_me(self, params: JSON, files: Files) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _is_allowed(self, update: JSON) -> bool:
        kind = _update_type(update)
        return kind in self._allowed if self._allowed is not None else kind not in _OPT_IN_UPDATES

    def _deliverable(self) -> list[JSON]:
        return [update for update in self._updates if self._is_allowed(update)]

    async def _get_updates(self, params: JSON, files: Files) -> list[JSON]:
        if self._webhook is not None:
            raise BotAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if "allowed_updates" in params:  # omitted: keep the previous setting, as Telegram does
            self._allowed = frozenset(params["allowed_updates"] or ()) or None
        if offset > 0:  # confirms every update before it
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._signal.fire()  # an older long poll now ends with 409, as on Telegram

        def ready() -> bool:
            superseded = generation != self._poll_generation
            return superseded or self._closing.is_set() or bool(self._deliverable())

        await self._signal.wait_until(ready, timeout)
        if generation != self._poll_generation:
            raise BotAPIError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return self._deliverable()[:limit]

    async def _set_webhook(self, params: JSON, files: Files) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params, files)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self._allowed = frozenset(params["allowed_updates"] or ()) or None
        self._webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "max_connections": int(params.get("max_connections") or 40),
        }
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._push_updates())
        self._signal.fire()
        return True

    async def _delete_webhook(self, params: JSON, files: Files) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = None
        self._signal.fire()  # the push task sees it and ends
        return True

    async def _get_webhook_info(self, params: JSON, files: Files) -> JSON:
        hook = self._webhook or {}
        info: JSON = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._deliverable()),
        }
        if hook:
            info["max_connections"] = hook["max_connections"]
            info.update(
                {k: hook[k] for k in ("last_error_date", "last_error_message") if k in hook}
            )
            if self._allowed is not None:
                info["allowed_updates"] = sorted(self._allowed)
        return info

    async def _push_updates(self) -> None:
        """Deliver queued updates to the webhook in order, retrying failed ones."""

        def work() -> bool:
            return self._webhook is None or self._closing.is_set() or bool(self._updates)

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while True:
                await self._signal.wait_until(work, None)
                hook = self._webhook
                if hook is None or self._closing.is_set():
                    return
                update = self._updates[0]
                if not self._is_allowed(update):
                    self._updates.pop(0)
                    continue
                error: str | None = None
                self._inflight += 1
                try:
                    status = await _post_json(session, hook["url"], update, hook["secret_token"])
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc!r}"
                finally:
                    self._inflight -= 1
                    self._touch()
                if error is None:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                    continue
                hook["last_error_date"], hook["last_error_message"] = int(time.time()), error
                with contextlib.suppress(TimeoutError):  # Telegram retries later, too
                    await asyncio.wait_for(self._closing.wait(), 0.2)

    def _target_chat(self, params: JSON) -> JSON:
        if params.get("chat_id") in (None, ""):
            raise BotAPIError(400, "Bad Request: chat_id is empty")
        key = _chat_key(params["chat_id"])
        if key in self._blocked:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")
        chat = self._chats.get(key)
        if chat is not None:
            return chat
        if isinstance(key, str):
            raise BotAPIError(400, "Bad Request: chat not found")
        return self._chat(key, None, None)

    def _check_formatting(self, text: str, parse_mode: Any) -> None:
        if not self.validate_formatting or not parse_mode:
            return
        mode = str(parse_mode).lower()
        problem = (
            _html_problem(text)
            if mode == "html"
            else _markdown_v2_problem(text)
            if mode == "markdownv2"
            else None
        )
        if problem:
            raise BotAPIError(400, f"Bad Request: can't parse entities: {problem}")

    def _checked_markup(self, params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BotAPIError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _new_message(self, chat: JSON, sender: JSON, content: JSON) -> JSON:
        key = chat["id"]
        message_id = self._last_message_id.get(key, 0) + 1
        self._last_message_id[key] = message_id
        message: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": dict(chat),
            "from": dict(sender),
            **content,
        }
        self._messages[(key, message_id)] = message
        return message

    def _bot_message(self, chat: JSON, params: JSON, content: JSON) -> JSON:
        markup = self._checked_markup(params)
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup  # Telegram echoes only inline keyboards
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_to is not None:
            original = self._messages.get((chat["id"], int(reply_to)))
            if original is not None:
                content["reply_to_message"] = {
                    k: v for k, v in original.items() if k != "reply_to_message"
                }
            elif not (
                reply.get("allow_sending_without_reply")
                or params.get("allow_sending_without_reply")
            ):
                raise BotAPIError(400, "Bad Request: message to be replied not found")
        message = self._new_message(chat, self.bot_user, content)
        self._bot_messages.add((chat["id"], message["message_id"]))
        self.rate_log.setdefault(chat["id"], []).append(time.monotonic())
        return message

    def _record_sent(
        self, method: str, message: JSON, params: JSON, file: UploadedFile | None = None
    ) -> None:
        self._sent.append(
            SentMessage(
                method=method,
                chat_id=message["chat"]["id"],
                message_id=message["message_id"],
                text=message.get("text", message.get("caption")),
                reply_markup=params.get("reply_markup"),
                message=message,
                params=params,
                file=file,
                time=time.monotonic(),
            )
        )
        self._touch()

    async def _send_message(self, params: JSON, files: Files) -> JSON:
        chat = self._target_chat(params)
        text = "" if params.get("text") is None else str(params["text"])
        if not text.strip():
            raise BotAPIError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise BotAPIError(400, "Bad Request: message is too long")
        self._check_formatting(text, params.get("parse_mode"))
        message = self._bot_message(chat, params, {"text": text})
        self._record_sent("sendMessage", message, params)
        return message

    def _editable(self, params: JSON) -> tuple[ChatId, int, JSON]:
        if params.get("inline_message_id"):
            raise BotAPIError(400, "Bad Request: inline messages are not supported by the fake")
        key = (_chat_key(params.get("chat_id")), int(params.get("message_id") or 0))
        message = self._messages.get(key)
        if message is None:
            raise BotAPIError(400, "Bad Request: message to edit not found")
        if key not in self._bot_messages:
            raise BotAPIError(400, "Bad Request: message can't be edited")
        return key[0], key[1], message

    def _store_edit(self, method: str, params: JSON, message: JSON) -> JSON:
        # Stored messages are replaced, never mutated: earlier updates and records stay as sent.
        key = (message["chat"]["id"], message["message_id"])
        message["edit_date"] = int(time.time())
        self._messages[key] = message
        self._record_sent(method, message, params)
        return message

    async def _edit_message_text(self, params: JSON, files: Files) -> JSON:
        _, _, old = self._editable(params)
        if "text" not in old:
            raise BotAPIError(400, "Bad Request: there is no text in the message to edit")
        text = "" if params.get("text") is None else str(params["text"])
        if not text.strip():
            raise BotAPIError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise BotAPIError(400, "Bad Request: message is too long")
        self._check_formatting(text, params.get("parse_mode"))
        markup = self._checked_markup(params)
        if text == old["text"] and markup == old.get("reply_markup"):
            raise BotAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        # Telegram drops the inline keyboard when an edit does not repeat it.
        new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        new["text"] = text
        if markup is not None:
            new["reply_markup"] = markup
        return self._store_edit("editMessageText", params, new)

    async def _edit_message_reply_markup(self, params: JSON, files: Files) -> JSON:
        _, _, old = self._editable(params)
        markup = self._checked_markup(params)
        if markup == old.get("reply_markup"):
            raise BotAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        if markup is not None:
            new["reply_markup"] = markup
        return self._store_edit("editMessageReplyMarkup", params, new)

    async def _delete_message(self, params: JSON, files: Files) -> bool:
        key = (_chat_key(params.get("chat_id")), int(params.get("message_id") or 0))
        if self._messages.pop(key, None) is None:
            raise BotAPIError(400, "Bad Request: message to delete not found")
        self._bot_messages.discard(key)
        return True

    async def _answer_callback_query(self, params: JSON, files: Files) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise BotAPIError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text") or "")) > 200:
            raise BotAPIError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    async def _get_chat_member(self, params: JSON, files: Files) -> JSON:
        chat = self._target_chat(params)
        user_id = int(params.get("user_id") or 0)
        user = self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "?"}
        status = self._members.get((chat["id"], user_id), "left")
        member: JSON = {"status": status, "user": dict(user)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                dict.fromkeys(
                    (
                        "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                        "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                        "can_change_info", "can_invite_users", "can_post_stories",
                        "can_edit_stories", "can_delete_stories",
                    ),
                    False,
                )
            )  # fmt: skip
        elif status == "kicked":
            member["until_date"] = 0
        return member

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not isinstance(scope, dict):
            return "default"
        parts = [str(scope.get("type", "default"))]
        parts += [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
        return ":".join(parts)

    async def _set_my_commands(self, params: JSON, files: Files) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotAPIError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            if not _BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands[key] = [dict(command) for command in commands]
        return True

    async def _get_my_commands(self, params: JSON, files: Files) -> list[JSON]:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return self._commands.get(key, [])

    async def _delete_my_commands(self, params: JSON, files: Files) -> bool:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    async def _send_chat_action(self, params: JSON, files: Files) -> bool:
        self._target_chat(params)
        return True

    def _store_file(self, file: UploadedFile, folder: str, prefix: str) -> tuple[str, str]:
        number = len(self._files) + 1
        file_id = f"{prefix}{number:06d}-fake"
        self._files[file_id] = (f"{folder}/file_{number}", file)
        return file_id, f"uniq{number:06d}"

    def _outgoing_file(self, field: str, params: JSON, files: Files) -> UploadedFile:
        if field in files:
            return files[field]
        reference = str(params.get(field) or "")
        if reference.startswith("attach://") and reference[9:] in files:
            return files[reference[9:]]
        if reference in self._files:
            return self._files[reference][1]
        if reference.startswith(("http://", "https://")):
            name = reference.rsplit("/", 1)[-1] or field
            return UploadedFile(field, name, b"", "application/octet-stream")
        raise BotAPIError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _caption(self, params: JSON) -> JSON:
        if params.get("caption") is None:
            return {}
        caption = str(params["caption"])
        if len(caption) > 1024:
            raise BotAPIError(400, "Bad Request: message caption is too long")
        self._check_formatting(caption, params.get("parse_mode"))
        return {"caption": caption}

    async def _send_document(self, params: JSON, files: Files) -> JSON:
        chat = self._target_chat(params)
        file = self._outgoing_file("document", params, files)
        file_id, unique_id = self._store_file(file, "documents", "BQACAgQAAxkD")
        document = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": file.filename,
            "mime_type": file.content_type,
            "file_size": len(file.content),
        }
        content = {"document": document, **self._caption(params)}
        message = self._bot_message(chat, params, content)
        self._record_sent("sendDocument", message, params, file)
        return message

    async def _send_photo(self, params: JSON, files: Files) -> JSON:
        chat = self._target_chat(params)
        file = self._outgoing_file("photo", params, files)
        file_id, unique_id = self._store_file(file, "photos", "AgACAgQAAxkD")
        size = {"file_id": file_id, "file_unique_id": unique_id, "width": 800, "height": 600}
        content = {"photo": [{**size, "file_size": len(file.content)}], **self._caption(params)}
        message = self._bot_message(chat, params, content)
        self._record_sent("sendPhoto", message, params, file)
        return message

    async def _get_file(self, params: JSON, files: Files) -> JSON:
        file_id = str(params.get("file_id") or "")
        if file_id not in self._files:
            raise BotAPIError(400, "Bad Request: invalid file_id")
        path, file = self._files[file_id]
        unique_id = f"uniq{path.rsplit('_', 1)[-1]}"
        return {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": len(file.content),
            "file_path": path,
        }

    # -- injecting updates -----------------------------------------------------------------

    def _user(
        self,
        user_id: int,
        first_name: str | None,
        language_code: str | None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> JSON:
        known = self._users.get(user_id, {})
        user: JSON = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or known.get("first_name", DEFAULT_FIRST_NAME),
        }
        for key, value in (("last_name", last_name), ("username", username)):
            if value or known.get(key):
                user[key] = value or known[key]
        user["language_code"] = language_code or known.get("language_code", DEFAULT_LANGUAGE)
        self._users[user_id] = user
        return user

    def _chat(self, chat_id: int, chat_type: str | None, user: JSON | None) -> JSON:
        known = self._chats.get(chat_id)
        if chat_type is None:
            chat_type = known["type"] if known else _default_chat_type(chat_id)
        if (
            known is not None
            and known["type"] == chat_type
            and (user is None or chat_type != "private")
        ):
            return known  # a private chat's names follow its user's latest ones
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            person = user or {"first_name": DEFAULT_FIRST_NAME}
            chat.update(
                {k: person[k] for k in ("first_name", "last_name", "username") if k in person}
            )
        else:
            chat["title"] = f"Testgruppe {chat_id}"
        self._chats[chat_id] = chat
        return chat

    def _user_message(
        self,
        chat_id: int,
        content: JSON,
        *,
        user_id: int | None,
        first_name: str | None,
        language_code: str | None,
        chat_type: str | None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> JSON:
        known = self._chats.get(chat_id)
        private = (
            chat_type or (known or {}).get("type") or _default_chat_type(chat_id)
        ) == "private"
        sender_id = user_id if user_id is not None else chat_id if private else GROUP_USER_ID
        user = self._user(sender_id, first_name, language_code, last_name, username)
        chat = self._chat(chat_id, chat_type, user)
        return self._new_message(chat, user, content)

    def _next_update_id(self) -> int:
        self._last_update_id += 1
        return self._last_update_id

    def _emit(self, payload: JSON, deliver: bool) -> JSON:
        update = {"update_id": self._next_update_id(), **copy.deepcopy(payload)}
        if deliver:
            self._updates.append(update)
            self._touch()
        return copy.deepcopy(update)

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
        entities: list[JSON] | None = None,
        deliver: bool = True,
    ) -> JSON:
        """A user writes ``text``; a leading /command (also "/start payload") gets its entity.

        Defaults: the user is the private chat's owner (``GROUP_USER_ID`` in groups), named
        "Mette", language "da" unless known from earlier updates; the chat type follows the
        chat_id's sign unless given or known; ``deliver=False`` only builds the update.
        """
        content: JSON = {"text": text}
        command = _COMMAND_RE.match(text)
        if entities is not None:
            content["entities"] = entities
        elif command:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        if reply_to_message_id is not None:
            original = self._messages.get((chat_id, reply_to_message_id))
            if original is None:
                raise LookupError(f"no message {reply_to_message_id} in chat {chat_id}")
            content["reply_to_message"] = {
                k: v for k, v in original.items() if k != "reply_to_message"
            }
        message = self._user_message(
            chat_id,
            content,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            last_name=last_name,
            username=username,
        )
        return self._emit({"message": message}, deliver)

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        last_name: str | None = None,
        forged: bool = False,
        deliver: bool = True,
    ) -> JSON:
        """A user presses the inline button with callback_data ``data`` on a bot message;
        ``forged``: any data, offered or not (a modified client can send that)."""
        message = self._messages.get((chat_id, message_id))
        if message is None or (chat_id, message_id) not in self._bot_messages:
            raise LookupError(f"the bot has no message {message_id} in chat {chat_id}")
        keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        offered = [b.get("callback_data") for row in keyboard for b in row]
        if data not in offered and not forged:
            raise LookupError(f"message {message_id} has no button {data!r}; it offers {offered}")
        private = message["chat"]["type"] == "private"
        sender_id = user_id if user_id is not None else chat_id if private else GROUP_USER_ID
        self._last_query_id += 1
        query_id = str(self._last_query_id)
        self._open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(sender_id, first_name, language_code, last_name),
            "message": message,
            "chat_instance": f"{abs(chat_id) * 7919 % 10**12}",
            "data": data,
        }
        return self._emit({"callback_query": query}, deliver)

    def send_photo(
        self,
        chat_id: int,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        *,
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str | None = None,
        deliver: bool = True,
    ) -> JSON:
        """A user sends a photo; the bot can getFile and download ``content``."""
        file = UploadedFile("photo", "photo.jpg", content, "image/jpeg")
        file_id, unique_id = self._store_file(file, "photos", "AgACAgQAAxkB")
        sizes = [
            {"file_id": file_id, "file_unique_id": unique_id, "width": w, "height": h,
             "file_size": len(content)}
            for w, h in ((90, 67), (800, 600))
        ]  # fmt: skip
        body: JSON = {"photo": sizes}
        if caption is not None:
            body["caption"] = caption
        message = self._user_message(
            chat_id,
            body,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
        )
        return self._emit({"message": message}, deliver)

    def send_document(
        self,
        chat_id: int,
        content: bytes,
        filename: str = "document.pdf",
        *,
        mime_type: str = "application/pdf",
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str | None = None,
        deliver: bool = True,
    ) -> JSON:
        """A user sends a file; the bot can getFile and download ``content``."""
        file = UploadedFile("document", filename, content, mime_type)
        file_id, unique_id = self._store_file(file, "documents", "BQACAgQAAxkB")
        document = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        body: JSON = {"document": document}
        if caption is not None:
            body["caption"] = caption
        message = self._user_message(
            chat_id,
            body,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
        )
        return self._emit({"message": message}, deliver)

    def send_sticker(
        self,
        chat_id: int,
        emoji: str = "👍",
        *,
        user_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        chat_type: str | None = None,
        deliver: bool = True,
    ) -> JSON:
        """A user sends a sticker (no text, so text handlers must not fire)."""
        file = UploadedFile("sticker", "sticker.webp", b"RIFF-fake-webp", "image/webp")
        file_id, unique_id = self._store_file(file, "stickers", "CAACAgIAAxkB")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        message = self._user_message(
            chat_id,
            {"sticker": sticker},
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
        )
        return self._emit({"message": message}, deliver)

    def edit_text(self, chat_id: int, message_id: int, text: str, *, deliver: bool = True) -> JSON:
        """The user edits their earlier text message (an edited_message update)."""
        old = self._messages.get((chat_id, message_id))
        if old is None or (chat_id, message_id) in self._bot_messages or "text" not in old:
            raise LookupError(f"no user text message {message_id} in chat {chat_id}")
        new = {k: v for k, v in old.items() if k != "entities"}
        new.update(text=text, edit_date=int(time.time()))
        if command := _COMMAND_RE.match(text):
            new["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        self._messages[(chat_id, message_id)] = new
        return self._emit({"edited_message": new}, deliver)

    def inject(self, update: JSON, *, deliver: bool = True) -> JSON:
        """Queue any update dict as is; an update_id is assigned if it has none."""
        update = copy.deepcopy(update)
        if "update_id" in update:
            self._last_update_id = max(self._last_update_id, int(update["update_id"]))
        else:
            update = {"update_id": self._next_update_id(), **update}
        if deliver:
            self._updates.append(update)
            self._touch()
        return copy.deepcopy(update)

    async def post_update_to(self, url: str, update: JSON, secret_token: str | None = None) -> int:
        """POST ``update`` to a webhook URL with the secret header; returns the HTTP status."""
        self._inflight += 1
        try:
            return await post_update_to(url, update, secret_token)
        finally:
            self._inflight -= 1
            self._touch()

    # -- inspecting ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        """Requests received, in order; only those of ``method`` (any case) if given."""
        if method is None:
            return list(self._calls)
        return [call for call in self._calls if call.method.lower() == method.lower()]

    def sent(self, chat_id: ChatId | None = None) -> list[SentMessage]:
        """Messages the bot sent or edited successfully, in order; one chat's if given."""
        if chat_id is None:
            return list(self._sent)
        key = _chat_key(chat_id)
        return [message for message in self._sent if message.chat_id == key]

    def commands(self) -> dict[tuple[str, str], dict[str, str]]:
        """Command menus: {(scope, language_code): {command: description}}; scope as
        "default", "all_private_chats", "chat:<id>", ...; language "" is the fallback."""
        return {
            key: {str(c["command"]): str(c["description"]) for c in commands}
            for key, commands in self._commands.items()
        }

    def max_per_window(self, chat_id: ChatId | None = None, window: float = 1.0) -> int:
        """Most new messages the bot sent (to one chat, or to all) within any ``window`` s."""
        if chat_id is None:
            stamps = sorted(t for log in self.rate_log.values() for t in log)
        else:
            stamps = self.rate_log.get(_chat_key(chat_id), [])
        best, first = 0, 0
        for last, stamp in enumerate(stamps):
            while stamp - stamps[first] >= window:
                first += 1
            best = max(best, last - first + 1)
        return best

    # -- waiting ---------------------------------------------------------------------------

    def _failures(self) -> str:
        failed = [c for c in self._calls if c.status is not None and c.status >= 400][-5:]
        lines = [f"  {c.method} -> {(c.response or {}).get('description')}" for c in failed]
        return "\nrecent failed calls:\n" + "\n".join(lines) if lines else ""

    async def wait_for_sent(
        self,
        chat_id: ChatId | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bound on waiting is the point of the helper
        predicate: Callable[[SentMessage], bool] | None = None,
    ) -> list[SentMessage]:
        """Wait for ``count`` new sent/edited messages (to ``chat_id``, matching ``predicate``).

        Works like a mailbox per chat_id (None: all chats): messages returned by an earlier
        call with the same chat_id are not returned again; non-matching ones before the last
        returned message are skipped. Raises AssertionError on timeout.
        """
        key = None if chat_id is None else _chat_key(chat_id)
        found: list[tuple[int, SentMessage]] = []

        def collect() -> bool:
            found.clear()
            for index in range(self._cursors.get(key, 0), len(self._sent)):
                message = self._sent[index]
                if key is not None and message.chat_id != key:
                    continue
                if predicate is None or predicate(message):
                    found.append((index, message))
                    if len(found) >= count:
                        return True
            return count <= 0

        if not await self._signal.wait_until(collect, timeout):
            got = [f"  {m.method} {m.chat_id}/{m.message_id}: {m.text!r}" for _, m in found]
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} message(s) to chat {chat_id}; "
                f"got {len(found)}" + ("\n" + "\n".join(got) if got else "") + self._failures()
            )
        if found:
            self._cursors[key] = found[-1][0] + 1
        return [message for _, message in found]

    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bound on waiting is the point of the helper
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` (matching ``predicate``) were received."""

        def matching() -> list[Call]:
            return [c for c in self.calls(method) if predicate is None or predicate(c)]

        if not await self._signal.wait_until(lambda: len(matching()) >= count, timeout):
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} {method} call(s); "
                f"got {len(matching())}" + self._failures()
            )
        return matching()

    async def wait_idle(
        self,
        quiet: float = 0.2,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bound on waiting is the point of the helper
    ) -> None:
        """Wait until every update was delivered, no request is in flight and nothing happened
        for ``quiet`` seconds; afterwards ``sent()`` should not grow without new input."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise AssertionError(
                    f"not idle after {timeout}s: {len(self._deliverable())} undelivered "
                    f"update(s), {self._inflight} request(s) in flight" + self._failures()
                )
            if self._inflight == 0 and not self._deliverable():
                calm = now - self._last_activity
                if calm >= quiet:
                    return
                await self._signal.wait(min(quiet - calm, deadline - now))
            else:
                await self._signal.wait(deadline - now)

    # -- faults ----------------------------------------------------------------------------

    def _add_fault(self, method: str, fault: _Fault, times: int) -> None:
        self._faults.setdefault(method.lower(), deque()).extend(
            copy.copy(fault) for _ in range(times)
        )

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int = 1,
        *,
        parameters: JSON | None = None,
        times: int = 1,
        after_processing: bool = False,
    ) -> None:
        """The next ``times`` calls of ``method`` get an error (429: with retry_after).

        ``description`` defaults to Telegram's wording, e.g. "Too Many Requests: retry after 1".
        ``after_processing``: the call takes effect (e.g. the message is sent), then errors.
        """
        extra = dict(parameters or {})
        if error_code == 429:
            extra.setdefault("retry_after", retry_after)
        error = BotAPIError(
            error_code, description or _default_description(error_code, retry_after), extra
        )
        self._add_fault(method, _Fault("error", after_processing, error=error), times)

    def hang_next(
        self,
        method: str,
        seconds: float | None = None,
        *,
        after_processing: bool = False,
        times: int = 1,
    ) -> None:
        """The next call of ``method`` hangs ``seconds`` then is answered, or (None) hangs until
        the client gives up. ``after_processing``: it takes effect before hanging."""
        self._add_fault(method, _Fault("hang", after_processing, seconds=seconds), times)

    def drop_next(self, method: str, *, after_processing: bool = False, times: int = 1) -> None:
        """The next call of ``method`` gets its connection closed without an answer
        (PTB raises NetworkError); ``after_processing``: it takes effect first."""
        self._add_fault(method, _Fault("drop", after_processing), times)

    def block(self, chat_id: ChatId, blocked: bool = True) -> None:
        """Sends to ``chat_id`` fail with 403 "bot was blocked by the user" (or no longer)."""
        key = _chat_key(chat_id)
        if blocked:
            self._blocked.add(key)
        else:
            self._blocked.discard(key)

    def set_member(self, chat_id: ChatId, user_id: int, status: str = "member") -> None:
        """What getChatMember says of the user in the chat: creator, administrator, member,
        left or kicked."""
        self._members[(_chat_key(chat_id), user_id)] = status

    def register(self, method: str, handler: CustomMethod) -> None:
        """Serve ``method`` with ``handler(params) -> result`` (sync or async); it may raise
        BotAPIError. Overrides a built-in method of that name."""
        self._custom[method.lower()] = (method, handler)


@contextlib.asynccontextmanager
async def run_polling(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    raise_errors: bool = True,
    **polling: Any,
) -> AsyncIterator[list[Exception]]:
    """Run ``app`` with long polling as ``app.run_polling`` would, and shut it down after.

    Yields the list of exceptions the app's handlers raised; if ``raise_errors``, they are
    re-raised as an ExceptionGroup on exit so a crashing handler cannot pass unnoticed.
    ``polling`` goes to ``app.updater.start_polling`` (e.g. ``allowed_updates``).
    """
    errors: list[Exception] = []

    async def collect(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        if context.error is not None:
            errors.append(context.error)

    assert app.updater is not None, "run_polling needs an Application with an Updater"
    app.add_error_handler(collect)
    await app.initialize()
    try:
        await app.updater.start_polling(**polling)
        await app.start()
        yield errors
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        app.remove_error_handler(collect)
    if raise_errors and errors:
        raise ExceptionGroup("errors raised in the bot's handlers", errors)
