"""The knowledge loader: real files load; broken ones are reported by file, field, problem."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import yaml

from bot.clock import TZ
from bot.knowledge import Event, KnowledgeError, load_knowledge
from bot.knowledge.schema import Background
from tests.conftest import KNOWLEDGE, run_bot

MINIMAL_EVENT = {
    "id": "test-dag",
    "kind": "event",
    "source": {"file": "test.txt"},
    "title": "Testdag",
    "organiser": "Testsekretariatet",
    "start": "2025-03-29 10:00",
    "end": "2025-03-29 15:00",
}


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data,
        encoding="utf-8",
    )
    return path


def problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(folder)
    return [str(p) for p in info.value.problems]


def test_the_seed_knowledge_loads_with_every_source() -> None:
    kb = load_knowledge(KNOWLEDGE)
    assert set(kb.events) == {
        "handicapraad-temadag-2024",
        "socialaftale-visionsdag-2020",
        "kkr-midt-konference-2021",
        "kkr-syd-temadag-2011",
    }
    assert set(kb.backgrounds) == {"nordjysk-socialaftale"}


def test_seed_events_are_time_zone_aware_in_copenhagen() -> None:
    kb = load_knowledge(KNOWLEDGE)
    temadag = kb.events["handicapraad-temadag-2024"]
    assert temadag.start == datetime(2024, 5, 31, 11, 0, tzinfo=TZ)
    assert temadag.start.utcoffset() == timedelta(hours=2)  # summer time
    syd = kb.events["kkr-syd-temadag-2011"]
    assert syd.start.utcoffset() == timedelta(hours=1)  # winter time
    assert syd.registration is not None and syd.registration.deadline == date(2011, 10, 14)


def test_sources_are_faithful_where_the_seed_is_silent_or_contradicts_itself() -> None:
    kb = load_knowledge(KNOWLEDGE)
    assert kb.events["socialaftale-visionsdag-2020"].venue is None
    temadag = kb.events["handicapraad-temadag-2024"]
    assert temadag.registration is not None and temadag.registration.price is None
    syd = kb.events["kkr-syd-temadag-2011"]
    kamp = next(c for c in syd.contacts if "Kamp" in c.name)
    assert {"lk@vejenkom.dk", "lkk@vejenkom.dk"} <= set(kamp.emails)
    assert any("12" in c for c in syd.conflicts)
    assert [i.start for i in syd.programme].count(time(12, 0)) == 2


def test_a_deadline_date_lasts_to_the_end_of_that_day_in_copenhagen() -> None:
    kb = load_knowledge(KNOWLEDGE)
    registration = kb.events["handicapraad-temadag-2024"].registration
    assert registration is not None and registration.deadline_at is not None
    last = registration.deadline_at
    assert last.date() == date(2024, 4, 12) and last.tzinfo is not None
    assert last < datetime(2024, 4, 13, 0, 0, tzinfo=TZ) <= last + timedelta(seconds=1)


def test_a_minimal_event_and_friendly_time_forms(tmp_path: Path) -> None:
    data = dict(MINIMAL_EVENT)
    data["programme"] = [
        {"start": "10.00", "title": "Velkomst"},
        {"start": "kl. 11.30", "title": "Frokost", "kind": "meal"},
    ]
    path = write(tmp_path, "test.yaml", data)
    kb = load_knowledge(tmp_path)
    event = kb.events["test-dag"]
    assert [i.start for i in event.programme] == [time(10, 0), time(11, 30)]
    assert event.start.tzinfo is not None and event.start.utcoffset() == timedelta(hours=1)

    # YAML 1.1 reads an unquoted 12:45 as the base-60 number 765; it still means 12:45.
    text = path.read_text(encoding="utf-8").replace("start: '10.00'", "start: 12:45")
    path.write_text(text, encoding="utf-8")
    assert load_knowledge(tmp_path).events["test-dag"].programme[0].start == time(12, 45)


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    broken = dict(MINIMAL_EVENT, id="broken-one")
    del broken["organiser"]
    broken["start"] = "den 29. marts"
    broken["venue"] = {"nmae": "Rådhuset"}
    broken["contacts"] = [{"name": "Lene", "emails": ["ikke-en-adresse"]}]
    broken["programme"] = [{"start": 10.3, "title": "Velkomst"}, {"start": "25:00", "title": "x"}]
    write(tmp_path, "a-broken.yaml", broken)
    write(tmp_path, "b-syntax.yaml", "id: x\ntitle: [unclosed\n")
    write(tmp_path, "c-list.yaml", ["not", "a", "mapping"])
    found = problems(tmp_path)
    joined = "\n".join(found)
    assert "a-broken.yaml: organiser: is required but missing" in joined
    assert "a-broken.yaml: start:" in joined and "2024-05-31 11:00" in joined
    assert "a-broken.yaml: venue.nmae: is not a known field" in joined
    assert "a-broken.yaml: contacts.0.emails.0:" in joined
    assert "a-broken.yaml: programme.0.start: write the time in quotes" in joined
    assert "a-broken.yaml: programme.1.start: '25:00' is not a time of day" in joined
    assert "b-syntax.yaml: line " in joined and "YAML syntax error" in joined
    assert "c-list.yaml" in joined and "mapping" in joined


def test_incoherent_events_and_cross_references_are_problems(tmp_path: Path) -> None:
    backwards = dict(MINIMAL_EVENT, id="backwards", end="2025-03-29 09:00")
    write(tmp_path, "backwards.yaml", backwards)
    dangling = dict(MINIMAL_EVENT, id="dangling", background=["ukendt-baggrund"])
    write(tmp_path, "dangling.yaml", dangling)
    write(tmp_path, "dup.yaml", dict(MINIMAL_EVENT, id="dangling"))
    sessions = dict(MINIMAL_EVENT, id="sessions")
    sessions["registration"] = {
        "sessions": [{"key": "1", "title": "A"}, {"key": "1", "title": "B"}]
    }
    write(tmp_path, "sessions.yaml", sessions)
    unknown_kind = dict(MINIMAL_EVENT, id="kind", kind="party")
    write(tmp_path, "kind.yaml", unknown_kind)
    joined = "\n".join(problems(tmp_path))
    assert "backwards.yaml" in joined and "end must be after start" in joined
    assert "dangling.yaml: background.0: 'ukendt-baggrund' is not a background source" in joined
    assert "dup.yaml: id: 'dangling' is also used by dangling.yaml" in joined
    assert "sessions.yaml: registration" in joined and "share a key" in joined
    assert "kind.yaml: kind: must be 'event' or 'background'" in joined


def test_files_that_are_not_utf8_or_missing_folders_are_reported(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes("title: Temadag på Ærø\n".encode("latin-1"))
    assert any("latin1.yaml" in p and "UTF-8" in p for p in problems(tmp_path))
    assert any("does not exist" in p for p in problems(tmp_path / "nowhere"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert any("no .yaml files" in p for p in problems(empty))


def test_background_sources_hold_facts_only(tmp_path: Path) -> None:
    data = {
        "id": "baggrund",
        "kind": "background",
        "source": {"file": "x.txt"},
        "title": "Baggrund",
        "facts": [{"topic": "vision", "text": "Øget egenmestring.", "keywords": [2022, "vision"]}],
        "start": "2025-01-01 10:00",
    }
    write(tmp_path, "b.yaml", data)
    assert any("b.yaml: start: is not a known field" in p for p in problems(tmp_path))
    del data["start"]
    write(tmp_path, "b.yaml", data)
    source = load_knowledge(tmp_path).sources["baggrund"]
    assert isinstance(source, Background) and source.facts[0].keywords == ["2022", "vision"]
    assert not isinstance(source, Event)


def test_knowledge_check_command_names_the_problems(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", dict(MINIMAL_EVENT, start="i morgen"))
    result = run_bot("knowledge", "check", "--dir", str(tmp_path))
    assert result.returncode == 2
    # in Danish, with the field's line counted from 1 (yaml.safe_dump sorts the keys: start is 7th)
    assert "bad.yaml, linje 7 (start): 'i morgen' er ikke" in result.stderr
    good = run_bot("knowledge", "check")
    assert good.returncode == 0 and "handicapraad-temadag-2024" in good.stdout
