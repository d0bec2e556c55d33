"""Export and erasure through the real services, on SQLite and PostgreSQL.

The export lists everything a person left on both channels; after the erasure a search of every
column of every table finds nothing of them, another person's data is whole, and the audit
trail still has its lines.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.delivery.models import ChatOutboxMessage
from bot.privacy.service import Privacy, Who
from bot.registrations.identity import ChatId
from bot.registrations.models import AuditEntry
from bot.services import Services
from tests.privacy.conftest import (
    AUTUMN,
    KAREN,
    NOW,
    OLE,
    SPRING,
    TITLES,
    everywhere,
    search,
    traces,
)


async def audit_lines(services: Services) -> int:
    async with services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_the_export_holds_everything_from_both_channels(services: Services) -> None:
    handled = await everywhere(services, KAREN)
    assert [(h.action, h.result) for h in handled] == [
        ("signup", "registered"),
        ("question", "escalated"),
    ]
    export = await Privacy(services).export(
        Who.of(chat=ChatId("telegram", str(KAREN.telegram))), "da", NOW
    )
    text = export.text
    for shown in (
        KAREN.name,
        KAREN.email,
        str(KAREN.telegram),
        KAREN.organisation,
        TITLES[SPRING],
        TITLES[AUTUMN],
        KAREN.phrase,
        "Svar fra sekretariatet",  # the relayed staff answer, in the chat outbox
        f"SV: Invitation: {TITLES[AUTUMN]}",  # her e-mails and the bot's replies
    ):
        assert shown in text, shown
    assert OLE.name not in text

    data = json.loads(export.json)["data"]
    assert {r["event_slug"] for r in data["registrations"]} == {SPRING, AUTUMN}
    assert {r["channel"] for r in data["registrations"]} == {"telegram", "email"}
    assert [c["channel"] for c in data["cases"]] == ["telegram", "email"]
    telegram_case = data["cases"][0]
    authors = [m["author"] for m in telegram_case["messages"]]
    assert authors == ["participant", "participant", "staff", "bot"]  # the bot: "taught"
    # Staff members' names are theirs, not the participant's.
    assert "taken_by" not in telegram_case and telegram_case["messages"][2]["author_name"] is None
    assert [la["question"] for la in data["learned_answers"]] == [f"Må {KAREN.phrase} komme med?"]
    assert len(data["mail_inbound"]) == 2 and len(data["mail_outbox"]) == 2
    assert [m["kind"] for m in data["chat_outbox"]] == ["taken", "relay"]
    assert [c["chat_id"] for c in data["conversations"]] == [str(KAREN.telegram)]
    assert {i["kind"] for i in data["identities"]} == {"email", "telegram"}
    assert len(data["registration_audit"]) == 2

    # Asked by e-mail, the same person: the same data.
    by_mail = await Privacy(services).export(Who.of(email=KAREN.email), "en", NOW)
    assert json.loads(by_mail.json)["data"] == data
    assert "Your registrations:" in by_mail.text and by_mail.filename == "my-data.json"


async def test_erasure_leaves_nothing_of_the_person_and_everything_of_others(
    services: Services,
) -> None:
    await everywhere(services, KAREN)
    await everywhere(services, OLE)  # on the waiting list of both days (one seat each)
    assert await search(services, traces(KAREN))
    before = await audit_lines(services)
    ole_before = await Privacy(services).data(Who.of(chat=ChatId("telegram", str(OLE.telegram))))

    erased = await Privacy(services).erase(
        Who.of(chat=ChatId("telegram", str(KAREN.telegram))), channel="telegram", now=NOW
    )
    assert erased.counts["registrations"] == 2 and erased.counts["cases"] == 2
    assert erased.taught == 1

    assert await search(services, traces(KAREN)) == []
    # The audit trail keeps its lines, and says what happened: cancelled, erased.
    after = await services.registrations.audit_trail()
    assert len(after) > before
    assert {a.action for a in after} >= {"signed_up", "cancelled", "erased", "promoted"}
    # Ole got Karen's seats from the waiting list, and is told on his own channel.
    assert {p.name for p in erased.promoted} == {OLE.name}
    async with services.db.session() as session:
        told = await session.scalars(
            select(ChatOutboxMessage.chat_id).where(ChatOutboxMessage.kind == "promotion")
        )
        assert list(told) == [str(OLE.telegram)] * len(erased.promoted)
    ole = await Privacy(services).data(Who.of(chat=ChatId("telegram", str(OLE.telegram))))
    assert len(ole.registrations) == len(ole_before.registrations) == 2
    assert {r["status"] for r in ole.registrations} == {"registered"}
    assert len(ole.cases) == len(ole_before.cases) == 2
    assert ole.rows["mail_inbound"] == ole_before.rows["mail_inbound"]
    assert await search(services, traces(OLE))
    # What staff taught from Karen's question is gone from the answers, Ole's is kept.
    assert [la.question for la in await services.cases.learned()] == [f"Må {OLE.phrase} komme med?"]

    # Nothing is left to export, or to erase again.
    empty = await Privacy(services).export(Who.of(email=KAREN.email), "da", NOW)
    assert empty.data.empty and "ingenting gemt" in empty.text


async def test_taught_answers_leave_the_bot_when_the_erasure_commits_not_before(
    services: Services,
) -> None:
    """In a unit of work (the mailbox's batch), the erasure is a savepoint: the bot keeps
    answering with the person's taught answer until the batch commits, and for good when the
    batch is rolled back (the erasure never happened)."""
    await everywhere(services, KAREN)
    await everywhere(services, OLE)
    karen = Who.of(chat=ChatId("telegram", str(KAREN.telegram)))
    taught = [la.question for la in services.learned]
    assert len(taught) == 2

    class Crash(Exception):
        pass

    try:
        async with services.db.unit():
            await Privacy(services).erase(karen, channel="telegram", now=NOW)
            assert [la.question for la in services.learned] == taught  # not committed yet
            raise Crash
    except Crash:
        pass
    assert [la.question for la in services.learned] == taught
    assert len(await services.cases.learned()) == 2

    async with services.db.unit():
        await Privacy(services).erase(karen, channel="telegram", now=NOW)
        assert [la.question for la in services.learned] == taught
    assert [la.question for la in services.learned] == [f"Må {OLE.phrase} komme med?"]
