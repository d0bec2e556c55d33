"""Check the knowledge files, try an event with participants' questions, and show or write what
staff have taught the bot.

``check`` validates every file and lists the sources. ``try SLUG`` asks the battery of questions
in ``bot/knowledge/battery.yaml`` (every kind participants ask, several voices) about one event
and prints what the bot would answer and what it would hand to staff, so a secretariat sees the
gaps before it publishes; ``--now`` sets the moment asked (default: a week before the event).
``learned`` prints the answers staff saved with "Gem som svar" as ``faq`` entries, per knowledge
file; with ``--write`` it adds the ones not yet written to the files (and marks them written), so
curators can review them in version control. ``draft FILE`` reads an invitation (.docx, .pdf,
.html, .md, .txt, or standard input for ``-``) and writes a knowledge file with every fact it
found, each with its source line as a comment (``bot/knowledge/drafting/``): ``--out PATH`` writes
it there (never over an existing file), ``--id`` names the event, ``--lines`` prints the numbered
lines the draft read instead.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

BATTERY = Path(__file__).resolve().parent.parent / "knowledge" / "battery.yaml"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["check", "try", "learned", "draft"],
        help="check: validate every knowledge file; try: ask participants' questions about an "
        "event; learned: the answers staff taught; draft: a knowledge file from an invitation",
    )
    parser.add_argument(
        "slug",
        nargs="?",
        metavar="SLUG|FILE",
        help="try: the event to ask about; draft: the invitation file ('-' for standard input)",
    )
    parser.add_argument("--id", dest="draft_id", help="draft: the event's id (default: from title)")
    parser.add_argument("--out", type=Path, help="draft: write the draft to this file")
    parser.add_argument(
        "--lines", action="store_true", help="draft: print the numbered lines read from the file"
    )
    parser.add_argument("--now", help="try: the moment asked, ISO-8601 (default: a week before)")
    parser.add_argument("--dir", type=Path, help="knowledge folder (default: BOT_KNOWLEDGE_DIR)")
    parser.add_argument("--event", help="learned: only this event")
    parser.add_argument(
        "--write", action="store_true", help="learned: add them to the knowledge files"
    )


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    if args.action == "draft":
        return _draft(args.slug, args.draft_id, args.out, args.lines)
    folder = args.dir or Settings().knowledge_dir
    if args.action == "check":
        return _check(folder)
    try:
        kb = load_knowledge(folder)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.action == "learned":
        return asyncio.run(_learned(folder, args.event, args.write))
    return _try(kb, args.slug, args.now)


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


def _check(folder: Path) -> int:
    """Every file checked; the problems in Danish with their line numbers, else the sources."""
    from bot.i18n import translator
    from bot.knowledge import KnowledgeError, load_knowledge

    _ = translator("da").gettext
    try:
        kb = load_knowledge(folder)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem.say("da"), file=sys.stderr)
        print(
            _(
                "{count} problem(s) in the knowledge files; nothing is loaded until they are fixed."
            ).format(count=len(exc.problems)),
            file=sys.stderr,
        )
        return 2
    for source in kb.sources.values():
        print(f"ok  {source.id:32} {source.kind:10} {source.title}")
    return 0


def _draft(target: str | None, slug: str | None, out: Path | None, lines: bool) -> int:
    from bot.i18n import translator
    from bot.knowledge.drafting import ReadError, draft_document, read_bytes, read_path
    from bot.knowledge.drafting.writing import write_draft
    from bot.knowledge.schema import SLUG_PATTERN

    _ = translator("da").gettext
    if not target:
        print(_("Give the invitation file to draft from, or '-' for standard input."),
              file=sys.stderr)  # fmt: skip
        return 2
    if slug is not None and not re.fullmatch(SLUG_PATTERN, slug):
        print(
            _("The id {slug!r} can only have small letters, digits and hyphens, such as "
              "'temadag-2027'.").format(slug=slug),
            file=sys.stderr,
        )  # fmt: skip
        return 2
    if out is not None and out.exists():
        print(
            _("{path} already exists; the draft never writes over a file. Give another name "
              "with --out.").format(path=out),
            file=sys.stderr,
        )  # fmt: skip
        return 2
    try:
        if target == "-":
            from bot.knowledge.drafting.reading import MAX_BYTES

            document = read_bytes(sys.stdin.buffer.read(MAX_BYTES + 1), _("standard input"))
        else:
            document = read_path(Path(target))
    except ReadError as exc:
        print(exc.say("da"), file=sys.stderr)
        return 2
    if lines:
        for line in document.lines:
            page = f"s{line.page} " if line.page is not None else ""
            print(f"{page}{line.number:4}  {line.text}")
        return 0
    draft = draft_document(document, slug)
    text = write_draft(draft, "da")
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(
                _("The draft could not be written to {path}: {reason}.").format(
                    path=out, reason=exc.strerror or type(exc).__name__
                ),
                file=sys.stderr,
            )
            return 2
    unsure = text.count("# " + _("UNSURE: {reason}").split("{")[0].strip())
    print(
        _("Draft of {title}: {items} programme items, {contacts} contacts, {facts} facts; "
          "{unsure} unsure place(s) and {missing} thing(s) the source does not mention. Check "
          "it against the invitation, fill in what is missing, and run: python -m bot knowledge "
          "check").format(
            title=draft.id,
            items=len(draft.programme),
            contacts=len(draft.contacts),
            facts=len(draft.facts),
            unsure=unsure,
            missing=len(draft.missing),
        ),
        file=sys.stderr,
    )  # fmt: skip
    return 0
