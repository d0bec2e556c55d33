"""Editing a knowledge file field by field with its comments kept, and publishing it.

Every field of every curated file is changed and removed in turn: the edited text holds exactly
the data intended, every comment stays (except those above a field removed), and nothing else
in the text moves. Publishing writes only a folder that loads, never over a file it was not
meant to replace, and leaves no temporary file behind.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.document import EditError, FieldPath, KnowledgeDocument
from bot.knowledge.publishing import PublishError, digest, publish
from tests.conftest import KNOWLEDGE

FILES = sorted(KNOWLEDGE.glob("*.yaml"))

DRAFT = """\
# Udkast (the draft's header)
id: temadag-2030
kind: event
source:
  file: invitation.txt
# linje 1: Temadag 2030
title: Temadag 2030
# linje 3: KKR inviterer
# USIKKER: kilden nævner ingen arrangør; dette er det kontor,
# den siger man kan kontakte
organiser: KKR
# Kilden nævner ikke hvem arrangementet er for.
# linje 5: Tirsdag den 4. juni 2030 kl. 10.00-15.00
start: 2030-06-04 10:00
# linje 5: Tirsdag den 4. juni 2030 kl. 10.00-15.00
end: 2030-06-04 15:00
venue: {name: Huset, address: 'Vej 1, 9000 Aalborg'}
registration:
  # linje 8: Tilmelding senest 1. maj 2030
  deadline: 2030-05-01
  # Kilden nævner ikke en pris, eller at det er gratis.
  # Kilden nævner ikke hvor mange pladser der er.
programme:
  # linje 11: 10.00 Velkomst
  - start: "10:00"
    title: Velkomst
    kind: welcome
  # linje 12: 12.00 Frokost
  - start: "12:00"
    title: Frokost
    description: >-
      Frokost i kantinen.
      # this line is text, not a comment
  # linje 13: 15.00 Tak for i dag
  - {start: "15:00", title: Tak for i dag, kind: end}
# Udeladt som støj: linje 20.
"""


def sample(data: Any, most: int = 30) -> list[FieldPath]:
    """Paths to values spread over the whole file (every one in a small file)."""
    found = leaves(data)
    return found[:: max(1, len(found) // most)]


def leaves(data: Any, path: FieldPath = ()) -> list[FieldPath]:
    """Every path to a value that is not a mapping or a list."""
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in leaves(value, (*path, key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in leaves(value, (*path, i))]
    return [path]


def comments(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    return [line for line in lines if "this line is text" not in line]


def new_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, date):
        return date(2031, 1, 2)
    return "Ændret: tekst, med komma og kolon"


@pytest.mark.parametrize("path", [*FILES, None], ids=[*(p.name for p in FILES), "draft"])
def test_every_field_is_changed_with_everything_else_kept(path: Path | None) -> None:
    text = path.read_text(encoding="utf-8") if path else DRAFT
    original = KnowledgeDocument(text)
    for where in sample(original.data):
        document = KnowledgeDocument(text)
        value = new_value(document.get(where))
        document.set(where, value)
        assert document.get(where) == value
        assert comments(document.text) == comments(text), where
        # The lines before the field are untouched.
        first = KnowledgeDocument(text).line(where[:1]) or 1
        assert document.text.splitlines()[: first - 1] == text.splitlines()[: first - 1]


@pytest.mark.parametrize("path", [*FILES, None], ids=[*(p.name for p in FILES), "draft"])
def test_every_field_is_removed_with_the_comments_above_it(path: Path | None) -> None:
    text = path.read_text(encoding="utf-8") if path else DRAFT
    for where in sample(KnowledgeDocument(text).data):
        document = KnowledgeDocument(text)
        notes = document.notes(where)
        document.remove(where)
        kept = comments(document.text)
        # Only comments that were right above the field (or its emptied parent) went.
        gone = [c for c in comments(text) if c not in kept]
        assert len(gone) <= len(notes) + len(KnowledgeDocument(text).notes(where[:-1])), where


def test_a_field_left_out_is_put_in_its_place() -> None:
    document = KnowledgeDocument(DRAFT)
    under = {"audience": "Kilden nævner ikke hvem arrangementet er for."}
    document.set(("audience",), "Handicaprådene", under=under)
    document.set(("registration", "capacity"), 120)
    document.set(("subtitle",), "Om tilgængelighed")
    lines = document.text.splitlines()
    # After the organiser, under the note that the source does not say it.
    at = lines.index("audience: Handicaprådene")
    assert lines[at - 1] == "# Kilden nævner ikke hvem arrangementet er for."
    assert lines[at + 1].startswith("# linje 5")
    assert lines.index("subtitle: Om tilgængelighed") == lines.index("title: Temadag 2030") + 1
    # At the end of the registration, after its closing notes; not under the programme.
    at = lines.index("  capacity: 120")
    assert lines[at - 1] == "  # Kilden nævner ikke hvor mange pladser der er."
    assert lines[at + 1] == "programme:"


def test_a_left_out_key_replaces_its_placeholder() -> None:
    text = DRAFT.replace("organiser: KKR\n", "# organiser: \n")
    document = KnowledgeDocument(text)
    document.set(("organiser",), "Sekretariatet")
    assert "# organiser: " not in document.text
    assert "\norganiser: Sekretariatet\n# Kilden nævner ikke hvem" in document.text


def test_list_items_are_added_and_removed_with_their_source_lines() -> None:
    document = KnowledgeDocument(DRAFT)
    document.remove(("programme", 1))
    assert "# linje 12" not in document.text and "Frokost" not in document.text
    assert "# linje 13: 15.00 Tak for i dag" in document.text
    document.set(("programme", 2), {"start": "16:00", "title": "Middag: buffet", "kind": "meal"})
    assert document.get(("programme", 2)) == {
        "start": "16:00",
        "title": "Middag: buffet",
        "kind": "meal",
    }
    assert '  - start: "16:00"\n    title: "Middag: buffet"\n' in document.text or (
        "  - start: \"16:00\"\n    title: 'Middag: buffet'\n" in document.text
    )
    assert document.text.endswith("# Udeladt som støj: linje 20.\n")
    # Removing every item removes the list.
    for _ in range(3):
        document.remove(("programme", 0))
    assert "programme" not in document.data
    assert "# Udeladt som støj: linje 20." in document.text


def test_flow_style_is_rewritten_as_blocks_only_where_edited() -> None:
    document = KnowledgeDocument(DRAFT)
    document.set(("venue", "name"), "Et andet hus")
    assert "venue:\n  name: Et andet hus\n  address: Vej 1, 9000 Aalborg\n" in document.text
    document.set(("programme", 2, "title"), "Farvel")
    assert document.get(("programme", 2)) == {"start": "15:00", "title": "Farvel", "kind": "end"}


def test_what_the_loader_would_misread_is_quoted() -> None:
    document = KnowledgeDocument(DRAFT)
    for value in ("10:30", "yes", "no", "on", "0123", "1_000", "2030-01-02", "null", "#1", "a: b"):
        document.set(("title",), value)
        assert yaml.safe_load(document.text)["title"] == value
    document.set(("programme", 0, "start"), "10:30")
    assert '  - start: "10:30"' in document.text


def test_long_and_several_line_texts_stay_readable() -> None:
    document = KnowledgeDocument(DRAFT)
    long = " ".join(["Et langt afsnit om dagen, der bliver ved."] * 6)
    document.set(("programme", 0, "description"), long)
    assert "    description: >-\n" in document.text
    assert max(len(line) for line in document.text.splitlines()) <= 100
    document.set(("programme", 0, "description"), "Første linje.\nAnden linje.")
    assert document.get(("programme", 0, "description")) == "Første linje.\nAnden linje."


def test_the_comment_inside_a_text_is_text() -> None:
    document = KnowledgeDocument(DRAFT)
    assert document.notes(("programme", 2)) == ["linje 13: 15.00 Tak for i dag"]
    document.remove(("programme", 1, "description"))
    assert "this line is text" not in document.text


def test_notes_are_read_and_dropped() -> None:
    document = KnowledgeDocument(DRAFT)
    notes = document.notes(("organiser",))
    assert notes == [
        "linje 3: KKR inviterer",
        "USIKKER: kilden nævner ingen arrangør; dette er det kontor,",
        "den siger man kan kontakte",
    ]
    document.drop_notes(("organiser",), [1, 2])
    assert document.notes(("organiser",)) == ["linje 3: KKR inviterer"]
    assert document.get(("organiser",)) == "KKR"


def test_a_file_without_a_last_line_break() -> None:
    document = KnowledgeDocument("id: x\nkind: background\ntitle: T")
    document.set(("organiser",), "KKR")
    document.set(("facts", 0), {"topic": "a", "text": "b"})
    assert document.data["organiser"] == "KKR" and document.text.endswith("text: b\n")


def test_an_edit_that_would_not_hold_is_refused_and_changes_nothing() -> None:
    document = KnowledgeDocument("id: x\nkind: event\ntitle: &a T\nsubtitle: *a\n")
    before = document.text
    with pytest.raises(EditError):
        document.set(("title",), "Ny")
    assert document.text == before


# -- publishing -----------------------------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for path in FILES:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_a_new_file_is_published_once_and_loads(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    kb = publish(folder, "temadag-2030.yaml", DRAFT, replaces=None)
    assert kb.event("temadag-2030") is not None
    assert (folder / "temadag-2030.yaml").read_text(encoding="utf-8") == DRAFT
    assert load_knowledge(folder).event("temadag-2030") is not None
    with pytest.raises(PublishError) as refused:
        publish(folder, "temadag-2030.yaml", DRAFT.replace("KKR", "Andre"), replaces=None)
    assert refused.value.reason == "exists"
    assert (folder / "temadag-2030.yaml").read_text(encoding="utf-8") == DRAFT
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [p.name for p in FILES] + ["temadag-2030.yaml"]
    )


def test_a_replaced_file_must_be_the_one_the_edit_began_from(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    path = folder / FILES[0].name
    began = digest(path.read_text(encoding="utf-8"))
    path.write_text(path.read_text(encoding="utf-8") + "# edited on the server\n", "utf-8")
    with pytest.raises(PublishError) as refused:
        publish(folder, path.name, FILES[0].read_text(encoding="utf-8"), replaces=began)
    assert refused.value.reason == "changed"
    assert path.read_text(encoding="utf-8").endswith("# edited on the server\n")
    now = digest(path.read_text(encoding="utf-8"))
    publish(folder, path.name, FILES[0].read_text(encoding="utf-8"), replaces=now)
    assert path.read_bytes() == FILES[0].read_bytes()


def test_nothing_is_written_when_the_folder_would_not_load(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    broken = DRAFT.replace("end: 2030-06-04 15:00", "end: 2030-06-04 09:00")
    with pytest.raises(KnowledgeError) as refused:
        publish(folder, "temadag-2030.yaml", broken, replaces=None)
    assert [p.field for p in refused.value.problems] == [""]
    assert not (folder / "temadag-2030.yaml").exists()
    # Another file's id: also refused, by the same check.
    clash = DRAFT.replace("id: temadag-2030", f"id: {load_knowledge(folder).events.popitem()[0]}")
    with pytest.raises(KnowledgeError):
        publish(folder, "temadag-2030.yaml", clash, replaces=None)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in FILES)
    with pytest.raises(PublishError):
        publish(folder, "../udenfor.yaml", DRAFT, replaces=None)
    assert not (tmp_path / "udenfor.yaml").exists()
