"""Small events for the reminder tests, written as knowledge files like the curated ones.

- ``EFTERAAR``: Monday 28 October 2024, the day after summer time ends (27 October), with a
  deadline, a venue and sessions chosen at signup. Reminders: Thursday 24 October 09:00 (summer
  time, +02:00) and Monday 28 October 07:30 (winter time, +01:00).
- ``FORAAR``: Monday 31 March 2025, the day after summer time begins (30 March), online with a
  link. Reminders: Thursday 27 March 09:00 (+01:00) and Monday 31 March 07:30 (+02:00).
- ``PINSE``: Tuesday 21 May 2024, the day after Whit Monday: two working days before is
  Thursday 16 May. One seat, for the waiting list.
- ``SEN``: Friday 29 November 2024, no deadline (signup is open until the start).
"""

from __future__ import annotations

from pathlib import Path

from bot.clock import parse_aware

EFTERAAR = "efteraarsdag-2024"
FORAAR = "foraarsdag-2025"
PINSE = "pinsedag-2024"
SEN = "sen-tilmelding-2024"

FILES = {
    EFTERAAR: """
id: efteraarsdag-2024
kind: event
source: {file: efteraar.txt}
title: Efterårsdagen for Ældrerådene
organiser: Sekretariatet for Ældrerådene
start: 2024-10-28 10:00
end: 2024-10-28 15:00
venue: {name: Hotel Koldingfjord, address: "Fjordvej 154, 6000 Kolding"}
registration:
  deadline: 2024-10-21
  capacity: 40
  choose_session: at_signup
  sessions:
    - {key: "1", kind: workshop, title: Trygge boliger}
    - {key: "2", kind: workshop, title: Ensomhed}
contacts:
  - {name: Sekretariatet, emails: sekretariat@kommune.example.dk}
""",
    FORAAR: """
id: foraarsdag-2025
kind: event
source: {file: foraar.txt}
title: Forårskonferencen online
organiser: KKR Syddanmark
start: 2025-03-31 10:00
end: 2025-03-31 12:00
venue: {online: true, online_details: "Link til mødet: https://meet.example.dk/foraar"}
registration: {deadline: "2025-03-21 12:00"}
""",
    PINSE: """
id: pinsedag-2024
kind: event
source: {file: pinse.txt}
title: Temadag efter pinse
organiser: Sekretariatet
start: 2024-05-21 09:00
end: 2024-05-21 12:00
venue: {name: Musikkens Hus, address: "Musikkens Plads 1, 9000 Aalborg"}
registration: {deadline: 2024-05-10, capacity: 1}
""",
    SEN: """
id: sen-tilmelding-2024
kind: event
source: {file: sen.txt}
title: Temadag med sen tilmelding
organiser: Sekretariatet
start: 2024-11-29 10:00
end: 2024-11-29 14:00
venue: {name: Rådhuset, address: "Boulevarden 13, 9000 Aalborg"}
registration: {how: Skriv til sekretariatet}
""",
}

# Before every deadline, when people sign up.
SIGNUP_TIME = parse_aware("2024-04-02T10:00:00+02:00")


def write_events(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in FILES.items():
        (folder / f"{slug}.yaml").write_text(text.lstrip(), encoding="utf-8")
