"""Loading the knowledge base: every YAML file in a folder, validated, all problems at once.

A problem names the file, the field (as a dotted path such as ``programme.3.start``) and what is
wrong, in words a secretariat can act on. Nothing is loaded while any file is broken, so a typo can
never make the bot quietly forget an event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Background, Event, Source

_ADAPTER: TypeAdapter[Event | Background] = TypeAdapter(Source)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one knowledge file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n{lines}")


def _field_path(loc: Iterable[int | str]) -> str:
    # The discriminated union adds the tag ("event"/"background") as the first location part.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("event", "background"):
        parts = parts[1:]
    return ".".join(parts)


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


def parse_source(data: Any, file: str) -> tuple[Event | Background | None, list[Problem]]:
    """Validate one file's parsed YAML; returns the source or the problems found."""
    if not isinstance(data, dict):
        return None, [
            Problem(file, "", "the file must hold a mapping of fields, not a list or text")
        ]
    if data.get("kind") not in ("event", "background"):
        return None, [Problem(file, "kind", "must be 'event' or 'background'")]
    try:
        return _ADAPTER.validate_python(data), []
    except ValidationError as exc:
        return None, [Problem(file, _field_path(e["loc"]), _message(dict(e))) for e in exc.errors()]


def read_file(path: Path) -> tuple[Event | Background | None, list[Problem]]:
    """Read and validate one knowledge file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(path.name, "", "is not UTF-8 text; save it as UTF-8")]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(path.name, where, f"YAML syntax error: {problem}")]
    return parse_source(data, path.name)


def load_knowledge(folder: Path) -> KnowledgeBase:
    """Load every YAML file in ``folder``; raise KnowledgeError listing all problems."""
    problems: list[Problem] = []
    sources: list[Event | Background] = []
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not folder.is_dir():
        raise KnowledgeError([Problem(str(folder), "", "the knowledge folder does not exist")])
    if not files:
        raise KnowledgeError(
            [Problem(str(folder), "", "the knowledge folder holds no .yaml files")]
        )
    seen: dict[str, str] = {}
    for path in files:
        source, found = read_file(path)
        problems.extend(found)
        if source is None:
            continue
        if source.id in seen:
            problems.append(
                Problem(path.name, "id", f"{source.id!r} is also used by {seen[source.id]}")
            )
            continue
        seen[source.id] = path.name
        sources.append(source)
    ids = {s.id: s for s in sources}
    for source in sources:
        if isinstance(source, Event):
            for i, ref in enumerate(source.background):
                if not isinstance(ids.get(ref), Background):
                    problems.append(
                        Problem(
                            seen[source.id],
                            f"background.{i}",
                            f"{ref!r} is not a background source",
                        )
                    )
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(sources)
