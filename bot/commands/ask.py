"""Answer one question, or a batch of JSON lines, from the knowledge base (no token needed).

``python -m bot ask [--event SLUG] [--lang da|en] [--now ISO] [--json] QUESTION`` answers one
question; ``python -m bot ask --batch --json`` reads ``{"id", "question", "event", "lang", "now"}``
per line from standard input and writes ``{"id", "event", "intent", "answer", "escalate",
"confidence"}`` per line, in order. A bad line gets an error object in its place; it never stops
the batch.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from bot.answering import Answerer
from bot.clock import now as clock_now
from bot.clock import parse_aware
from bot.i18n import normalise_lang


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="*", help="the question (omit with --batch)")
    parser.add_argument("--event", help="slug of the event the question is about")
    parser.add_argument("--lang", default="da", choices=["da", "en"], help="answer language")
    parser.add_argument("--now", help="the time to answer at, ISO-8601 (default: now)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--batch", action="store_true", help="read JSON lines from stdin")


def _answer_line(answerer: Answerer, line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise ValueError("each line must be a JSON object")
        question = str(request.get("question") or "")
        event = request.get("event") or None
        if event is not None and answerer.kb.get(str(event)) is None:
            raise ValueError(f"unknown event {event!r}")
        when = parse_aware(request["now"]) if request.get("now") else clock_now()
        answer = answerer.answer(question, event, normalise_lang(request.get("lang")), when)
        return {"id": request.get("id"), **answer.as_dict()}
    except (ValueError, TypeError, KeyError) as exc:
        request_id = None
        with contextlib.suppress(ValueError, AttributeError):
            request_id = json.loads(line).get("id")
        return {
            "id": request_id,
            "event": None,
            "intent": "error",
            "answer": "",
            "escalate": True,
            "confidence": 0.0,
            "error": str(exc),
        }


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    try:
        kb = load_knowledge(Settings().knowledge_dir)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    answerer = Answerer(kb)
    if args.batch:
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(_answer_line(answerer, line), ensure_ascii=False), flush=True)
        return 0
    question = " ".join(args.question)
    if not question:
        print("ask: give a question, or --batch to read JSON lines", file=sys.stderr)
        return 2
    if args.event and kb.get(args.event) is None:
        print(f"ask: unknown event {args.event!r}; known: {', '.join(kb.sources)}", file=sys.stderr)
        return 2
    when = parse_aware(args.now) if args.now else clock_now()
    answer = answerer.answer(question, args.event, args.lang, when)
    if args.json:
        print(json.dumps(answer.as_dict(), ensure_ascii=False))
    else:
        print(answer.text)
        if answer.escalate:
            print("(→ staff)", file=sys.stderr)
    return 0
