"""The terminal chat: try the bot with no Telegram token and no mailbox.

Each line typed is a message. ``/arrangementer`` (``/events``) lists the events, a number or
``/arrangement SLUG`` chooses one, ``/sprog en|da`` switches language, ``/slut`` (``/quit``) ends.
Anything else goes to the answering core about the chosen event, or lets the core find the event.
The session logic is a plain class, so it is tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from bot.answering import Answerer
from bot.i18n import Lang, fmt_date, translator
from bot.knowledge.schema import Event


@dataclass
class TerminalChat:
    """One person's conversation in the terminal: the chosen event and language."""

    answerer: Answerer
    clock: Callable[[], datetime]
    lang: Lang = "da"
    event: str | None = None
    _listed: list[str] = field(default_factory=list)

    def greeting(self) -> str:
        """The first thing the chat says: what it can do, and the events to choose from."""
        _ = translator(self.lang).gettext
        return "\n".join(
            [
                _(
                    "Hello! I answer questions about the events below. Choose one by its number, "
                    "or just ask."
                ),
                self._event_list(),
                _("Type /language en for English, /quit to stop."),
            ]
        )

    def _event_list(self) -> str:
        # Coming events first and soonest first; past events after them, latest first.
        current = self.clock()
        events = sorted(
            self.answerer.kb.events.values(),
            key=lambda e: (e.end < current, abs((e.start - current).total_seconds())),
        )
        self._listed = [e.id for e in events]
        return "\n".join(
            f"{n}. {e.title} ({fmt_date(e.start, self.lang, weekday=False)})"
            for n, e in enumerate(events, start=1)
        )

    def _choose(self, slug: str) -> str:
        _ = translator(self.lang).gettext
        event = self.answerer.kb.event(slug)
        if event is None:
            return _("I do not know that event. Type /events to see the list.")
        self.event = slug
        return _("Now we are talking about {title}. What would you like to know?").format(
            title=event.title
        )

    def reply(self, line: str) -> str | None:
        """Answer one line; None means the chat is over."""
        _ = translator(self.lang).gettext
        text = line.strip()
        command, _sep, argument = text.partition(" ")
        command = command.casefold()
        if command in ("/quit", "/slut", "/exit"):
            return None
        if command in ("/events", "/arrangementer", "/start"):
            return self._event_list()
        if command in ("/event", "/arrangement"):
            return self._choose(argument.strip())
        if command in ("/sprog", "/language", "/lang"):
            self.lang = "en" if argument.strip().casefold().startswith("en") else "da"
            _ = translator(self.lang).gettext
            if self.lang == "en":
                return _("I will answer in English from now on.")
            return _("I will answer in Danish from now on.")
        if text.isdigit() and 1 <= int(text) <= len(self._listed):
            return self._choose(self._listed[int(text) - 1])
        if command.startswith("/"):
            return _("I do not know that command. You can write /events, /language or /quit.")
        answer = self.answerer.answer(text, self.event, self.lang, self.clock())
        if answer.event and self.answerer.kb.get(answer.event) and self.event is None:
            source = self.answerer.kb.get(answer.event)
            if isinstance(source, Event):
                self.event = answer.event
        if answer.candidates:
            self._listed = list(answer.candidates)
            return (
                answer.text
                + "\n"
                + _("Answer with the number of the event: {numbers}.").format(
                    numbers=", ".join(str(n) for n in range(1, len(self._listed) + 1))
                )
            )
        return answer.text


def serve(chat: TerminalChat, stdin: TextIO, stdout: TextIO) -> None:
    """Run the chat over a pair of text streams until /quit or end of input."""
    prompt = "> " if stdin.isatty() else ""
    print(chat.greeting(), file=stdout, flush=True)
    while True:
        if prompt:
            print(prompt, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        reply = chat.reply(line)
        if reply is None:
            break
        print(reply, file=stdout, flush=True)
