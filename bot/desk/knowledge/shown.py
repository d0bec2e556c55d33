"""The knowledge form as the page shows it: each field with its value, the draft's source line
and doubts, and the problems ``knowledge check`` found at it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.desk.knowledge.fields import (
    WHOLE_EVENT_PROBLEMS,
    Field,
    id_of,
    name_of,
    sections,
)
from bot.desk.knowledge.values import shown_value
from bot.knowledge.document import FieldPath, KnowledgeDocument


@dataclass(frozen=True)
class SourceLine:
    """A line of the invitation a field was read from."""

    number: int
    page: int | None
    text: str


@dataclass
class Notes:
    """What the comments above a field say: where it came from, what is unsure, and other
    notes a curator wrote; ``unsure_at`` are the unsure notes' places among the comments."""

    sources: list[SourceLine] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    unsure_at: list[int] = field(default_factory=list)


class NoteReader:
    """Reads the comments the draft writes (in the staff's language): ``linje 17: ...``,
    ``side 2, linje 17: ...``, ``USIKKER: ...`` (wrapped over several lines) and ``Kilden
    nævner ikke ...`` (said by the form from the draft itself, so left out here)."""

    def __init__(self, gettext: Any) -> None:
        def pattern(template: str) -> re.Pattern[str]:
            text = re.escape(gettext(template))
            for name in ("page", "number"):
                text = text.replace(re.escape("{" + name + "}"), rf"(?P<{name}>\d+)")
            for name in ("text", "reason", "what"):
                text = text.replace(re.escape("{" + name + "}"), rf"(?P<{name}>.*)")
            return re.compile(text + "$", re.DOTALL)

        self.page_line = pattern("page {page}, line {number}: {text}")
        self.line = pattern("line {number}: {text}")
        self.unsure = pattern("UNSURE: {reason}")
        self.missing = pattern("The source does not mention {what}.")
        self.missing_start = re.compile(
            re.escape(gettext("The source does not mention {what}.").split("{")[0])
        )
        self.placeholder = re.compile(r"^[a-z_]+:\s*$")

    def read(self, comments: list[str]) -> Notes:
        notes = Notes()
        last: str | None = None  # what the previous comment was, for wrapped ones
        for at, comment in enumerate(comments):
            found = self.page_line.match(comment) or self.line.match(comment)
            if found:
                page = found.groupdict().get("page")
                notes.sources.append(
                    SourceLine(int(found["number"]), int(page) if page else None, found["text"])
                )
                last = "source"
            elif found := self.unsure.match(comment):
                notes.unsure.append(found["reason"])
                notes.unsure_at.append(at)
                last = "unsure"
            elif self.missing_start.match(comment) or self.placeholder.match(comment):
                last = "missing"
            elif last == "unsure":
                notes.unsure[-1] += " " + comment
                notes.unsure_at.append(at)
            elif last == "missing":
                pass
            elif last == "other" and notes.other:
                notes.other[-1] += " " + comment
            else:
                notes.other.append(comment)
                last = "other"
        return notes


@dataclass
class ShownField:
    name: str
    id: str
    label: str
    kind: str
    value: str
    hint: str | None
    choices: list[tuple[str, str]]
    required: bool
    readonly: bool
    notes: Notes
    missing: str | None
    problems: list[str]

    @property
    def described_by(self) -> str:
        parts = []
        if self.problems:
            parts.append(self.id + "-problem")
        if self.notes.unsure:
            parts.append(self.id + "-unsure")
        if self.hint:
            parts.append(self.id + "-hint")
        if self.notes.sources:
            parts.append(self.id + "-source")
        return " ".join(parts)


@dataclass
class ShownItem:
    name: str
    id: str
    legend: str
    fields: list[ShownField]
    notes: Notes
    problems: list[str]
    new: bool
    remove_label: str


@dataclass
class ShownSection:
    id: str
    heading: str
    intro: str | None
    fields: list[ShownField]
    items: list[ShownItem]
    many: bool
    missing: str | None
    problems: list[str]


def shown(
    document: KnowledgeDocument,
    kind: str,
    gettext: Any,
    *,
    problems: Mapping[str, list[str]],
    missing: Mapping[str, str],
    fixed: frozenset[str] = frozenset(),
) -> list[ShownSection]:
    """The form's sections with the document's values, the notes above each field, what the
    draft found missing, and the problems the check found (by field name)."""
    reader = NoteReader(gettext)
    result: list[ShownSection] = []

    def notes_of(path: FieldPath) -> Notes:
        return reader.read(document.notes(path)) if path else Notes()

    def one(path: FieldPath, f: Field, first_of_item: bool) -> ShownField:
        where = (*path, f.key)
        name = name_of(where)
        current = document.get(where)
        same_line = first_of_item and document.line(where) == document.line(path)
        return ShownField(
            name=name,
            id=id_of(where),
            label=gettext(f.label),
            kind=f.kind,
            value=shown_value(current, f.kind, f.default),
            hint=gettext(f.hint) if f.hint else None,
            choices=[(value, gettext(label)) for value, label in f.choices],
            required=f.required,
            readonly=name in fixed,
            notes=Notes() if same_line or f.key == "id" else notes_of(where),
            missing=missing.get(name),
            problems=list(problems.get(name, [])),
        )

    for section in sections(kind):
        section_name = name_of(section.path)
        fields: list[ShownField] = []
        items: list[ShownItem] = []
        if section.many:
            values = document.get(section.path)
            count = len(values) if isinstance(values, list) else 0
            for index in range(count + 1):
                path: FieldPath = (*section.path, index)
                new = index == count
                item_fields = [
                    one(path, f, first_of_item=i == 0)
                    for i, f in enumerate(section.fields)
                    if not (new and f.kind == "flag")
                ]
                if new:
                    for shown_field in item_fields:
                        shown_field.value = ""
                        shown_field.notes = Notes()
                        shown_field.problems = []
                items.append(
                    ShownItem(
                        name=name_of(path),
                        id=id_of(path),
                        legend=gettext(section.new_item)
                        if new
                        else gettext(section.item).format(number=index + 1),
                        fields=item_fields,
                        notes=Notes() if new else notes_of(path),
                        problems=[] if new else list(problems.get(name_of(path), [])),
                        new=new,
                        remove_label=gettext(section.remove),
                    )
                )
        else:
            fields = [one(section.path, f, first_of_item=False) for f in section.fields]
        result.append(
            ShownSection(
                id=id_of(section.path) if section.path else "f-" + section.id,
                heading=gettext(section.heading),
                intro=gettext(section.intro) if section.intro else None,
                fields=fields,
                items=items,
                many=section.many,
                missing=missing.get(section_name) if section.path else None,
                problems=list(problems.get(section_name, [])) if section.path else [],
            )
        )
    return result


def field_names(kind: str, document: KnowledgeDocument) -> dict[str, str]:
    """Every name the form shows (fields, items, sections) with its id in the page."""
    found: dict[str, str] = {}
    for section in sections(kind):
        if section.path:
            found[name_of(section.path)] = id_of(section.path)
        if section.many:
            values = document.get(section.path)
            count = len(values) if isinstance(values, list) else 0
            for index in range(count):
                path: FieldPath = (*section.path, index)
                found[name_of(path)] = id_of(path)
                for f in section.fields:
                    found[name_of((*path, f.key))] = id_of((*path, f.key))
        else:
            for f in section.fields:
                found[name_of((*section.path, f.key))] = id_of((*section.path, f.key))
    return found


def place_of(problem_field: str, template: str | None, names: Mapping[str, str]) -> str | None:
    """The name of the form's field a problem is shown at: its own, else the nearest one
    above it (a problem with an e-mail of a contact is shown at the contact's e-mails)."""
    if not problem_field and template in WHOLE_EVENT_PROBLEMS:
        problem_field = WHOLE_EVENT_PROBLEMS[template]
    parts = problem_field.split(".") if problem_field else []
    while parts:
        name = ".".join(parts)
        if name in names:
            return name
        parts.pop()
    return None
