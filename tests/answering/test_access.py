"""The venue's accessibility: a question about a part the knowledge states is answered with it,
in Danish and English and in participants' own words; a part it leaves out goes to staff, and is
never answered "no", nor with another part (a ramp is no answer about the toilet)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.answering import Answerer
from bot.clock import TZ
from bot.knowledge import KnowledgeBase
from bot.knowledge.loader import parse_source

NOW = datetime(2027, 2, 1, 10, 0, tzinfo=TZ)


def event(slug: str, access: dict[str, Any] | None) -> dict[str, Any]:
    venue: dict[str, Any] = {"name": "Viborg Rådhus", "address": "Prinsens Allé 5, 8800 Viborg"}
    if access is not None:
        venue["access"] = access
    return {
        "id": slug,
        "kind": "event",
        "source": {"file": "invitation.txt"},
        "title": f"Netværksmøde for ældreråd {slug}",
        "organiser": "KKR Midtjylland",
        "start": "2027-03-10 10:00",
        "end": "2027-03-10 15:00",
        "venue": venue,
    }


STATED = {
    "step_free": "Niveaufri adgang ad rampen ved hovedindgangen; elevator til byrådssalen.",
    "accessible_toilet": "ja",
    "hearing_loop": "Teleslynge i byrådssalen.",
    "disabled_parking": "3 handicappladser lige ved hovedindgangen.",
    "public_transport": "400 m fra Viborg Station; bus 3 og 5 stopper ved Rådhuset.",
    "seating": "Borde med 6 pladser og stole med armlæn.",
}


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    sources = []
    for slug, access in (
        ("stated", STATED),
        ("quiet-no", {"quiet_room": "nej"}),
        ("silent", None),
    ):
        source, problems = parse_source(event(slug, access), f"{slug}.yaml")
        assert source is not None, problems
        sources.append(source)
    return Answerer(KnowledgeBase(sources))


def ask(answerer: Answerer, question: str, slug: str, lang: str = "da") -> tuple[bool, str]:
    answer = answerer.answer(question, slug, lang, NOW)  # type: ignore[arg-type]
    return answer.escalate, answer.text


@pytest.mark.parametrize(
    ("question", "lang", "said"),
    [
        ("Er der handicaptoilet?", "da", "Ja, der er handicaptoilet."),
        ("findes der et toilet man kan bruge i kørestol", "da", "Ja, der er handicaptoilet."),
        ("Is there an accessible toilet?", "en", "Yes, there is an accessible toilet."),
        ("Kan man komme ind med kørestol?", "da", "rampen ved hovedindgangen"),
        ("jeg går med rollator, er der trapper op til salen", "da", "elevator til byrådssalen"),
        ("Can I get in with a wheelchair?", "en", "Step-free access: Niveaufri adgang"),
        ("Er der teleslynge i salen?", "da", "Teleslynge i byrådssalen."),
        ("jeg har høreapparat, virker det derinde", "da", "Teleslynge i byrådssalen."),
        ("Is there a hearing loop?", "en", "Teleslynge i byrådssalen."),
        ("Hvor langt er der fra stationen?", "da", "400 m fra Viborg Station"),
        ("hvilken bus skal man tage derud", "da", "bus 3 og 5"),
        ("How far is it from the station?", "en", "Public transport: 400 m"),
        ("Er der handicapparkering?", "da", "3 handicappladser"),
        ("min mand har handicapkort, kan vi holde tæt ved døren", "da", "3 handicappladser"),
        ("Is there disabled parking?", "en", "Parking for disabled people: 3 handicappladser"),
        ("sidder man ved borde eller på rækker", "da", "Borde med 6 pladser"),
        ("Are there chairs with armrests?", "en", "stole med armlæn"),
    ],
)
def test_a_stated_part_answers(answerer: Answerer, question: str, lang: str, said: str) -> None:
    escalated, text = ask(answerer, question, "stated", lang)
    assert not escalated and said in text, text


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Er der et stille rum?", "da"),  # every other part is stated, this one is not
        ("er der et sted man kan hvile sig hvis man bliver træt", "da"),
        ("Is there a quiet room?", "en"),
    ],
)
def test_a_part_left_out_goes_to_staff(answerer: Answerer, question: str, lang: str) -> None:
    escalated, text = ask(answerer, question, "stated", lang)
    assert escalated, text
    assert "Nej" not in text and "No," not in text


@pytest.mark.parametrize(
    "question",
    [
        "Er der handicaptoilet?",
        "Kan man komme ind med kørestol?",
        "Er der teleslynge i salen?",
        "Hvor langt er der fra stationen?",
        "Er der handicapparkering?",
        "Er der et stille rum?",
        "er der stole med armlæn",
    ],
)
def test_a_venue_that_states_nothing_hands_every_part_to_staff(
    answerer: Answerer, question: str
) -> None:
    escalated, text = ask(answerer, question, "silent")
    assert escalated, text


def test_a_stated_no_is_said_and_only_for_its_part(answerer: Answerer) -> None:
    assert ask(answerer, "Er der et stille rum?", "quiet-no") == (
        False,
        "Nej, der er ikke et stille rum.",
    )
    assert ask(answerer, "Is there a quiet room?", "quiet-no", "en") == (
        False,
        "No, there is no quiet room.",
    )
    escalated, text = ask(answerer, "Er der handicaptoilet?", "quiet-no")
    assert escalated, text
