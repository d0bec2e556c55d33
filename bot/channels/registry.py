"""The channels the bot has, each declared once: what it is called, whom it reaches, how it runs.

A channel module declares one :class:`ChannelSpec` named ``CHANNEL``, and its module name goes
into :data:`CHANNEL_MODULES`; nothing else in the bot names it. ``Services.start`` registers the
courier of every channel the settings enable (so the brain can tell a person something on their
own channel, queued with the decision), and ``python -m bot run`` serves them side by side.

A channel's ``name`` is also the kind of the identity it brings, when it brings one: a person
who writes in a Telegram chat is known as ("telegram", user id), in a web chat session as
("web", session), by e-mail as ("email", address). Delivery reaches a person on the channel of
their identity, where that channel's courier is registered.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from bot.i18n import Lang, translator

if TYPE_CHECKING:
    from bot.delivery import Courier
    from bot.services import Services
    from bot.settings import Settings

# In the order they are served and listed.
CHANNEL_MODULES: tuple[str, ...] = (
    "bot.channels.telegram.channel",
    "bot.channels.mail.channel",
    "bot.channels.web.channel",
    "bot.channels.terminal",
)

Serve = Callable[["Services", asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class ChannelSpec:
    """One channel as the rest of the bot sees it.

    ``label`` is an English msgid, shown translated (:meth:`label_in`); ``settings`` names the
    settings it reads, for the documentation; ``enabled`` says whether the settings turn it on;
    ``courier`` builds its courier once per process (None: it sends nothing on its own);
    ``serve`` runs it until the stop event is set. ``inbound`` says whether, so configured, it
    takes messages from participants (the mail channel may only send: SMTP without a mailbox);
    when none does, the terminal chat is served. ``ids_mean_something`` says whether the id of
    the identity it brings tells staff anything (a Telegram user id does; a web chat's session
    id does not, and is shown as a short tag instead). ``once``: served by one instance at a
    time, the leader (``bot.storage.leadership``): reading a mailbox, Telegram's long polling.
    ``everywhere``: what a channel served ``once`` still runs in every instance (Telegram's
    webhook, which a load balancer may send to any of them).
    """

    name: str
    label: str
    settings: tuple[str, ...]
    enabled: Callable[[Settings], bool]
    courier: Callable[[Services], Courier | None]
    serve: Serve
    inbound: Callable[[Settings], bool] | None = None
    ids_mean_something: bool = True
    once: bool = False
    everywhere: Serve | None = None

    def takes_messages(self, settings: Settings) -> bool:
        return (self.inbound or self.enabled)(settings)

    def label_in(self, lang: Lang) -> str:
        return translator(lang).gettext(self.label)


@cache
def all_channels() -> tuple[ChannelSpec, ...]:
    """Every channel the bot has (a channel whose module cannot be imported is left out)."""
    specs: list[ChannelSpec] = []
    for module_name in CHANNEL_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only the channel's own package missing means "not built here"; anything it
            # imports missing is an error to see.
            if exc.name is None or not module_name.startswith(exc.name):
                raise
            continue
        spec: ChannelSpec = module.CHANNEL
        specs.append(spec)
    return tuple(specs)


def enabled_channels(settings: Settings) -> tuple[ChannelSpec, ...]:
    """The channels the settings turn on."""
    return tuple(spec for spec in all_channels() if spec.enabled(settings))


def channel(name: str) -> ChannelSpec | None:
    return next((spec for spec in all_channels() if spec.name == name), None)


def shown_id(name: str, user_id: str) -> str:
    """How staff see the id of a person on channel ``name``: as it is, or a short tag."""
    spec = channel(name)
    if spec is None or spec.ids_mean_something:
        return user_id
    return hashlib.sha256(user_id.encode()).hexdigest()[:6]


def label(name: str, lang: Lang) -> str:
    """A channel's name for people ("Telegram", "e-mail", "webchat"); unknown names as given."""
    spec = channel(name)
    return spec.label_in(lang) if spec else name
