"""Telegram's updates journalled: what a dead leader left undone is answered by the next one, in
order and once; a repeat from Telegram of an update already handled is not answered again; an
update that was begun too often is given up; webhook posts to two instances are answered in the
chat's order. Through ``serve`` and the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select, update
from telegram import Update

from bot.channels.telegram.app import serve
from bot.channels.telegram.journal import MAX_TRIES, Journal
from bot.channels.telegram.models import TelegramUpdate
from bot.channels.telegram.webhook import receive
from bot.clock import now
from bot.services import Services
from bot.settings import Settings
from tests.conftest import free_port, postgres_schema
from tests.telegram.fake_bot_api import FakeBotAPI, post_update_to
from tests.telegram.helpers import TEMADAG, settings_for

CHAT = 4711


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(
    request: pytest.FixtureRequest, bot_api: FakeBotAPI, tmp_path: Path
) -> AsyncIterator[Services]:
    settings = settings_for(tmp_path, bot_api)
    if request.param == "sqlite":
        started = await Services.start(settings)
        try:
            yield started
        finally:
            await started.close()
        return
    async with postgres_schema("journal") as (url, schema):
        started = await Services.start(
            settings.model_copy(update={"database_url": url, "database_schema": schema})
        )
        try:
            yield started
        finally:
            await started.close()


async def rows(services: Services) -> list[TelegramUpdate]:
    await services.db.settled()  # done marks are written just after the answers
    async with services.db.session() as session:
        return list(
            await session.scalars(select(TelegramUpdate).order_by(TelegramUpdate.update_id))
        )


async def serving(services: Services, stop: asyncio.Event) -> asyncio.Task[None]:
    return asyncio.create_task(serve(services, stop))


async def test_what_a_dead_leader_left_is_answered_first_in_order_and_once(
    services: Services, bot_api: FakeBotAPI
) -> None:
    # The earlier leader journalled four updates of one chat, handled the first, and died.
    written = [
        bot_api.send_text(CHAT, text, deliver=False)
        for text in (f"/start {TEMADAG}", "hvornår er der frokost", "hvor er det", "/hjaelp")
    ]
    dead = Journal(services.db, now)
    updates = [Update.de_json(u, None) for u in written]
    assert [u.update_id for u in await dead.keep(updates)] == [u.update_id for u in updates]
    await dead.done(updates[0])
    # Telegram had been told to forget all but two: the one handled and one not handled (it
    # sends those again), then a new message comes.
    for payload in (written[0], written[2]):
        bot_api.inject(payload)
    bot_api.send_text(CHAT, "hvornår slutter det")
    stop = asyncio.Event()
    task = await serving(services, stop)
    try:
        sent = await bot_api.wait_for_sent(CHAT, count=4, timeout=30)
        await asyncio.sleep(0.5)  # a repeat would be answered by now
        texts = [m.text for m in bot_api.sent(CHAT)]
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
    assert len(texts) == 4, texts
    assert "12.15" in texts[0]  # lunch: the first one not done
    assert "Hadsundvej" in texts[1], texts[1]
    assert "14.30" in texts[3]
    assert not any("Velkommen" in t for t in texts)  # /start was done: not answered again
    assert [m.text for m in sent] == texts[:4]
    kept = await rows(services)
    assert len(kept) == 5 and all(r.done_at is not None for r in kept)
    assert {r.chat_id for r in kept} == {str(CHAT)}


async def test_an_update_begun_too_often_is_given_up(
    services: Services, bot_api: FakeBotAPI
) -> None:
    poison = bot_api.send_text(CHAT, "hvornår er der frokost", deliver=False)
    await Journal(services.db, now).keep([Update.de_json(poison, None)])
    async with services.db.transaction() as session:
        await session.execute(update(TelegramUpdate).values(tries=MAX_TRIES))
    stop = asyncio.Event()
    task = await serving(services, stop)
    try:
        bot_api.send_text(CHAT, "hvornår slutter det")
        [answer] = await bot_api.wait_for_sent(CHAT, timeout=30)
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
    assert "14.30" in answer.text and len(bot_api.sent(CHAT)) == 1
    assert all(r.done_at is not None for r in await rows(services))


async def test_webhook_posts_spread_over_two_instances_are_answered_in_order_once(
    services: Services, bot_api: FakeBotAPI
) -> None:
    """Telegram posts to whichever instance the load balancer picks: the leader answers them
    all, in the chat's order, and a post Telegram repeats is answered once."""
    ports = free_port(), free_port()
    secret = SecretStr("s3cret")

    def instance(port: int) -> Settings:
        return services.settings.model_copy(
            update={
                "telegram_webhook_url": f"http://127.0.0.1:{ports[0]}/telegram",
                "telegram_webhook_secret": secret,
                "telegram_webhook_port": port,
            }
        )

    leader = await Services.start(instance(ports[0]))
    other = await Services.start(instance(ports[1]))
    stop = asyncio.Event()
    running = [
        asyncio.create_task(serve(leader, stop)),
        asyncio.create_task(receive(leader, stop)),
        asyncio.create_task(receive(other, stop)),
    ]
    try:
        await bot_api.wait_for_call("setWebhook")
        written = [
            bot_api.send_text(CHAT, text, deliver=False)
            for text in (f"/start {TEMADAG}", "hvornår er der frokost", "hvornår slutter det")
        ]
        posts = [(ports[1], written[0]), (ports[0], written[1]), (ports[1], written[1]),
                 (ports[1], written[2])]  # fmt: skip
        for port, update in posts:
            status = await post_update_to(f"http://127.0.0.1:{port}/telegram", update, "s3cret")
            assert status == 200
        sent = await bot_api.wait_for_sent(CHAT, count=3, timeout=30)
        await asyncio.sleep(0.5)  # a repeat would be answered by now
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*running), 15)
        for started in (leader, other):
            await started.close()
    texts = [m.text for m in bot_api.sent(CHAT)]
    assert [m.text for m in sent] == texts
    assert "Velkommen" in texts[0] and "12.15" in texts[1] and "14.30" in texts[2]
    assert not bot_api.calls("getUpdates")
