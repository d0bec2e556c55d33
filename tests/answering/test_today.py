"""'Today', 'now' and 'next' are counted in Copenhagen: around midnight and across summer time.

A day that starts or ends summer time has 23 or 25 hours; an answer about "today" must follow the
calendar in Copenhagen, not UTC and not the server's zone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.clock import parse_aware
from bot.knowledge import load_knowledge

TEMADAG = "handicapraad-temadag-2024"


def day_event(folder: Path, slug: str, day: str) -> None:
    (folder / f"{slug}.yaml").write_text(
        f"id: {slug}\nkind: event\nsource: {{file: x.txt}}\ntitle: Dagen {day}\n"
        f"organiser: Sekretariatet\nstart: {day} 10:00\nend: {day} 15:00\n"
        "programme:\n"
        "  - {start: '10:00', title: Velkomst}\n"
        "  - {start: '12:00', title: Frokost, kind: meal}\n"
        "  - {start: '13:00', title: Oplæg om frivillige}\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def summer_time_days(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    """Events on the days summer time ends (26 Oct 2025) and begins (30 Mar 2025)."""
    folder = tmp_path_factory.mktemp("knowledge")
    day_event(folder, "efteraar", "2025-10-26")
    day_event(folder, "foraar", "2025-03-30")
    return Answerer(load_knowledge(folder))


def say(answerer: Answerer, question: str, event: str, now: str, lang: str = "da") -> str:
    answer = answerer.answer(question, event, lang, parse_aware(now))  # type: ignore[arg-type]
    assert not answer.escalate, (question, now, answer.text)
    return answer.text


def test_is_it_today_turns_at_midnight_in_copenhagen(answerer: Answerer) -> None:
    before, after = "2024-05-30T23:55:00+02:00", "2024-05-31T00:05:00+02:00"
    assert say(answerer, "Er det i dag?", TEMADAG, before).startswith("Nej,")
    assert "er ikke i dag" in say(answerer, "er det idag", TEMADAG, before)
    assert say(answerer, "Er temadagen i morgen?", TEMADAG, before).startswith("Ja,")
    assert say(answerer, "Er det i dag?", TEMADAG, after).startswith("Ja,")
    assert "er i dag: fredag den 31. maj 2024" in say(answerer, "hvornår er det", TEMADAG, after)
    assert "er i morgen: fredag" in say(answerer, "hvornår er det", TEMADAG, before)
    # The same instant in UTC is still the 30th: Copenhagen's calendar decides.
    assert say(answerer, "Er det i dag?", TEMADAG, "2024-05-30T22:05:00+00:00").startswith("Ja,")
    assert say(answerer, "is it today?", TEMADAG, after, "en").startswith("Yes,")
    over = say(answerer, "Er det i dag?", TEMADAG, "2024-06-01T09:00:00+02:00")
    assert over.startswith("Nej.") and " var fredag den 31. maj" in over


def test_now_and_next_use_the_time_of_day_from_midnight(answerer: Answerer) -> None:
    late = say(answerer, "/program nu", TEMADAG, "2024-05-30T23:59:00+02:00")
    assert "er fredag den 31. maj 2024" in late and "10.30" in late
    early = say(answerer, "hvad sker der nu", TEMADAG, "2024-05-31T00:01:00+02:00")
    assert early == "Programmet begynder kl. 10.30."
    assert "12.15" in say(answerer, "hvad sker der nu", TEMADAG, "2024-05-31T12:20:00+02:00")
    assert "Program for" in say(answerer, "hvad sker der i dag", TEMADAG, "2024-05-31T08:00+02:00")


def test_what_else_is_asked_about_a_day_still_goes_to_staff(answerer: Answerer) -> None:
    question = "hvad bliver vejret i morgen"
    assert answerer.answer(question, TEMADAG, "da", parse_aware("2024-05-30T12:00+02:00")).escalate


@pytest.mark.parametrize(
    ("slug", "eve", "day", "item_time", "lunch_utc"),
    [
        # 26 October 2025: 03.00 summer time becomes 02.00; the day has 25 hours, UTC+1 after.
        (
            "efteraar",
            "2025-10-25T21:30:00+00:00",
            "2025-10-25T22:30:00+00:00",
            "2025-10-26T09:05Z",
            "2025-10-26T11:05:00+00:00",
        ),
        # 30 March 2025: 02.00 becomes 03.00; the day has 23 hours, UTC+2 after.
        (
            "foraar",
            "2025-03-29T22:59:00+00:00",
            "2025-03-29T23:30:00+00:00",
            "2025-03-30T08:05Z",
            "2025-03-30T10:05:00+00:00",
        ),
    ],
)
def test_today_now_and_next_across_the_summer_time_change(
    summer_time_days: Answerer, slug: str, eve: str, day: str, item_time: str, lunch_utc: str
) -> None:
    answerer = summer_time_days
    assert say(answerer, "er det i dag?", slug, eve).startswith("Nej,")  # 23.30 / 23.59 the eve
    assert say(answerer, "er det i dag?", slug, day).startswith("Ja,")  # 00.30 on the day
    # 10.05 local: the welcome is on, lunch is next; 12.05 local: lunch.
    assert say(answerer, "hvad sker der nu", slug, item_time) == "Kl. 10.00: Velkomst."
    assert say(answerer, "hvad er det næste", slug, item_time) == "Kl. 12.00: Frokost."
    assert say(answerer, "hvad sker der nu", slug, lunch_utc) == "Kl. 12.00: Frokost."
