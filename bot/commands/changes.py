"""Changed events: look for changes now, list them, and tell the registered (send) or not (skip).

``check`` compares the knowledge files with what participants of each upcoming event were told
and asks staff about any difference (as the running bot does by itself when a file is edited);
``list`` shows the changes waiting for an answer; ``send N`` tells everyone registered for the
event what changed, on their own channel (the running bot, or the next start, sends it);
``skip N`` tells nobody.
"""

from __future__ import annotations

import argparse
import asyncio
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check", "list", "send", "skip"])
    parser.add_argument("change", nargs="?", type=int, help="send/skip: the change's number")


def run(args: argparse.Namespace) -> int:
    if args.action in ("send", "skip") and args.change is None:
        print(f"which change? python -m bot changes {args.action} N", file=sys.stderr)
        return 2
    from bot.knowledge import KnowledgeError

    try:
        return asyncio.run(_run(args.action, args.change))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2


async def _run(action: str, change_id: int | None) -> int:
    from bot.changes import ChangeError
    from bot.clock import now
    from bot.services import Services
    from bot.settings import Settings

    services = await Services.start(Settings())
    try:
        changes = services.changes
        if action == "check":
            asked = await changes.check(services.curated, now())
            print(f"{len(asked)} change(s) put to staff")
            action = "list"
        if action == "list":
            for change in await changes.pending():
                print(f"{change.id}  {change.event}")
                for line in change.lines("da"):
                    print(f"    - {line}")
            return 0
        assert change_id is not None
        try:
            done = await changes.decide(
                change_id, action == "send", "command line", services.curated, now()
            )
        except ChangeError as exc:
            print(f"change {exc.change_id}: {exc.reason}", file=sys.stderr)
            return 1
        told = f", {done.told} registered told" if action == "send" else ""
        print(f"change {done.id}: {done.status}{told}")
        return 0
    finally:
        await services.close()
