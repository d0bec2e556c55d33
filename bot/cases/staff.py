"""Who is staff, and the desk that shows cases to them wherever they work.

:class:`StaffPolicy` answers "may this person use staff functions?" from the settings: the staff
chat's members (the chat's channel asks its service), and the chats and e-mail addresses listed
in the settings (``BOT_STAFF_TELEGRAM_IDS``, ``BOT_STAFF_EMAILS`` and ``BOT_STAFF_EMAIL``).

:class:`StaffDesk` keeps every :class:`StaffBoard` (the staff chat, the staff mailbox) in step
with the cases: it posts new cases, forwards what participants add to a taken case, and redraws
posts whose case changed. It works from the database (what is posted where is recorded in
``case_posts``), so a board that was down, or a restart, loses nothing; it runs when a change
is committed and every ``poll_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.cases.service import CaseEntry, CaseInfo, CaseService
from bot.clock import now as clock_now
from bot.delivery import Delivery, Recipient
from bot.i18n import normalise_lang
from bot.registrations.identity import EMAIL, ChatId, normalise_email
from bot.settings import Settings
from bot.waiting import wait_for

log = logging.getLogger(__name__)


class StaffPolicy:
    """The staff the settings name."""

    def __init__(self, settings: Settings) -> None:
        self.chats = settings.staff_chats
        addresses = [
            *settings.staff_emails,
            *([settings.staff_email] if settings.staff_email else []),
        ]
        self.emails = frozenset(_address(a) for a in addresses)

    def email_is_staff(self, address: str | None) -> bool:
        return bool(address) and _address(address or "") in self.emails

    def chat_is_staff(self, chat: ChatId | None) -> bool:
        """Listed by chat; members of the staff chat are checked by its channel."""
        return chat is not None and chat in self.chats


def _address(value: str) -> str:
    try:
        return normalise_email(value)
    except ValueError:
        return value.strip().lower()


def staff_recipients(settings: Settings, delivery: Delivery) -> list[Recipient]:
    """Where staff read the bot's notes: the staff chat, the staff mailbox, or both."""
    lang = normalise_lang(settings.staff_language)
    found: list[Recipient] = []
    chat = settings.staff_chat
    if chat is not None and delivery.reaches(chat.kind):
        found.append(Recipient(chat.kind, chat.value, lang))
    if settings.staff_email and delivery.reaches(EMAIL):
        found.append(Recipient(EMAIL, settings.staff_email, lang))
    return found


class StaffBoard(Protocol):
    """A place where staff see cases: the staff chat, the staff mailbox."""

    route: str  # the ``case_posts.route`` of its posts: its channel's name

    async def post(self, case: CaseInfo) -> str:
        """Show a new case; the ref a staff reply will carry (message id, Message-ID)."""
        ...

    async def post_message(self, case: CaseInfo, entry: CaseEntry, reply_to: str) -> str | None:
        """Show what the participant added; its ref, if replies to it are possible."""
        ...

    async def redraw(self, case: CaseInfo, ref: str) -> None:
        """Show the case's new state on its post (who took it, answered, closed)."""
        ...


class StaffDesk:
    """Keeps the staff boards in step with the cases."""

    def __init__(
        self,
        cases: CaseService,
        *,
        poll_seconds: float = 60.0,
        clock: Callable[[], datetime] = clock_now,
    ) -> None:
        self.cases = cases
        self.boards: list[StaffBoard] = []
        self.poll_seconds = poll_seconds
        self.clock = clock
        # One sync at a time: two at once could both post the same new case.
        self._syncing = asyncio.Lock()

    def add_board(self, board: StaffBoard) -> None:
        self.boards.append(board)

    async def run(self, stop: asyncio.Event) -> None:
        """Sync on every committed change and every ``poll_seconds``; hand back quiet cases."""
        while not stop.is_set():
            self.cases.wakeup.clear()
            try:
                # A case taken or answered elsewhere (the command line) mutes its chat here too.
                await self.cases.refresh_muted()
                await self.cases.release_quiet(self.clock())
                await self.sync()
            except Exception:
                log.exception("staff desk: could not bring staff up to date; trying again")
            await wait_for(stop, self.cases.wakeup, self.poll_seconds)

    async def sync(self) -> None:
        """Post new cases and messages, redraw changed posts, on every board."""
        async with self._syncing:
            for board in list(self.boards):
                try:
                    await self._sync(board)
                except Exception:  # one board down (staff chat, SMTP) does not stop the others
                    log.exception("staff desk: %s board could not be updated", board.route)

    async def _sync(self, board: StaffBoard) -> None:
        for case in await self.cases.unannounced(board.route):
            ref = await board.post(case)
            await self.cases.record_post(case, board.route, ref, self.clock())
        for case, entry, reply_to in await self.cases.unposted_messages(board.route):
            posted = await board.post_message(case, entry, reply_to)
            await self.cases.record_post(
                case, board.route, posted or f"message:{entry.id}", self.clock(), entry.id
            )
        for case, ref in await self.cases.stale_posts(board.route):
            await board.redraw(case, ref)
            await self.cases.record_shown(case, board.route, ref)
