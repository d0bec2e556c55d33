"""Check the knowledge files and list what they hold."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check"], help="check: validate every knowledge file")
    parser.add_argument("--dir", type=Path, help="knowledge folder (default: BOT_KNOWLEDGE_DIR)")


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    folder = args.dir or Settings().knowledge_dir
    try:
        kb = load_knowledge(folder)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    for source in kb.sources.values():
        print(f"ok  {source.id:32} {source.kind:10} {source.title}")
    return 0
