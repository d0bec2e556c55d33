"""The mailbox, from the command line: ``mail preview`` shows what the bot would do with e-mails.

``python -m bot mail preview [--now ISO-8601] [--json] FILE.eml...`` processes the files in
order, as if they arrived in that order into an empty mailbox, against a fresh temporary
database, and sends nothing. With ``--json`` it prints one object per file: ``file``, ``action``
(signup, cancel, decline, question, ignore), ``result``, ``reason``, ``event``, ``name``,
``email``, ``escalate`` and ``reply`` (the text that would be sent, or null); and for a signup or
an update (``result`` "updated": a second mail from someone signed up) the registration as it
stands afterwards: ``needs`` (kinds), ``companions`` (seats), ``companion_names``,
``organisation``, and ``others`` (``{name, email}`` of the people it also signed up). A file that
cannot be read or handled gets an object with ``action`` "ignore" and why as ``reason``; it
never stops the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    preview = sub.add_parser("preview", help="show what the bot would do with e-mail files")
    preview.add_argument("files", nargs="+", type=Path, help=".eml files, in arrival order")
    preview.add_argument("--now", help="the time they arrive, ISO-8601 (default: now)")
    preview.add_argument("--json", action="store_true", help="one JSON object per file")


async def _preview(files: list[Path], now_text: str | None) -> list[dict[str, Any]]:
    from bot.channels.mail.serve import mail_handler
    from bot.clock import now as clock_now
    from bot.clock import parse_aware
    from bot.services import Services
    from bot.settings import Settings

    now = parse_aware(now_text) if now_text else clock_now()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="deltagerbot-preview-") as tmp:
        settings = Settings().model_copy(
            update={
                "data_dir": Path(tmp),
                "database_url": f"sqlite+aiosqlite:///{Path(tmp) / 'preview.sqlite3'}",
            }
        )
        services = await Services.start(settings)
        try:
            handler = mail_handler(services)
            for path in files:
                try:
                    handled = await handler.handle(path.read_bytes(), now=now)
                    results.append({"file": str(path), **handled.as_dict()})
                except OSError as exc:
                    results.append(_not_handled(path, f"cannot read the file: {exc.strerror}"))
                except Exception as exc:  # one message must never stop the run
                    log.exception("Mail preview: %s could not be handled", path.name)
                    results.append(_not_handled(path, f"failed: {type(exc).__name__}"))
        finally:
            await services.close()
    return results


def _not_handled(path: Path, reason: str) -> dict[str, Any]:
    """The line for a file the bot could not handle: ignored, with why."""
    return {
        "file": str(path),
        "action": "ignore",
        "result": "ignored",
        "reason": reason,
        "event": None,
        "name": None,
        "email": None,
        "escalate": False,
        "reply": None,
        "needs": [],
        "companions": 0,
        "companion_names": [],
        "others": [],
        "organisation": None,
    }


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError

    try:
        results = asyncio.run(_preview(args.files, args.now))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    for result in results:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(
                f"{result['file']}: {result['action']} -> {result['result']} ({result['reason']})"
            )
            if result["reply"]:
                print("  " + result["reply"].replace("\n", "\n  "))
    return 0
