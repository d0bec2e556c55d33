"""Run the bot: the channels that are configured, or a chat in the terminal when none is."""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", help="pretend it is this time (ISO-8601), to try the chat before an event"
    )


def run(args: argparse.Namespace) -> int:
    from bot.answering import Answerer
    from bot.channels.terminal import TerminalChat, serve
    from bot.clock import now, parse_aware
    from bot.i18n import normalise_lang
    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        kb = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    fixed = parse_aware(args.now) if args.now else None
    chat = TerminalChat(
        Answerer(kb),
        clock=(lambda: fixed) if fixed else now,
        lang=normalise_lang(settings.default_language),
    )
    serve(chat, sys.stdin, sys.stdout)
    return 0
