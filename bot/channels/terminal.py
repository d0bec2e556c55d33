"""The terminal chat: the whole conversation in a terminal, when no other channel is configured.

Each line typed is a message to the same conversation turn as Telegram and the web chat:
questions, ``/tilmeld`` and ``/afmeld``, ``/mine``, ``/sprog``, cases for the secretariat. Choices
are shown as a numbered list and a number picks one; a file (the calendar file, the data export)
is saved in the data folder and its path shown. ``/slut`` (``/quit``) ends the chat. What staff
answer (``python -m bot cases answer``) is printed when it arrives, and knowledge files edited
meanwhile are loaded by the knowledge watch that ``python -m bot run`` runs beside it.

The person is the terminal's user, known as ("terminal", login name). The adapter is a plain
class over two text streams, so it is tested without a terminal.
"""

from __future__ import annotations

import asyncio
import getpass
import io
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.channels.registry import ChannelSpec
from bot.conversations.messages import Choice, Incoming, Reply
from bot.conversations.turn import Conversation
from bot.delivery import ChatCourier
from bot.delivery.sender import ChatOutboxSender
from bot.i18n import N_, Lang, normalise_lang, translator
from bot.registrations.identity import ChatId

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings

NAME = "terminal"
QUIT = ("/quit", "/slut", "/exit")


@dataclass
class TerminalChat:
    """One person's conversation in the terminal."""

    services: Services
    clock: Callable[[], datetime]
    user: str = field(default_factory=getpass.getuser)
    lang: Lang = "da"
    _choices: tuple[Choice, ...] = ()

    @property
    def chat_id(self) -> str:
        return self.user

    def _incoming(self, **what: object) -> Incoming:
        return Incoming(
            channel=NAME,
            chat_id=self.chat_id,
            now=self.clock(),
            person=ChatId(NAME, self.user),
            name=self.user,
            lang=self.lang,
            **what,  # type: ignore[arg-type]
        )

    async def greeting(self) -> str:
        """The first thing the chat says: what it can do, and the events to choose from."""
        reply = await Conversation(self.services).handle(self._incoming(text="/start"))
        _ = translator(reply.lang).gettext
        return self.render(reply) + "\n" + _("Type /language en for English, /quit to stop.")

    async def reply(self, line: str) -> str | None:
        """Answer one line; None means the chat is over."""
        text = line.strip()
        if text.casefold() in QUIT:
            return None
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            incoming = self._incoming(choice=self._choices[int(text) - 1].value)
        else:
            incoming = self._incoming(text=text)
        return self.render(await Conversation(self.services).handle(incoming))

    def render(self, reply: Reply) -> str:
        """The reply as lines: texts, sources, numbered choices, where files were saved."""
        self.lang = reply.lang
        _ = translator(reply.lang).gettext
        lines: list[str] = []
        choices: tuple[Choice, ...] = ()
        for say in reply.says:
            lines.append(say.text)
            if say.source:
                lines.append(f"({say.source})")
            if say.choices:
                choices = say.choices
                lines.extend(f"{n}. {c.label}" for n, c in enumerate(say.choices, start=1))
                numbers = ", ".join(str(n) for n in range(1, len(say.choices) + 1))
                lines.append(_("Answer with a number: {numbers}.").format(numbers=numbers))
            if say.attachment is not None:
                path = self._save(say.attachment.filename, say.attachment.content)
                lines.append(_("The file is saved here: {path}").format(path=path))
        self._choices = choices
        return "\n".join(lines)

    def _save(self, filename: str, content: bytes) -> Path:
        folder = self.services.settings.data_dir / "files"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(filename).name
        path.write_bytes(content)
        return path


async def chat_over(chat: TerminalChat, stdin: TextIO, stdout: TextIO, stop: asyncio.Event) -> None:
    """Run the chat over a pair of text streams until /quit, end of input or ``stop``; then set
    ``stop`` so the rest of the bot ends with it."""
    prompt = "> " if stdin.isatty() else ""
    print(await chat.greeting(), file=stdout, flush=True)
    read = await _line_reader(stdin)
    try:
        while not stop.is_set():
            if prompt:
                print(prompt, end="", file=stdout, flush=True)
            line = await _unless_stopped(read(), stop)
            if not line:
                break
            if not line.strip():
                continue
            answer = await chat.reply(line)
            if answer is None:
                break
            print(answer, file=stdout, flush=True)
    finally:
        stop.set()


async def _line_reader(stdin: TextIO) -> Callable[[], Awaitable[str]]:
    """Read lines without blocking the event loop, where staff answers are printed meanwhile.

    A terminal or a pipe is read by the event loop itself, so Ctrl-C ends the chat at once; a
    regular file (``< questions.txt``) is read in a thread.
    """
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except (ValueError, OSError, io.UnsupportedOperation):
        return lambda: asyncio.to_thread(stdin.readline)

    async def read() -> str:
        return (await reader.readline()).decode(stdin.encoding or "utf-8", errors="replace")

    return read


async def _unless_stopped(read: Awaitable[str], stop: asyncio.Event) -> str:
    """The line read, or "" when ``stop`` is set first."""
    reading = asyncio.ensure_future(read)
    stopping = asyncio.ensure_future(stop.wait())
    done, _pending = await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if reading in done:
        return reading.result()
    reading.cancel()
    return ""


async def serve(services: Services, stop: asyncio.Event) -> None:
    """The terminal chat on standard input and output, with staff answers printed."""
    chat = TerminalChat(
        services, clock=services.clock, lang=normalise_lang(services.settings.default_language)
    )

    async def show(chat_id: str, text: str) -> None:
        print(f"\n{text}", file=sys.stdout, flush=True)

    # The real time for sending: ``--now`` pretends for the conversation, not for the outbox.
    sender = ChatOutboxSender(services.db, NAME, show, poll_seconds=2.0)
    async with asyncio.TaskGroup() as group:
        group.create_task(sender.run(stop))
        await chat_over(chat, sys.stdin, sys.stdout, stop)


def _enabled(settings: Settings) -> bool:
    """The terminal chat when no other channel takes messages from participants."""
    from bot.channels.registry import all_channels

    return not any(spec.takes_messages(settings) for spec in all_channels() if spec.name != NAME)


CHANNEL = ChannelSpec(
    name=NAME,
    label=N_("terminal"),
    settings=(),
    enabled=_enabled,
    courier=lambda services: ChatCourier(services.db, NAME),
    serve=serve,
)
