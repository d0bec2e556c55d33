"""A posted knowledge form as edits of the document, made only where the text differs from
what the form showed, so a field nobody touched keeps its exact form in the file (quotes,
comments, layout)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.desk.knowledge.fields import Section, name_of, sections
from bot.desk.knowledge.values import REMOVE, posted_value, shown_value, tidy
from bot.knowledge.document import FieldPath, KnowledgeDocument


@dataclass
class Edits:
    """What a posted form changes: fields set and removed, items added and removed."""

    set: list[tuple[FieldPath, Any]] = field(default_factory=list)
    removed: list[FieldPath] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.set or self.removed)


def edits(
    document: KnowledgeDocument,
    form: Mapping[str, str],
    removed: set[str],
    kind: str,
    *,
    fixed: frozenset[str] = frozenset(),
) -> Edits:
    """The edits a posted form makes to the document: only where the text differs from what
    the form showed. ``removed`` holds the names of the items to remove; ``fixed`` the fields
    that cannot be changed (the id of a published event)."""
    found = Edits()
    for section in sections(kind):
        if section.many:
            items = document.get(section.path)
            count = len(items) if isinstance(items, list) else 0
            for index in range(count + 1):
                path: FieldPath = (*section.path, index)
                texts = {f.key: form.get(name_of((*path, f.key))) for f in section.fields}
                new = index == count
                if not new and name_of(path) in removed:
                    found.removed.append(path)
                    continue
                posted = {k: v for k, v in texts.items() if v is not None}
                if not posted:
                    continue  # not in this form
                if not any(tidy(v) for v in posted.values()):
                    if not new:
                        found.removed.append(path)
                    continue
                if new:
                    item = {
                        f.key: value
                        for f in section.fields
                        if f.key in posted
                        and (value := posted_value(posted[f.key], f, None)) is not REMOVE
                        and f.kind != "flag"
                    }
                    found.set.append((path, item))
                    continue
                _fields(document, section, path, form, found, fixed)
        else:
            _fields(document, section, section.path, form, found, fixed)
    return found


def _fields(
    document: KnowledgeDocument,
    section: Section,
    path: FieldPath,
    form: Mapping[str, str],
    found: Edits,
    fixed: frozenset[str],
) -> None:
    for f in section.fields:
        where = (*path, f.key)
        name = name_of(where)
        if name in fixed:
            continue
        text = form.get(name)
        if text is None and f.kind != "flag":
            continue  # not in this form (a box left unticked is not posted at all: "no")
        current = document.get(where)
        if tidy(text or "") == tidy(shown_value(current, f.kind, f.default)):
            continue
        value = posted_value(text or "", f, current)
        if value is REMOVE:
            found.removed.append(where)
        else:
            found.set.append((where, value))


def apply(
    document: KnowledgeDocument, changes: Edits, missing: Mapping[str, str] | None = None
) -> None:
    """Make the edits: values set first, then removals from the last item up, so the places
    of those still to do do not move. A field the draft found missing (``missing``: by name,
    the sentence) is written under the draft's comment saying so."""
    for path, value in changes.set:
        document.set(path, value, under=missing)
    for path in sorted(changes.removed, key=_descending, reverse=True):
        document.remove(path)


def _descending(path: FieldPath) -> tuple[tuple[int, str | int], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in path)
