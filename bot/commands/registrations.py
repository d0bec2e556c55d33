"""Registrations for staff: export an event's participant list as CSV, list them, read the audit.

"export SLUG" writes the participant list with waiting-list positions and needs as CSV that opens
correctly in Danish Excel (UTF-8 with BOM, semicolons), to standard output or --out FILE. "list"
shows an event's participants, or counts for every event; "audit SLUG" shows every change made.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.knowledge.schema import Event
    from bot.registrations.service import RegistrationService


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url", help="database URL (default: BOT_DATABASE_URL, else the SQLite file)"
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = sub.add_parser("export", help="participant list as CSV for Excel")
    export.add_argument("slug", help="the event's id, as in its knowledge file")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument("--all", action="store_true", help="include cancelled registrations")
    export.add_argument("--lang", choices=["da", "en"], default="da", help="column headings")
    listing = sub.add_parser("list", help="participants of an event, or counts for every event")
    listing.add_argument("slug", nargs="?", help="the event's id (omit for counts per event)")
    audit = sub.add_parser("audit", help="every change to an event's registrations")
    audit.add_argument("slug", help="the event's id")


def _events() -> dict[str, Event]:
    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    try:
        return load_knowledge(Settings().knowledge_dir).events
    except KnowledgeError as exc:  # the list is still worth having without titles
        print(f"warning: {exc}", file=sys.stderr)
        return {}


async def _export(
    service: RegistrationService, event: Event | None, args: argparse.Namespace
) -> int:
    from bot.registrations.export import export_csv

    infos = await service.event_registrations(args.slug, include_cancelled=args.all)
    if event is None and not infos:
        print(f"no event or registrations named {args.slug!r}", file=sys.stderr)
        return 2
    data = export_csv(infos, event, lang=args.lang)
    if args.out:
        args.out.write_bytes(data)
        print(f"{len(infos)} registration(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


async def _list(service: RegistrationService, events: dict[str, Event], slug: str | None) -> int:
    if slug is None:
        print(f"{'event':40} {'registered':>10} {'waiting':>8} {'cancelled':>9} {'seats':>6}")
        for counts in await service.counts():
            event = events.get(counts.event_slug)
            seats = event.registration.capacity if event and event.registration else None
            print(
                f"{counts.event_slug:40} {counts.registered:>10} {counts.waitlisted:>8} "
                f"{counts.cancelled:>9} {seats or '-':>6}"
            )
        return 0
    for info in await service.event_registrations(slug):
        place = f"waiting {info.position}" if info.position else info.status.value
        session = f" [{info.session_key}]" if info.session_key else ""
        print(f"{info.id:>6} {place:12} {info.name} <{info.email}>, {info.organisation}{session}")
    return 0


async def _audit(service: RegistrationService, slug: str) -> int:
    for entry in await service.audit_trail(slug):
        change = f"{entry.old_status or '-'} -> {entry.new_status}"
        note = f" ({entry.note})" if entry.note else ""
        print(
            f"{entry.at:%Y-%m-%d %H:%M:%S} registration {entry.registration_id}: {entry.action} "
            f"{change} by {entry.actor} via {entry.channel}{note}"
        )
    return 0


async def _main(args: argparse.Namespace) -> int:
    from bot.registrations.service import RegistrationService
    from bot.storage import Database

    events = _events()
    db = Database.connect(args.database_url) if args.database_url else Database.from_settings()
    try:
        await db.migrate()
        service = RegistrationService(db, events.get)
        if args.action == "export":
            return await _export(service, events.get(args.slug), args)
        if args.action == "list":
            return await _list(service, events, args.slug)
        return await _audit(service, args.slug)
    finally:
        await db.close()


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_main(args))
