"""Reading and changing what the bot remembers about a chat.

Every change goes through ``ConversationStore.update``, which writes the database first and then
a bounded in-memory copy, so reads of a busy chat cost no database round trip. This holds because
one process serves a channel's chats: Telegram hands a bot's updates to a single poller (or one
webhook), and staff actions on a chat go through the same store.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.conversations.models import Conversation
from bot.storage import Database

_UNSET: Any = object()


@dataclass(frozen=True)
class ConversationInfo:
    """A chat's remembered state, detached from the database."""

    channel: str
    chat_id: str
    event: str | None = None
    lang: str | None = None
    flow: str | None = None
    flow_state: dict[str, Any] | None = None


class ConversationStore:
    """The conversations of every channel, on the bot's database."""

    def __init__(self, db: Database, cache_size: int = 10_000) -> None:
        self.db = db
        self._cache: OrderedDict[tuple[str, str], ConversationInfo] = OrderedDict()
        self._cache_size = cache_size

    def _remember(self, info: ConversationInfo) -> ConversationInfo:
        key = (info.channel, info.chat_id)
        self._cache[key] = info
        self._cache.move_to_end(key)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return info

    def forget(self, channel: str, chat_id: int | str) -> None:
        """Drop the in-memory copy of a chat whose row was deleted (an erasure, an expiry)."""
        self._cache.pop((channel, str(chat_id)), None)

    async def get(self, channel: str, chat_id: int | str) -> ConversationInfo:
        """The chat's state; a chat never seen before has none."""
        cached = self._cache.get((channel, str(chat_id)))
        if cached is not None:
            self._cache.move_to_end((channel, str(chat_id)))
            return cached
        async with self.db.session() as session:
            row = await session.scalar(_find(channel, chat_id))
        info = ConversationInfo(channel, str(chat_id)) if row is None else _info(row)
        return self._remember(info)

    async def update(
        self,
        channel: str,
        chat_id: int | str,
        now: datetime,
        *,
        event: str | None = _UNSET,
        lang: str | None = _UNSET,
        flow: str | None = _UNSET,
        flow_state: dict[str, Any] | None = _UNSET,
    ) -> ConversationInfo:
        """Change the given fields of the chat's state (creating it); returns the new state."""
        async with self.db.transaction() as session:
            row = await session.scalar(_find(channel, chat_id).with_for_update())
            if row is None:
                row = Conversation(
                    channel=channel, chat_id=str(chat_id), created_at=now, updated_at=now
                )
                session.add(row)
            if event is not _UNSET:
                row.event_slug = event
            if lang is not _UNSET:
                row.lang = lang
            if flow is not _UNSET:
                row.flow = flow
            if flow_state is not _UNSET:
                row.flow_state = flow_state
            row.updated_at = now
            await session.flush()
            info = _info(row)
        return self._remember(info)  # only after the commit succeeded


def _find(channel: str, chat_id: int | str) -> Any:
    return select(Conversation).where(
        Conversation.channel == channel, Conversation.chat_id == str(chat_id)
    )


def _info(row: Conversation) -> ConversationInfo:
    return ConversationInfo(
        row.channel, row.chat_id, row.event_slug, row.lang, row.flow, row.flow_state
    )
