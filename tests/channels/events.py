"""Knowledge for tests that run the channels on the real clock: events a year from now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import now


def two_future_events(folder: Path) -> dict[str, str]:
    """A knowledge folder with two theme days a year from now; their titles by id."""
    day = (now() + timedelta(days=365)).date()
    folder.mkdir()
    titles: dict[str, str] = {}
    for slug, title, offset in (
        ("temadag-naeste-aar", f"Temadag for Handicaprådene i Nordjylland – {day.year}", 0),
        ("anden-dag-naeste-aar", f"Politisk visionsdag {day.year}", 7),
    ):
        when = day + timedelta(days=offset)
        (folder / f"{slug}.yaml").write_text(
            f"id: {slug}\nkind: event\nsource: {{file: x.txt}}\ntitle: {title}\n"
            f"organiser: Sekretariat for Nordjysk Socialaftale\nstart: {when} 11:00\n"
            f"end: {when} 14:30\n"
            "venue: {name: Scandic Aalborg Øst, address: 'Hadsundvej 200, 9220 Aalborg'}\n"
            f"registration: {{deadline: {when - timedelta(days=30)}}}\n",
            encoding="utf-8",
        )
        titles[slug] = title
    return titles
