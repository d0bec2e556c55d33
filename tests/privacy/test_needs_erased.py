"""Needs (health data) and companions in the privacy report, and gone without a trace when the
person is erased: every column of every table is searched, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.privacy.service import Privacy, Who
from bot.registrations.models import RegistrationCompanion, RegistrationNeed
from bot.services import Services
from tests.privacy.conftest import AUTUMN, KAREN, NOW, OLE, TITLES, email, mail_handler, search

NEEDS = (
    "Ja tak, jeg deltager gerne. Jeg bruger Xyzolator-rollatoren og tåler ikke laktose. "
    "Min ledsager Fidolina Qvistgaard kommer med.\n\nMvh {name}\n{organisation}"
)


async def rows(
    services: Services, model: type[RegistrationNeed] | type[RegistrationCompanion]
) -> int:
    async with services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_needs_are_reported_and_erasure_leaves_no_trace(services: Services) -> None:
    handler = mail_handler(services)
    for who in (KAREN, OLE):
        handled = await handler.handle(
            email(
                who,
                NEEDS.format(name=who.name, organisation=who.organisation),
                subject=f"SV: Invitation: {TITLES[AUTUMN]}",
            ),
            now=NOW,
        )
        assert handled.result in ("registered", "waitlisted")
        assert set(handled.needs) == {"wheelchair", "diet", "companion"}
        assert handled.companion_names == ("Fidolina Qvistgaard",)
    assert await rows(services, RegistrationNeed) == 6
    assert await rows(services, RegistrationCompanion) == 2

    report = await Privacy(services).export(Who.of(email=KAREN.email), "da", NOW)
    assert "Vi har noteret: kørestol eller rollator, hjælper eller ledsager, kost" in report.text
    assert report.data.rows["registration_needs"] and report.data.rows["registration_companions"]

    traces = ["Xyzolator", "laktose", "Fidolina"]
    found = await search(services, traces)
    assert {table for table, _column, _needle in found} >= {
        "registration_needs",
        "registration_companions",
    }
    await Privacy(services).erase(Who.of(email=KAREN.email), channel="email", now=NOW)
    # Ole's needs are his and stay; of Karen's, nothing anywhere.
    assert await rows(services, RegistrationNeed) == 3
    assert await rows(services, RegistrationCompanion) == 1
    ole = await Privacy(services).data(Who.of(email=OLE.email))
    left = await search(services, traces)
    ole_registration = {r["id"] for r in ole.registrations}
    need_rows = ole.rows["registration_needs"]
    assert {n["registration_id"] for n in need_rows} == ole_registration
    await Privacy(services).erase(Who.of(email=OLE.email), channel="email", now=NOW)
    assert await rows(services, RegistrationNeed) == 0
    assert await rows(services, RegistrationCompanion) == 0
    assert await search(services, traces) == []
    assert left  # Ole's were there until he too was erased
