"""Changed events: noticed when a knowledge file is edited, put to staff, told on their word.

The knowledge is a real folder of YAML files edited by the test as staff would; the bot's own
services load it, compare, queue through the real couriers (chat outbox, mail outbox), on SQLite
and PostgreSQL. One test runs the staff chat end to end through the fake Bot API.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.changes import ChangeError
from bot.changes.snapshot import describe, snapshot_of
from bot.changes.watch import KnowledgeWatch
from bot.channels.mail.models import OutboxMail
from bot.clock import parse_aware
from bot.delivery.models import ChatOutboxMessage
from bot.knowledge import load_knowledge
from bot.knowledge.schema import Event
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId, Identity
from bot.services import Services
from bot.settings import Settings
from tests.conftest import postgres_schema
from tests.telegram.fake_bot_api import TOKEN

NOW = parse_aware("2024-04-01T10:00:00+02:00")
STAFF_CHAT = -100777
SLUG = "raadsdag"
EVENT = """\
# Rådsdagen (test event)
id: raadsdag
kind: event
source: {{file: x.txt}}
title: Rådsdagen 2024
organiser: Sekretariatet
start: 2024-05-31 {start}
end: 2024-05-31 15:00
venue: {{name: {venue}, address: 'Hadsundvej 200, 9220 Aalborg'}}
registration: {{deadline: 2024-05-01}}
programme:
  - {{start: '{start}', title: Velkomst}}
  - {{start: '12:00', title: Frokost, kind: meal}}
  - {{start: '13:00', title: {talk}}}
"""
OTHER = """\
id: anden-dag
kind: event
source: {file: y.txt}
title: Den anden dag
organiser: Sekretariatet
start: 2024-06-10 10:00
end: 2024-06-10 12:00
registration: {deadline: 2024-06-01}
"""


def write_event(
    folder: Path, start: str = "10:00", venue: str = "Scandic", talk: str = "Oplæg"
) -> None:
    path = folder / f"{SLUG}.yaml"
    path.write_text(EVENT.format(start=start, venue=venue, talk=talk), encoding="utf-8")
    # Two edits within the file system's clock resolution must still look different.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Services]:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    write_event(folder)
    (folder / "anden-dag.yaml").write_text(OTHER, encoding="utf-8")
    settings = Settings(
        knowledge_dir=folder,
        data_dir=tmp_path,
        staff_chat_id=STAFF_CHAT,
        staff_email="sekretariat@kl.dk",
        mail_from="bot@kl.dk",
        smtp_host="127.0.0.1",
        telegram_token=TOKEN,
    )
    if request.param == "sqlite":
        settings = settings.model_copy(
            update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'changes.sqlite3'}"}
        )
        started = await Services.start(settings)
        yield started
        await started.close()
        return
    async with postgres_schema("changes") as (url, schema):
        settings = settings.model_copy(update={"database_url": url, "database_schema": schema})
        started = await Services.start(settings)
        yield started
        await started.close()


async def sign_up(services: Services) -> None:
    """Tove by Telegram and Karen by e-mail for the day; Gitte cancelled; Ole another event."""
    event, other = services.kb.event(SLUG), services.kb.event("anden-dag")
    assert event is not None and other is not None
    signup = services.registrations.signup
    await signup(
        event,
        SignupForm(name="Tove", email="tove@a.dk", organisation="R"),
        channel="telegram",
        chat=ChatId("telegram", "501"),
        now=NOW,
    )
    await signup(
        event,
        SignupForm(name="Karen", email="karen@a.dk", organisation="R"),
        channel="email",
        now=NOW,
    )
    await signup(
        event,
        SignupForm(name="Gitte", email="gitte@a.dk", organisation="R"),
        channel="email",
        now=NOW,
    )
    await services.registrations.cancel(
        event, Identity(email="gitte@a.dk"), channel="email", now=NOW
    )
    await signup(
        other,
        SignupForm(name="Ole", email="ole@a.dk", organisation="R"),
        channel="telegram",
        chat=ChatId("telegram", "502"),
        now=NOW,
    )


async def chat_rows(services: Services) -> list[ChatOutboxMessage]:
    async with services.db.session() as session:
        return list(await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id)))


async def mail_rows(services: Services) -> list[OutboxMail]:
    async with services.db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def reload(services: Services) -> None:
    await services.use_knowledge(load_knowledge(services.settings.knowledge_dir))


def event_of(**changes: str) -> Event:
    folder_text = EVENT.format(
        start=changes.get("start", "10:00"),
        venue=changes.get("venue", "Scandic"),
        talk=changes.get("talk", "Oplæg"),
    )
    import yaml

    return Event.model_validate(yaml.safe_load(folder_text))


def test_only_what_participants_act_on_counts_as_a_change() -> None:
    before = snapshot_of(event_of())
    assert describe(before, snapshot_of(event_of()), "da") == []
    later = describe(before, snapshot_of(event_of(start="10:30")), "da")
    assert later[0].startswith("Nyt tidspunkt: fredag den 31. maj 2024, 10.30–15.00")
    assert "(før: fredag den 31. maj 2024, 10.00–15.00)" in later[0]
    assert "Flyttet i programmet: 10.30 Velkomst (før: 10.00)." in later
    moved = describe(before, snapshot_of(event_of(venue="Aalborg Kongres")), "da")
    assert moved == [
        "Nyt sted: Aalborg Kongres, Hadsundvej 200, 9220 Aalborg "
        "(før: Scandic, Hadsundvej 200, 9220 Aalborg)."
    ]
    swapped = describe(before, snapshot_of(event_of(talk="Debat")), "en")
    assert swapped == ["Programme, new: 13.00 Debat.", "Programme, cancelled: 13.00 Oplæg."]


async def test_a_change_is_put_to_staff_and_told_to_exactly_the_registered(
    services: Services,
) -> None:
    await sign_up(services)
    assert await services.changes.check(services.curated, NOW) == []  # first sight: a snapshot
    assert await chat_rows(services) == []
    write_event(services.settings.knowledge_dir, start="10:30", venue="Aalborg Kongres")
    await reload(services)
    [change] = await services.changes.check(services.curated, NOW)
    assert await services.changes.check(services.curated, NOW) == []  # asked once
    [staff_chat] = await chat_rows(services)
    assert staff_chat.chat_id == str(STAFF_CHAT)
    assert "Nyt tidspunkt" in staff_chat.text and "Nyt sted: Aalborg Kongres" in staff_chat.text
    assert f"/aendring {change.id} ja" in staff_chat.text and "Tilmeldt nu: 2" in staff_chat.text
    [staff_mail] = await mail_rows(services)
    assert staff_mail.to_address == "sekretariat@kl.dk" and "Ændring til" in staff_mail.subject

    decided = await services.changes.decide(change.id, True, "Anne", services.curated, NOW)
    assert (decided.status, decided.told) == ("sent", 2)
    told = [r for r in await chat_rows(services) if r.kind == "change"]
    assert [r.chat_id for r in told] == ["501"]
    assert told[0].text.startswith("Der er en ændring til Rådsdagen 2024:\n\n- Nyt tidspunkt")
    mailed = [m for m in await mail_rows(services) if m.to_address != "sekretariat@kl.dk"]
    assert [m.to_address for m in mailed] == ["karen@a.dk"]
    assert "Nyt sted: Aalborg Kongres" in mailed[0].body
    with pytest.raises(ChangeError) as again:
        await services.changes.decide(change.id, True, "Anne", services.curated, NOW)
    assert again.value.reason == "decided"
    # What participants know now is the new version: nothing more to ask.
    assert await services.changes.check(services.curated, NOW) == []


async def test_staff_saying_no_tells_nobody_and_edits_back_withdraw_the_question(
    services: Services,
) -> None:
    await sign_up(services)
    await services.changes.check(services.curated, NOW)
    folder = services.settings.knowledge_dir
    write_event(folder, talk="Debat")
    await reload(services)
    [change] = await services.changes.check(services.curated, NOW)
    # Edited once more before staff answer: the same question, now with the newer version.
    write_event(folder, talk="Paneldebat")
    await reload(services)
    [updated] = await services.changes.check(services.curated, NOW)
    assert updated.id == change.id and "Paneldebat" in " ".join(updated.lines("da"))
    skipped = await services.changes.decide(change.id, False, "Anne", services.curated, NOW)
    assert skipped.status == "skipped" and skipped.told is None
    assert [r for r in await chat_rows(services) if r.kind == "change"] == []
    assert [m for m in await mail_rows(services) if m.to_address != "sekretariat@kl.dk"] == []
    # Changed and changed back before anyone answered: nothing waits any more.
    write_event(folder, talk="Paneldebat", venue="Et andet sted")
    await reload(services)
    assert len(await services.changes.check(services.curated, NOW)) == 1
    write_event(folder, talk="Paneldebat")
    await reload(services)
    assert await services.changes.check(services.curated, NOW) == []
    assert await services.changes.pending() == []


async def test_past_events_are_not_watched_and_unknown_changes_refused(services: Services) -> None:
    after = NOW + timedelta(days=365)
    await services.changes.check(services.curated, after)
    write_event(services.settings.knowledge_dir, venue="Et andet sted")
    await reload(services)
    assert await services.changes.check(services.curated, after) == []
    with pytest.raises(ChangeError) as missing:
        await services.changes.decide(99, True, "Anne", services.curated, NOW)
    assert missing.value.reason == "not_found"


async def test_the_watch_reloads_edited_files_and_keeps_the_old_when_broken(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    watch = KnowledgeWatch(services, clock=lambda: NOW)
    await watch.step()  # snapshots taken
    folder = services.settings.knowledge_dir
    write_event(folder, venue="Aalborg Kongres")
    await watch.step()
    event = services.kb.event(SLUG)
    assert event is not None and event.venue is not None and event.venue.name == "Aalborg Kongres"
    assert len(await services.changes.pending()) == 1
    # The bot answers from the new file at once.
    answer = services.answerer.answer("hvor er det", SLUG, "da", NOW)
    assert "Aalborg Kongres" in answer.text
    (folder / f"{SLUG}.yaml").write_text("id: raadsdag\nkind: event\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        await watch.step()
    assert "do not load" in caplog.text and f"{SLUG}.yaml" in caplog.text
    assert services.kb.event(SLUG) is not None  # still answering from the last good files


async def test_staff_answer_in_the_staff_chat_reaches_the_telegram_participant(
    tmp_path: Path,
) -> None:
    from tests.telegram.fake_bot_api import FakeBotAPI
    from tests.telegram.helpers import Clock
    from tests.telegram.test_staff import ANNE, bot_running, staff_settings

    api = FakeBotAPI()
    await api.start()
    try:
        folder = tmp_path / "knowledge"
        folder.mkdir()
        write_event(folder)
        settings = staff_settings(tmp_path, api).model_copy(
            update={"knowledge_dir": folder, "staff_chat_id": STAFF_CHAT}
        )
        async with bot_running(api, settings, Clock(NOW)) as bot:
            event = bot.services.kb.event(SLUG)
            assert event is not None
            await bot.services.registrations.signup(
                event,
                SignupForm(name="Tove", email="tove@a.dk", organisation="R"),
                channel="telegram",
                chat=ChatId("telegram", "501"),
                now=NOW,
            )
            watch = KnowledgeWatch(bot.services, clock=lambda: NOW)
            await watch.step()
            write_event(folder, start="11:00")
            await watch.step()
            [asked] = await api.wait_for_sent(
                STAFF_CHAT, predicate=lambda m: "Ændring nr. 1" in m.text
            )
            assert "Nyt tidspunkt" in asked.text
            api.send_text(STAFF_CHAT, "/aendring 1 ja", user_id=ANNE, first_name="Anne")
            [done] = await api.wait_for_sent(STAFF_CHAT, predicate=lambda m: "Sendt" in m.text)
            assert "1 tilmeldte har fået besked om ændring nr. 1" in done.text
            [notice] = await api.wait_for_sent(501)
            assert "Der er en ændring til Rådsdagen 2024" in notice.text
            assert "11.00" in notice.text
            # A participant cannot answer for staff.
            api.send_text(501, "/aendring 1 nej")
            [refused] = await api.wait_for_sent(501)
            assert "kun sekretariatet" in refused.text
            await asyncio.sleep(0)
    finally:
        await api.stop()
