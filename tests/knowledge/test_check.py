"""``knowledge check`` catches what a person gets wrong, and says it in Danish with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import run_bot

EVENT = """\
id: temadag-2027
kind: event
source:
  file: invitation.docx
title: Temadag 2027
organiser: KKR Midtjylland
start: 2027-03-10 10:00
end: 2027-03-10 15:00
registration:
  deadline: {deadline}
programme:
  - start: "09:30"
    title: Ankomst og kaffe
    kind: arrival
  - start: "10:00"
    title: Velkomst
    kind: welcome
  - start: "{talk}"
    title: Oplæg
    kind: talk
  - start: "{lunch}"
    title: Frokost
    kind: meal
{extra}"""


def event(
    deadline: str = "2027-02-24", talk: str = "10:15", lunch: str = "12:00", extra: str = ""
) -> str:
    return EVENT.format(deadline=deadline, talk=talk, lunch=lunch, extra=extra)


def check(tmp_path: Path, text: str, name: str = "temadag.yaml") -> tuple[int, str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_bot("knowledge", "check", "--dir", str(tmp_path))
    return result.returncode, result.stderr


def problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "temadag.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(tmp_path)
    return [p.say("da") for p in info.value.problems]


def test_a_good_event_passes(tmp_path: Path) -> None:
    (tmp_path / "temadag.yaml").write_text(event(), encoding="utf-8")
    assert load_knowledge(tmp_path).events["temadag-2027"].programme[0].title == "Ankomst og kaffe"


def test_a_deadline_after_the_event(tmp_path: Path) -> None:
    [said] = problems(tmp_path, event(deadline="2027-04-24"))
    assert said == (
        "temadag.yaml, linje 10 (registration.deadline): fristen 2027-04-24 er efter "
        "arrangementets slutning (2027-03-10 15:00); tjek datoen"
    )
    # a deadline on the day itself is no mistake
    (tmp_path / "temadag.yaml").write_text(event(deadline="2027-03-10"), encoding="utf-8")
    assert load_knowledge(tmp_path)


def test_an_item_outside_the_events_hours(tmp_path: Path) -> None:
    [said] = problems(tmp_path, event(lunch="16:30"))
    assert said.startswith("temadag.yaml, linje 21 (programme.3): punktet 'Frokost' kl. 16:30")
    assert "uden for arrangementets tid (10:00-15:00)" in said
    # before the start: only arrival (and a break) may be
    [early] = problems(tmp_path, event(talk="08:15"))
    assert "linje 18 (programme.2): punktet 'Oplæg' kl. 08:15" in early


def test_two_items_at_one_time_need_a_note(tmp_path: Path) -> None:
    [said] = problems(tmp_path, event(talk="10:00"))
    assert said == (
        "temadag.yaml, linje 18 (programme.2): 2 punkter begynder kl. 10:00 ('Velkomst', "
        "'Oplæg'); foregår de virkelig samtidig, så skriv det i en note på et af dem"
    )
    noted = event(talk="10:00").replace(
        "    title: Oplæg\n", "    title: Oplæg\n    note: Foregår i lokale 2, samtidig.\n"
    )
    (tmp_path / "temadag.yaml").write_text(noted, encoding="utf-8")
    assert load_knowledge(tmp_path)


def test_a_field_written_twice(tmp_path: Path) -> None:
    [said] = problems(tmp_path, event() + "title: Temadag 2028\n")
    assert said.startswith("temadag.yaml, linje 24 (title): feltet 'title' står to gange")
    assert "også i linje 5" in said


@pytest.mark.parametrize(
    ("n", "broken", "says"),
    [
        (
            5,
            "title: Tema: ældre",
            "Linje 5, kolonne 12: et kolon inde i en værdi. Sæt værdien i anførselstegn",
        ),
        (5, "title: 'Temadag", "anførselstegn åbnes, men lukkes aldrig"),
        (5, "aliases: [temadag, dialogmøde", "en liste i [ ] eller felter i { } er ikke lukket"),
        (5, "\ttitle: Temadag", "Linje 5, kolonne 1: et tabulatortegn. Ryk ind med mellemrum"),
        (5, "title: @temadag", "en værdi kan ikke begynde med @"),
        (13, "   title: Ankomst og kaffe", "indrykningen passer ikke med linjerne over"),
    ],
)
def test_yaml_mistakes_are_explained_in_plain_danish(
    n: int, broken: str, says: str, tmp_path: Path
) -> None:
    lines = event().split("\n")
    lines[n - 1] = broken
    code, stderr = check(tmp_path, "\n".join(lines))
    assert code == 2
    first = stderr.splitlines()[0]
    assert first.startswith("temadag.yaml: Linje "), first
    assert says in first, first
    assert "Traceback" not in stderr and "1 problem(er) i vidensfilerne" in stderr


def test_schema_problems_name_the_line_in_danish(tmp_path: Path) -> None:
    text = (
        event()
        .replace('start: "10:00"', "start: 10.00")
        .replace("organiser: KKR Midtjylland\n", "")
    )
    code, stderr = check(tmp_path, text)
    assert code == 2
    assert "temadag.yaml, linje 1: organiser: skal udfyldes, men mangler" not in stderr
    assert "(organiser): skal udfyldes, men mangler" in stderr
    assert (
        "temadag.yaml, linje 14 (programme.1.start): skriv klokkeslættet i anførselstegn, "
        "fx '10:30' (10.30 uden anførselstegn er et tal)"
    ) in stderr
    english = problems(tmp_path, text)
    assert english  # the same problems, said in Danish by say("da")
