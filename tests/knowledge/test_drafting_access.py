"""The venue's accessibility drafted from invitations that state it (issue 16): each field from
the line that says it, as yes, no or the source's own words, with that line as its comment; what
the invitation does not state is left out, and a list of needs participants may ask for is not
read as the venue's. Drafted from text, Word and PDF alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.schema import Venue
from tests.knowledge.test_drafting_layouts import FORMATS, drafted

DANISH = """Temadag om tilgængelighed 2025

Torsdag den 8. maj 2025 kl. 10.00-15.00
Sted: Kulturhuset Islands Brygge, Islands Brygge 18, 2300 København S

Tilmelding senest den 25. april 2025 til tilmelding@kl.dk. Oplys gerne
særlige behov ved tilmelding, fx tegnsprogstolk, teleslynge eller kost.

Praktisk
Der er niveaufri adgang og handicaptoilet.
Der er desværre ingen teleslynge i salen.
Handicapparkering ved indgangen.
Der er et stillerum på 1. sal.
Kulturhuset ligger 5 minutters gang fra Islands Brygge Metro.
"""

ENGLISH = """Nordic Day on Independent Living 2025

Tuesday 14 October 2025, 9:30-16:00
Venue: Musikhuset, Thomas Jensens Allé 2, 8000 Aarhus C

The venue has step-free access and an accessible toilet on every floor.
There is a hearing loop in the room.
No quiet room is available.
Musikhuset is a 10-minute walk from Aarhus Central Station.
"""

PLAIN = """Dialogmøde om budget 2026

Mandag den 3. marts 2025 kl. 16.00-18.00
Sted: Rådhuset, Torvet 1, 7400 Herning
Tilmelding senest den 20. februar 2025.
"""


def venue_written(text: str) -> dict[str, Any]:
    written = yaml.safe_load(text)
    assert isinstance(written, dict)
    venue: dict[str, Any] = written["venue"]
    Venue.model_validate(venue)  # as the knowledge check reads it
    return venue


@pytest.mark.parametrize("fmt", FORMATS)
def test_danish_access_fields_with_their_lines(fmt: str, tmp_path: Path) -> None:
    draft, text = drafted(DANISH, fmt, tmp_path)
    assert draft.venue is not None
    access = {key: found.value for key, found in draft.venue.access.items()}
    assert access == {
        "step_free": True,
        "accessible_toilet": True,
        "hearing_loop": False,
        "disabled_parking": "Handicapparkering ved indgangen.",
        "quiet_room": "Der er et stillerum på 1. sal.",
        "public_transport": "Kulturhuset ligger 5 minutters gang fra Islands Brygge Metro.",
    }
    lines = {key: found.line.text for key, found in draft.venue.access.items() if found.line}
    assert lines["step_free"] == lines["accessible_toilet"]
    assert "niveaufri adgang og handicaptoilet" in lines["step_free"]
    assert "ingen teleslynge" in lines["hearing_loop"]  # not the list of needs above it
    assert venue_written(text)["access"] == access
    step_free = text.index("    step_free: true")
    comment = text.rfind("\n", 0, step_free - 1)
    assert "Der er niveaufri adgang og handicaptoilet." in text[comment:step_free]
    assert "seating" not in venue_written(text)["access"]  # not stated: left out


def test_english_access_fields(tmp_path: Path) -> None:
    draft, text = drafted(ENGLISH, "txt", tmp_path)
    assert draft.venue is not None
    assert {key: found.value for key, found in draft.venue.access.items()} == {
        "step_free": True,
        "accessible_toilet": (
            "The venue has step-free access and an accessible toilet on every floor."
        ),
        "hearing_loop": True,
        "quiet_room": False,
        "public_transport": "Musikhuset is a 10-minute walk from Aarhus Central Station.",
    }
    assert venue_written(text)["access"]["hearing_loop"] is True


def test_nothing_stated_nothing_drafted(tmp_path: Path) -> None:
    draft, text = drafted(PLAIN, "txt", tmp_path)
    assert draft.venue is not None and draft.venue.access == {}
    assert "access:" not in text
    assert venue_written(text)["name"] == "Rådhuset"


def test_a_field_said_both_ways_is_unsure(tmp_path: Path) -> None:
    text = PLAIN + "\nDer er teleslynge i salen.\n\nDer er ingen teleslynge.\n"
    draft, written = drafted(text, "txt", tmp_path)
    assert draft.venue is not None
    found = draft.venue.access["hearing_loop"]
    assert found.value is True and found.unsure is not None
    assert (
        found.unsure.say("da") == "kilden siger det to gange, forskelligt (også linje 9); tjek det"
    )
    assert "the source says this twice, differently (also line 9)" in written
    assert "hearing_loop: true" in written
