"""Writing what staff taught into the knowledge files, where curators keep it for good.

Taught answers live in the database and apply at once; ``python -m bot knowledge learned``
shows them as ``faq`` entries, and with ``--write`` adds them to the ``faq`` list of each event's
file (keeping the file's comments and layout: the entries are inserted as text) and marks them
exported. The folder is loaded again afterwards; if a file no longer validates it is restored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.knowledge.learned import Learned, as_qa
from bot.knowledge.loader import load_knowledge
from bot.knowledge.publishing import write_atomically

TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:", re.M)
FAQ_KEY = re.compile(r"^faq\s*:[ \t]*(\[\s*\])?[ \t]*(#.*)?$", re.M)


def faq_items(entries: Sequence[Learned], indent: int = 2) -> str:
    """The entries as YAML list items, indented for a file's ``faq:`` list."""
    items = [as_qa(e).model_dump(exclude_none=True, exclude_defaults=True) for e in entries]
    text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def files_by_event(folder: Path) -> dict[str, Path]:
    """Which file holds which source id."""
    found: dict[str, Path] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found[data["id"]] = path
    return found


def insert_faq(text: str, items: Sequence[Learned]) -> str:
    """The file's text with the entries added at the end of its ``faq`` list (made if missing)."""
    match = FAQ_KEY.search(text)
    if match is None:
        return text.rstrip("\n") + "\n\nfaq:\n" + faq_items(items)
    after = text[match.end() :]
    if match.group(1):  # "faq: []"
        start = match.start()
        return text[:start] + "faq:\n" + faq_items(items) + after.lstrip("\n")
    following = TOP_LEVEL_KEY.search(after)
    block_end = match.end() + (following.start() if following else len(after))
    block = text[match.end() : block_end]
    dash = re.search(r"^( *)- ", block, re.M)
    indent = len(dash.group(1)) if dash else 2
    head = text[:block_end].rstrip("\n") + "\n"
    tail = text[block_end:]
    return head + faq_items(items, indent) + ("\n" + tail if tail else "")


def write_learned(folder: Path, entries: Sequence[Learned]) -> dict[str, list[Learned]]:
    """Add the entries to their events' files; what was written, by file name.

    The changed files are checked together with the rest of the folder before any is written
    (KnowledgeError, and nothing written, if it would not load), then each is replaced
    atomically, so the running bot never reads a half-written file.
    """
    files = files_by_event(folder)
    by_file: dict[Path, list[Learned]] = defaultdict(list)
    for entry in entries:
        if entry.event in files:
            by_file[files[entry.event]].append(entry)
    changed = {
        path.name: insert_faq(path.read_text(encoding="utf-8"), items)
        for path, items in by_file.items()
    }
    load_knowledge(folder, changed)
    for name, text in changed.items():
        write_atomically(folder / name, text)
    return {path.name: items for path, items in by_file.items()}
