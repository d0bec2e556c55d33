"""Answers staff taught: added to the knowledge at once, and written into the files on request."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.answering import Answerer
from bot.clock import parse_aware
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.export import insert_faq, write_learned
from bot.knowledge.learned import Learned, LearnedAnswer, with_learned
from bot.storage import Database
from tests.conftest import KNOWLEDGE, run_bot

TEMADAG = "handicapraad-temadag-2024"
NOW = parse_aware("2024-04-02T09:00:00+02:00")
PARKING = Learned(
    1,
    TEMADAG,
    "Kan man parkere gratis ved hotellet?",
    "Ja, parkering ved hotellet er gratis.",
    "da",
)


def test_taught_answers_join_their_events_faq(kb: KnowledgeBase) -> None:
    taught = with_learned(kb, [PARKING, PARKING, Learned(2, "gone-event", "?", "!", "da")])
    event = taught.event(TEMADAG)
    assert event is not None
    assert [qa.answer for qa in event.faq][-1] == PARKING.answer
    assert len(event.faq) == len(kb.events[TEMADAG].faq) + 1  # the duplicate once
    assert kb.events[TEMADAG].faq == [] or kb.events[TEMADAG].faq[-1].answer != PARKING.answer
    answer = Answerer(taught).answer("er der gratis parkering ved hotellet?", TEMADAG, "da", NOW)
    assert not answer.escalate and answer.text.startswith("Ja, parkering ved hotellet er gratis")
    # The English answer of an English lesson answers English questions too.
    english = Learned(3, TEMADAG, "Is there a cloakroom?", "Yes, by the entrance.", "en")
    qa = with_learned(kb, [english]).events[TEMADAG].faq[-1]
    assert qa.answer_en == "Yes, by the entrance."


@pytest.mark.parametrize(
    ("text", "indent"),
    [
        ("id: x\nkind: event\n", 2),
        ("id: x\nfaq: []\nfacts: []\n", 2),
        ("id: x\nfaq:\n- questions: [a]\n  answer: b\nfacts: []  # after\n", 0),
        ("# top\nid: x\nfaq:\n    - questions: [a]\n      answer: b\n\n# the end\n", 4),
    ],
)
def test_entries_go_into_the_faq_list_whatever_its_layout(text: str, indent: int) -> None:
    written = insert_faq(text, [PARKING])
    data = yaml.safe_load(written)
    assert data["faq"][-1] == {"questions": [PARKING.question], "answer": PARKING.answer}
    assert ("  " if indent == 2 else " " * indent) + "- questions:" in written or indent == 0
    for line in text.splitlines():  # nothing of the curator's text is lost, comments included
        assert line in written.splitlines() or line == "faq: []"


def test_write_learned_adds_to_the_file_and_restores_on_failure(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    path = folder / f"{TEMADAG}.yaml"
    before = path.read_text(encoding="utf-8")
    written = write_learned(folder, [PARKING])
    assert written == {path.name: [PARKING]}
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.split("\n", 1)[0])  # the comment heading is kept
    event = load_knowledge(folder).event(TEMADAG)
    assert event is not None and event.faq[-1].answer == PARKING.answer
    # Another file broke meanwhile: nothing is written, the file is as it was.
    (folder / "broken.yaml").write_text("id: broken\nkind: event\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        write_learned(folder, [Learned(9, TEMADAG, "Er der garderobe?", "Ja.", "da")])
    assert path.read_text(encoding="utf-8") == after


async def test_the_command_shows_and_writes_what_staff_taught(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    db = Database.connect(db_url)
    await db.migrate()
    async with db.transaction() as session:
        session.add(
            LearnedAnswer(
                event_slug=TEMADAG,
                question=PARKING.question,
                answer=PARKING.answer,
                lang="da",
                created_at=NOW,
            )
        )
    await db.close()
    env = {"BOT_KNOWLEDGE_DIR": str(folder), "BOT_DATABASE_URL": db_url}
    shown = run_bot("knowledge", "learned", env=env)
    assert shown.returncode == 0, shown.stderr
    assert f"# {TEMADAG}: {TEMADAG}.yaml" in shown.stdout and PARKING.answer in shown.stdout
    assert PARKING.answer not in (folder / f"{TEMADAG}.yaml").read_text(encoding="utf-8")
    wrote = run_bot("knowledge", "learned", "--write", env=env)
    assert wrote.returncode == 0, wrote.stderr
    assert f"{TEMADAG}.yaml: 1 entry added to faq" in wrote.stdout
    assert PARKING.answer in (folder / f"{TEMADAG}.yaml").read_text(encoding="utf-8")
    again = run_bot("knowledge", "learned", "--write", env=env)
    assert again.returncode == 0 and "nothing taught" in again.stdout
    assert run_bot("knowledge", "check", "--dir", str(folder)).returncode == 0
