"""The web chat tests' knowledge: a theme day a year from now with two workshops to choose from
when signing up, on the real clock as ``python -m bot run`` uses it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import now

SLUG = "tilgaengelighed-naeste-aar"
WORKSHOPS = ("Tilgængelige byrum", "Hjælpemidler i hverdagen")


def workshop_day(folder: Path) -> str:
    """Write the knowledge folder; the event's title."""
    day = (now() + timedelta(days=365)).date()
    title = f"Temadag om tilgængelighed {day.year}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{SLUG}.yaml").write_text(
        f"id: {SLUG}\nkind: event\nsource: {{file: x.txt}}\ntitle: {title}\n"
        "organiser: Sekretariat for Nordjysk Socialaftale\n"
        f"start: {day} 10:00\nend: {day} 15:00\n"
        "venue: {name: Aalborg Kongres & Kultur Center, address: 'Europa Plads 4, 9000 Aalborg'}\n"
        "registration:\n"
        f"  deadline: {day - timedelta(days=30)}\n"
        "  email: sekretariat@nordjysk.example.dk\n"
        "  choose_session: at_signup\n"
        "  sessions:\n"
        f"    - {{key: '1', kind: workshop, title: {WORKSHOPS[0]}}}\n"
        f"    - {{key: '2', kind: workshop, title: {WORKSHOPS[1]}}}\n",
        encoding="utf-8",
    )
    return title
