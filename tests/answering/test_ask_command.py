"""The `ask` command, a contract used by outside checks: single questions and JSON-lines batches."""

from __future__ import annotations

import json

from tests.conftest import run_bot

KEYS = {"id", "event", "intent", "answer", "escalate", "confidence"}


def test_single_question_as_text_and_json() -> None:
    text = run_bot(
        "ask",
        "--event",
        "handicapraad-temadag-2024",
        "--now",
        "2024-04-01T10:00:00+02:00",
        "Hvornår",
        "er",
        "der",
        "frokost?",
    )
    assert text.returncode == 0 and "12.15" in text.stdout
    as_json = run_bot(
        "ask",
        "--json",
        "--lang",
        "en",
        "--event",
        "handicapraad-temadag-2024",
        "--now",
        "2024-04-01T10:00:00+02:00",
        "When is lunch?",
    )
    answer = json.loads(as_json.stdout)
    assert answer["event"] == "handicapraad-temadag-2024" and "12:15" in answer["answer"]
    assert answer["escalate"] is False and 0 <= answer["confidence"] <= 1


def test_unknown_event_and_missing_question_are_clear_errors() -> None:
    unknown = run_bot("ask", "--event", "julefrokost-2030", "hvornår?")
    assert unknown.returncode == 2 and "julefrokost-2030" in unknown.stderr
    assert "handicapraad-temadag-2024" in unknown.stderr
    empty = run_bot("ask")
    assert empty.returncode == 2 and "--batch" in empty.stderr


def test_batch_answers_every_line_in_order_and_survives_bad_lines() -> None:
    lines = [
        {
            "id": "a",
            "question": "Hvor er temadagen?",
            "event": "handicapraad-temadag-2024",
            "lang": "da",
            "now": "2024-04-01T10:00:00+02:00",
        },
        "this is not json",
        {
            "id": "c",
            "question": "Hvad er tilmeldingsfristen?",
            "event": None,
            "lang": "da",
            "now": "2011-10-01T10:00:00+02:00",
        },
        {
            "id": "d",
            "question": "hvornår?",
            "event": "findes-ikke",
            "lang": "da",
            "now": "2024-04-01T10:00:00+02:00",
        },
        {
            "id": "e",
            "question": "Er der wifi?",
            "event": "handicapraad-temadag-2024",
            "lang": "da",
            "now": "not a date",
        },
        {
            "id": "f",
            "question": "tilmeld mig",
            "event": "handicapraad-temadag-2024",
            "lang": "en",
            "now": "2024-04-01T10:00:00+02:00",
        },
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = run_bot("ask", "--batch", "--json", stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c", "d", "e", "f"]
    assert all(set(o) >= KEYS for o in out)
    assert "Scandic" in out[0]["answer"] and out[0]["escalate"] is False
    assert out[1]["intent"] == "error"
    assert (
        out[2]["event"] is None
        and "12. april" in out[2]["answer"]
        and "14. oktober" in out[2]["answer"]
    )
    assert out[3]["intent"] == "error" and "findes-ikke" in out[3]["error"]
    assert out[4]["intent"] == "error"
    assert out[5]["intent"] == "signup" and "sign you up" in out[5]["answer"]
