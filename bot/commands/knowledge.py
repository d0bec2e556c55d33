"""Check the knowledge files, try an event with participants' questions, and show or write what
staff have taught the bot.

``check`` validates every file and lists the sources. ``try SLUG`` asks the battery of questions
in ``bot/knowledge/battery.yaml`` (every kind participants ask, several voices) about one event
and prints what the bot would answer and what it would hand to staff, so a secretariat sees the
gaps before it publishes; ``--now`` sets the moment asked (default: a week before the event).
``learned`` prints the answers staff saved with "Gem som svar" as ``faq`` entries, per knowledge
file; with ``--write`` it adds the ones not yet written to the files (and marks them written), so
curators can review them in version control.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

BATTERY = Path(__file__).resolve().parent.parent / "knowledge" / "battery.yaml"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["check", "try", "learned"],
        help="check: validate every knowledge file; try: ask participants' questions about an "
        "event; learned: the answers staff taught",
    )
    parser.add_argument("slug", nargs="?", help="try: the event to ask about")
    parser.add_argument("--now", help="try: the moment asked, ISO-8601 (default: a week before)")
    parser.add_argument("--dir", type=Path, help="knowledge folder (default: BOT_KNOWLEDGE_DIR)")
    parser.add_argument("--event", help="learned: only this event")
    parser.add_argument(
        "--write", action="store_true", help="learned: add them to the knowledge files"
    )


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    folder = args.dir or Settings().knowledge_dir
    try:
        kb = load_knowledge(folder)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.action == "learned":
        return asyncio.run(_learned(folder, args.event, args.write))
    if args.action == "try":
        return _try(kb, args.slug, args.now)
    for source in kb.sources.values():
        print(f"ok  {source.id:32} {source.kind:10} {source.title}")
    return 0


def _try(kb: KnowledgeBase, slug: str | None, now_text: str | None) -> int:
    from datetime import timedelta

    import yaml

    from bot.answering import Answerer
    from bot.clock import parse_aware
    from bot.knowledge.schema import Event

    event = kb.get(slug) if slug else None
    if not isinstance(event, Event):
        known = ", ".join(kb.events) or "none"
        print(f"knowledge try: give the slug of an event; known: {known}", file=sys.stderr)
        return 2
    now = parse_aware(now_text) if now_text else event.start - timedelta(days=7)
    battery = yaml.safe_load(BATTERY.read_text(encoding="utf-8"))
    answerer = Answerer(kb)
    passed: list[str] = []
    print(f"{event.title} ({event.id}), asked on {now:%Y-%m-%d %H:%M}\n")
    for kind, lang, question in battery:
        answer = answerer.answer(question, event.id, lang, now)
        if answer.escalate:
            passed.append(kind)
            print(f"-> staff   [{kind}] {question}")
        else:
            shown = " / ".join(answer.text.splitlines())
            print(f"answered  [{kind}] {question}\n          {shown[:300]}")
    print(
        f"\n{len(battery) - len(passed)} of {len(battery)} answered; handed to staff: "
        + (", ".join(dict.fromkeys(passed)) or "nothing")
    )
    print("Add what participants will ask to the file as a fact or a faq entry (see docs/).")
    return 0


async def _learned(folder: Path, event: str | None, write: bool) -> int:
    from sqlalchemy import update

    from bot.clock import now
    from bot.knowledge import KnowledgeError
    from bot.knowledge.export import faq_items, files_by_event, write_learned
    from bot.knowledge.learned import LearnedAnswer, load_learned
    from bot.storage import Database

    db = Database.from_settings()
    try:
        await db.migrate()
        async with db.session() as session:
            entries = [
                e
                for e in await load_learned(session)
                if (event is None or e.event == event) and not (write and e.exported)
            ]
        if not entries:
            print("nothing taught" + (f" for {event}" if event else "") + " yet")
            return 0
        if not write:
            files = files_by_event(folder)
            for slug in dict.fromkeys(e.event for e in entries):
                where = files[slug].name if slug in files else "(not in the knowledge folder)"
                print(f"# {slug}: {where}\nfaq:")
                print(faq_items([e for e in entries if e.event == slug]), end="")
            return 0
        try:
            written = write_learned(folder, entries)
        except KnowledgeError as exc:
            print(f"not written, the files would not load:\n{exc}", file=sys.stderr)
            return 2
        ids = [e.id for items in written.values() for e in items]
        async with db.transaction() as session:
            await session.execute(
                update(LearnedAnswer).where(LearnedAnswer.id.in_(ids)).values(exported_at=now())
            )
        for name, items in written.items():
            print(f"{name}: {len(items)} entr{'y' if len(items) == 1 else 'ies'} added to faq")
        return 0
    finally:
        await db.close()
