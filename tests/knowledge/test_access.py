"""The venue's accessibility in a knowledge file: yes, no or a sentence; anything else is named
by ``knowledge check`` in plain Danish, and a field left out stays unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import load_knowledge
from tests.knowledge.test_check import check, event, problems

VENUE = """\
venue:
  name: Viborg Rådhus
  access:
{fields}"""


def with_access(*fields: str) -> str:
    return event(extra=VENUE.format(fields="".join(f"    {f}\n" for f in fields)))


def test_yes_no_and_sentences_are_kept(tmp_path: Path) -> None:
    text = with_access(
        "step_free: ja",
        "accessible_toilet: Nej",
        "hearing_loop: yes",  # YAML's own yes
        "disabled_parking: 3 handicappladser ved indgangen",
        "public_transport: 400 m fra Viborg Station; bus 3",
        "seating: Borde og stole med armlæn",
    )
    (tmp_path / "temadag.yaml").write_text(text, encoding="utf-8")
    access = load_knowledge(tmp_path).events["temadag-2027"].venue.access  # type: ignore[union-attr]
    assert access is not None
    assert (access.step_free, access.accessible_toilet, access.hearing_loop) == (True, False, True)
    assert access.disabled_parking == "3 handicappladser ved indgangen"
    assert access.quiet_room is None  # not stated: not known, never "no"


@pytest.mark.parametrize(
    ("field", "says"),
    [
        (
            "accessible_toilet: 2",
            "linje 27 (venue.access.accessible_toilet): skriv ja, nej eller en sætning om, hvad "
            "der er, fx 'Handicaptoilet ved salen'",
        ),
        (
            "hearing_loop: måske",
            "linje 27 (venue.access.hearing_loop): 'måske' siger det ikke; udelad feltet, når I "
            "ikke ved det, så spørger botten sekretariatet",
        ),
        (
            'quiet_room: "?"',
            "(venue.access.quiet_room): '?' siger det ikke",
        ),
        (
            "public_transport: ja",
            "linje 27 (venue.access.public_transport): skriv det som en sætning, fx '400 m fra "
            "Viborg Station; bus 3 og 5 stopper ved Rådhuset'",
        ),
        (
            "seating: [borde, stole]",
            "(venue.access.seating): skriv det som en sætning",
        ),
        ('step_free: ""', "(venue.access.step_free): må ikke være tom"),
        ("toilet: ja", "(venue.access.toilet): er ikke et kendt felt (tjek stavningen)"),
    ],
)
def test_a_value_the_bot_cannot_use_is_named_in_danish(
    tmp_path: Path, field: str, says: str
) -> None:
    found = problems(tmp_path, with_access(field))
    assert len(found) == 1 and says in found[0], found


def test_knowledge_check_says_it(tmp_path: Path) -> None:
    code, stderr = check(tmp_path, with_access("step_free: ja", "accessible_toilet: 2"))
    assert code == 2
    assert "temadag.yaml, linje 28 (venue.access.accessible_toilet): skriv ja, nej" in stderr
