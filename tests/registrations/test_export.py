"""The CSV export for staff: opens in Danish Excel, with waiting-list places and needs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.knowledge.schema import Event
from bot.registrations import Identity, RegistrationService, SignupForm
from bot.registrations.export import export_csv
from bot.storage import Database
from tests.conftest import run_bot
from tests.registrations.events import NOW, make_event

TEMADAG = "handicapraad-temadag-2024"


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


async def test_csv_has_bom_semicolons_positions_and_needs(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = make_event(
        "eksport",
        capacity=1,
        choose_session="at_signup",
        sessions=[{"key": "1", "title": "Tilgængelighed; i praksis"}],
    )
    events[event.id] = event
    people = [
        SignupForm(
            "Søren Ærø",
            "soren@example.dk",
            "Ældrerådet",
            session="1",
            needs="Kørestol\nDiæt: glutenfri",
        ),
        SignupForm("Åse Øster", "aase@example.dk", "Handicaprådet", session="1"),
        SignupForm("Bo Jensen", "bo@example.dk", '=HYPERLINK("x")', session="1", needs="-tolk"),
    ]
    for person in people:
        await service.signup(event, person, channel="email", now=NOW)
    await service.cancel(event, Identity(email="aase@example.dk"), channel="email", now=NOW)

    data = export_csv(await service.event_registrations(event.id), event, lang="da")
    assert b"\r\n" in data
    table = read(data)
    assert table[0] == [
        "Status",
        "Venteliste nr.",
        "Navn",
        "E-mail",
        "Organisation",
        "Session",
        "Behov",
        "Tilmeldt",
        "Kanal",
        "Afmeldt",
        "Noterede behov",
        "Hjælpere eller ledsagere",
        "Tjekket ind",
    ]
    # The words read as kinds: "Kørestol", "Diæt: glutenfri"; nobody checked in yet.
    assert table[1][10:] == ["kørestol eller rollator, kost eller madallergi", "", ""]
    assert [row[:3] for row in table[1:]] == [
        ["tilmeldt", "", "Søren Ærø"],
        ["venteliste", "1", "Bo Jensen"],
    ]
    assert table[1][5] == "1: Tilgængelighed; i praksis"
    assert table[1][6] == "Kørestol\nDiæt: glutenfri"
    assert table[1][7] == "2024-04-01 10:00"
    assert table[2][4] == '\'=HYPERLINK("x")' and table[2][6] == "'-tolk"  # no formulas

    everyone = read(
        export_csv(await service.event_registrations(event.id, include_cancelled=True), event)
    )
    assert everyone[-1][0] == "afmeldt" and everyone[-1][2] == "Åse Øster"
    assert everyone[-1][9] == "2024-04-01 10:00"


async def test_export_command_writes_the_file(tmp_path: Path, events: dict[str, Event]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    db = Database.connect(url)
    try:
        await db.migrate()
        service = RegistrationService(db, events.get)
        await service.signup(
            events[TEMADAG],
            SignupForm("Anna Hansen", "anna@example.dk", "Handicaprådet", needs="Tolk"),
            channel="cli",
            now=NOW,
            actor="staff",  # a staff tool names who acts; without it the person acted
        )
    finally:
        await db.close()
    out = tmp_path / "deltagere.csv"
    env = {"BOT_DATABASE_URL": url}
    done = run_bot("registrations", "export", TEMADAG, "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    table = read(out.read_bytes())
    assert table[1][:7] == [
        "tilmeldt",
        "",
        "Anna Hansen",
        "anna@example.dk",
        "Handicaprådet",
        "",
        "Tolk",
    ]
    listing = run_bot("registrations", "list", TEMADAG, env=env)
    assert listing.returncode == 0 and "Anna Hansen" in listing.stdout
    counts = run_bot("registrations", "list", env=env)
    assert TEMADAG in counts.stdout
    audit = run_bot("registrations", "audit", TEMADAG, env=env)
    assert "signed_up - -> registered by staff via cli" in audit.stdout
    unknown = run_bot("registrations", "export", "findes-ikke", env=env)
    assert unknown.returncode == 2
