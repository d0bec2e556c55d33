"""Health-adjacent data of needs arranged in time: whether a need was arranged (and by whom) and
the alerts about it are in the person's data report, go with erasure, and are never logged; on
SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.arranging.marking import Arranging
from bot.clock import parse_aware
from bot.privacy.service import Privacy, Who
from bot.registrations.models import RegistrationNeed
from bot.reminders.models import SentNotice
from bot.services import Services
from tests.arranging.test_alerts import BIRTHE, handler, reply
from tests.reminders.events import FORAAR


async def test_arranged_and_alerted_are_reported_erased_and_never_logged(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    now = parse_aware("2025-03-19T10:00:00+01:00")
    await handler(services).handle(
        reply("Ja tak, jeg kommer. Jeg er døv og har brug for tegnsprogstolk."), now=now
    )
    [birthe] = await services.registrations.event_registrations(FORAAR)
    await Arranging(services.registrations, services.delivery).mark(
        services.kb.event(FORAAR),  # type: ignore[arg-type]
        birthe.id,
        "sign_language",
        arranged=True,
        by="Anne Sekretær",
        actor="staff:anne",
        channel="system",
        now=now,
    )
    who = Who(emails=(BIRTHE,))
    privacy = Privacy(services)
    report = (await privacy.export(who, "da", now)).text
    assert "Sørget for til dig: tegnsprogstolk (onsdag den 19. marts 2025 kl. 10.00)." in report
    assert "beskeder til sekretariatet om, at din tolk skulle bestilles (1)" in report
    data = await privacy.data(who)
    [need] = data.rows["registration_needs"]
    assert need["arranged_by"] == "Anne Sekretær"

    await privacy.erase(who, channel="email", now=now)
    async with services.db.session() as session:
        assert list(await session.scalars(select(RegistrationNeed))) == []
        keys = list(await session.scalars(select(SentNotice.key)))
    assert not [k for k in keys if k.startswith("needs:")]
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    for private in ("tegnsprogstolk", "sign_language", "Birthe", BIRTHE, "Anne Sekretær"):
        assert private not in logged, private
    assert "needs alert for foraarsdag-2025 queued: 1 need(s)" in logged
