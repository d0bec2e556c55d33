"""A change to the venue's access (step-free access, hearing loop, ...) is a change participants
are told about, as a new time or place is: put to staff, then sent on their word, in plain Danish.

On the real services of ``test_changes`` (a knowledge folder edited as staff would, the real
couriers, SQLite and PostgreSQL).
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.changes.snapshot import describe, snapshot_of
from bot.services import Services
from tests.changes.test_changes import (
    EVENT,
    NOW,
    SLUG,
    chat_rows,
    event_of,
    mail_rows,
    reload,
    services,
    sign_up,
)

__all__ = ["services"]  # the fixture, on both databases

PLAIN_VENUE = "venue: {{name: {venue}, address: 'Hadsundvej 200, 9220 Aalborg'}}"


def write_with_access(folder: Path, access: str) -> None:
    """The test event with ``venue.access`` as given (YAML flow mapping)."""
    text = EVENT.replace(
        PLAIN_VENUE,
        "venue: {{name: {venue}, address: 'Hadsundvej 200, 9220 Aalborg', access: "
        + access.replace("{", "{{").replace("}", "}}")
        + "}}",
    ).format(start="10:00", venue="Scandic", talk="Oplæg")
    assert "access:" in text
    path = folder / f"{SLUG}.yaml"
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_access_fields_are_compared_and_said_in_plain_words() -> None:
    plain = snapshot_of(event_of())
    assert plain["access"] == {}
    import yaml

    def with_access(access: str) -> dict[str, object]:
        data = yaml.safe_load(EVENT.format(start="10:00", venue="Scandic", talk="Oplæg"))
        data["venue"]["access"] = yaml.safe_load(access)
        from bot.knowledge.schema import Event

        return snapshot_of(Event.model_validate(data))

    before = with_access("{step_free: ja, hearing_loop: ja}")
    assert describe(before, with_access("{step_free: ja, hearing_loop: ja}"), "da") == []
    after = with_access("{step_free: nej, hearing_loop: ja, quiet_room: 'Stillerum i kælderen'}")
    assert describe(before, after, "da") == [
        "Niveaufri adgang: nu nej (før: ja).",
        "Stille rum: nu Stillerum i kælderen (før: ikke oplyst).",
    ]
    assert describe(before, with_access("{step_free: ja}"), "en") == [
        "Hearing loop in the room: now not stated (was yes)."
    ]
    # A snapshot kept from before access was compared is not a change by itself.
    old = {k: v for k, v in plain.items() if k != "access"}
    assert describe(old, before, "da") == []


async def test_a_changed_hearing_loop_is_put_to_staff_and_told_to_the_registered(
    services: Services,
) -> None:
    folder = services.settings.knowledge_dir
    write_with_access(folder, "{step_free: ja, hearing_loop: ja}")
    await reload(services)
    await sign_up(services)
    assert await services.changes.check(services.curated, NOW) == []  # first sight
    write_with_access(folder, "{step_free: ja, hearing_loop: nej}")
    await reload(services)
    [change] = await services.changes.check(services.curated, NOW)
    assert change.lines("da") == ["Teleslynge i salen: nu nej (før: ja)."]
    [staff_chat] = await chat_rows(services)
    assert "Teleslynge i salen: nu nej (før: ja)." in staff_chat.text

    decided = await services.changes.decide(change.id, True, "Anne", services.curated, NOW)
    assert (decided.status, decided.told) == ("sent", 2)
    [told] = [r for r in await chat_rows(services) if r.kind == "change"]
    assert told.chat_id == "501"
    assert told.text.startswith(
        "Der er en ændring til Rådsdagen 2024:\n\n- Teleslynge i salen: nu nej (før: ja)."
    )
    [mailed] = [m for m in await mail_rows(services) if m.to_address == "karen@a.dk"]
    assert "- Teleslynge i salen: nu nej (før: ja)." in mailed.body
    # Stated again as it was: nothing more to ask once participants were told.
    assert await services.changes.check(services.curated, NOW) == []
