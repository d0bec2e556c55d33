"""The labelled messages the understanding learns from: ``corpus/*.yaml`` in this package.

Each file is a list of ``{text, kinds, lang, voice}``; see ``corpus/README.md`` for how it was
written and how to add to it. Files are read in name order, so training sees the same examples in
the same order every time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.understanding.kinds import KINDS

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
# libyaml's safe loader where PyYAML has it (ten times faster on 5,000 lines), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    kinds: tuple[str, ...]
    lang: str
    voice: str


class CorpusError(ValueError):
    """A corpus file that cannot be used, with the file and entry named."""


def corpus_files() -> list[Path]:
    """The package's corpus files, in the order they are read."""
    return sorted(CORPUS_DIR.glob("*.yaml"))


def load_corpus(paths: Iterable[Path] | None = None) -> list[Example]:
    """Every example of the given files (default: the package's corpus), checked."""
    files = sorted(paths) if paths is not None else corpus_files()
    examples: list[Example] = []
    for path in files:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []
        if not isinstance(entries, list):
            raise CorpusError(f"{path.name}: a list of examples is expected")
        for n, entry in enumerate(entries, 1):
            examples.append(_example(path, n, entry))
    return examples


def _example(path: Path, n: int, entry: object) -> Example:
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        raise CorpusError(f"{path.name}: entry {n}: needs a text")
    kinds = entry.get("kinds")
    if not isinstance(kinds, list) or not kinds:
        raise CorpusError(f"{path.name}: entry {n}: needs a list of kinds")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise CorpusError(f"{path.name}: entry {n}: unknown kinds {unknown}")
    return Example(
        text=entry["text"],
        kinds=tuple(kinds),
        lang=str(entry.get("lang", "da")),
        voice=str(entry.get("voice", "")),
    )
