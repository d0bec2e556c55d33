"""Loading the knowledge base: every YAML file in a folder, validated, all problems at once.

A problem names the file, the field (as a dotted path such as ``programme.3.start``), the line
(counted from 1) and what is wrong, in words a secretariat can act on; ``Problem.say("da")`` says
it in Danish for ``knowledge check``. Beyond the schema, an event is checked for what a person
easily gets wrong: a deadline after the event, a programme item outside the event's hours, two
items at the same time without a note, and a field written twice. Nothing is loaded while any file
is broken, so a typo can never make the bot quietly forget an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from bot.i18n import N_, Lang, translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Background, Event, Invalid, ItemKind, Source

_ADAPTER: TypeAdapter[Event | Background] = TypeAdapter(Source)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one knowledge file: where (field, line from 1) and what.

    ``message`` is English (logs, exceptions); ``template`` and ``params`` let ``say`` put it in
    the catalogue's words.
    """

    file: str
    field: str
    message: str
    line: int | None = None
    template: str | None = None
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        line = f" (line {self.line})" if self.line and "line" not in self.field else ""
        return f"{where}: {self.message}{line}"

    def text(self, lang: Lang) -> str:
        """What is wrong, in ``lang``, without where (the desk shows it at the field)."""
        _ = translator(lang).gettext
        return _(self.template).format(**dict(self.params)) if self.template else self.message

    def say(self, lang: Lang) -> str:
        """The problem as ``knowledge check`` prints it: file, line, field, what is wrong."""
        _ = translator(lang).gettext
        text = self.text(lang)
        if self.template in _YAML_TEMPLATES:
            return f"{self.file}: {text}"
        where = self.file
        if self.line:
            where += ", " + _("line {line}").format(line=self.line)
        if self.field and not self.field.startswith("line "):
            where += f" ({self.field})"
        return f"{where}: {text}"


def _problem(
    file: str, field: str, template: str, line: int | None = None, **params: Any
) -> Problem:
    return Problem(file, field, template.format(**params), line, template, tuple(params.items()))


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


_TYPE_TEMPLATES: dict[str, str] = {
    "missing": N_("is required but missing"),
    "extra_forbidden": N_("is not a known field (check the spelling)"),
    "string_too_short": N_("must not be empty"),
    "too_short": N_("must have at least one entry"),
    "literal_error": N_("must be one of: {expected}"),
    "enum": N_("must be one of: {expected}"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "list_type": N_("must be a list"),
    "model_type": N_("must be a mapping of fields"),
    "dict_type": N_("must be a mapping of fields"),
    "model_attributes_type": N_("must be a mapping of fields"),
    "string_type": N_("must be text"),
    "string_pattern_mismatch": N_(
        "may only have small letters, digits and hyphens, such as 'temadag-2027'"
    ),
    "date_parsing": N_("is not a date such as 2024-05-31"),
    "date_type": N_("is not a date such as 2024-05-31"),
    "date_from_datetime_parsing": N_("is not a date such as 2024-05-31"),
}


def _message(error: dict[str, Any]) -> tuple[str, str | None, dict[str, Any]]:
    """(English message, template, values) of one validation error."""
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    cause = context.get("error")
    if isinstance(cause, Invalid):
        return str(cause), cause.template, cause.params
    if kind == "value_error" and "email" in str(error.get("msg", "")):
        template = N_("is not an e-mail address")
        return template, template, {}
    known = _TYPE_TEMPLATES.get(kind)
    if known is not None:
        template = known
        values = {k: v for k, v in context.items() if isinstance(v, str | int | float)}
        try:
            return template.format(**values), template, values
        except (KeyError, IndexError):
            pass
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, "), None, {}


def _locate(root: yaml.Node | None, path: Iterable[int | str]) -> int | None:
    """The line (from 1) of the YAML node at a field path, or of the nearest node above it."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(part)), None)
            if found is None:
                break
            key = next(k for k, v in node.value if v is found)
            node, line = found, key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _path(loc: Iterable[int | str]) -> list[int | str]:
    parts = list(loc)
    if parts and parts[0] in ("event", "background"):
        parts = parts[1:]
    return parts


def parse_source(
    data: Any, file: str, root: yaml.Node | None = None
) -> tuple[Event | Background | None, list[Problem]]:
    """Validate one file's parsed YAML; returns the source or the problems found."""
    if not isinstance(data, dict):
        return None, [
            _problem(file, "", N_("the file must hold a mapping of fields, not a list or text"))
        ]
    if data.get("kind") not in ("event", "background"):
        return None, [
            _problem(file, "kind", N_("must be 'event' or 'background'"), _locate(root, ["kind"]))
        ]
    try:
        source = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message, template, values = _message(dict(error))
            problems.append(
                Problem(
                    file,
                    _field_path(error["loc"]),
                    message,
                    _locate(root, _path(error["loc"])),
                    template,
                    tuple(values.items()),
                )
            )
        return None, problems
    if isinstance(source, Event):
        problems = _coherence(source, file, root)
        if problems:
            return None, problems
    return source, []


def _coherence(event: Event, file: str, root: yaml.Node | None) -> list[Problem]:
    """What the schema allows and a person still gets wrong: a deadline after the event, an item
    outside the event's hours, two items at the same time with no note."""
    problems: list[Problem] = []
    registration = event.registration
    if registration and registration.deadline_at is not None:
        late = (
            registration.deadline_at > event.end
            if registration.deadline_has_time
            else registration.deadline_at.date() > event.end.date()
        )
        if late:
            problems.append(
                _problem(
                    file,
                    "registration.deadline",
                    N_("the deadline {deadline} is after the event ends ({end}); check the date"),
                    _locate(root, ["registration", "deadline"]),
                    deadline=str(registration.deadline),
                    end=f"{event.end:%Y-%m-%d %H:%M}",
                )
            )
    starts: dict[Any, list[int]] = {}
    for i, item in enumerate(event.programme):
        begins, ends = event.item_start(item), event.item_end(item)
        line = _locate(root, ["programme", i])
        early = begins < event.start and item.kind not in (ItemKind.ARRIVAL, ItemKind.BREAK)
        if early or begins > event.end or (ends is not None and ends > event.end):
            problems.append(
                _problem(
                    file,
                    f"programme.{i}",
                    N_(
                        "the item {title!r} at {time} lies outside the event's hours "
                        "({start}-{end}); check its time and the event's start and end"
                    ),
                    line,
                    title=item.title,
                    time=f"{begins:%H:%M}",
                    start=f"{event.start:%H:%M}",
                    end=f"{event.end:%H:%M}",
                )
            )
        starts.setdefault(begins, []).append(i)
    for begins, indexes in starts.items():
        if len(indexes) > 1 and not any(event.programme[i].note for i in indexes):
            second = indexes[1]
            problems.append(
                _problem(
                    file,
                    f"programme.{second}",
                    N_(
                        "{count} items begin at {time} ({titles}); if they really run at the "
                        "same time, say so in a note on one of them"
                    ),
                    _locate(root, ["programme", second]),
                    count=len(indexes),
                    time=f"{begins:%H:%M}",
                    titles=", ".join(repr(event.programme[i].title) for i in indexes),
                )
            )
    return problems


_YAML_CAUSES: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        N_(
            "Line {line}, column {column}: a colon inside a value. Put the value in quotes "
            '(title: "Tema: ældre"), or check that the line is indented like the lines above.'
        ),
    ),
    (
        "could not find expected ':'",
        N_(
            "Line {line}, column {column}: a field without its colon, or a line that runs on "
            "from the line above. Write 'field: value', or indent the line under its value."
        ),
    ),
    (
        r"found character '\t'",
        N_("Line {line}, column {column}: a tab character. Indent with spaces, not tabs."),
    ),
    (
        "did not find expected key",
        N_(
            "Line {line}, column {column}: the indentation does not match the lines above. "
            "Fields at the same level must start in the same column."
        ),
    ),
    (
        "expected <block end>",
        N_(
            "Line {line}, column {column}: the indentation does not match the lines above. "
            "Fields at the same level must start in the same column."
        ),
    ),
    (
        "did not find expected '-' indicator",
        N_(
            "Line {line}, column {column}: the indentation does not match the lines above. "
            "Fields at the same level must start in the same column."
        ),
    ),
    (
        "found unexpected end of stream",
        N_(
            "Line {line}, column {column}: a quote is opened and never closed. Close it with "
            "the same kind of quote."
        ),
    ),
    (
        "did not find expected ','",
        N_(
            "Line {line}, column {column}: a list in [ ] or a mapping in {{ }} is not closed, or "
            "a comma is missing between its entries."
        ),
    ),
    (
        "expected ',' or",
        N_(
            "Line {line}, column {column}: a list in [ ] or a mapping in {{ }} is not closed, or "
            "a comma is missing between its entries."
        ),
    ),
    (
        "that cannot start any token",
        N_(
            "Line {line}, column {column}: a value cannot begin with @, ` or %. Put the value "
            "in quotes."
        ),
    ),
    (
        "found undefined alias",
        N_("Line {line}, column {column}: a value cannot begin with *. Put the value in quotes."),
    ),
)
_YAML_OTHER = N_(
    "Line {line}, column {column}: the file cannot be read as YAML ({problem}). Compare the "
    "line with docs/eksempel-vidensfil.yaml."
)
_YAML_TEMPLATES = frozenset([template for _cause, template in _YAML_CAUSES] + [_YAML_OTHER])


def _yaml_problem(file: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    template = next((t for cause, t in _YAML_CAUSES if cause in problem), _YAML_OTHER)
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Problem(
        file,
        where,
        f"YAML syntax error: {problem}",
        line or None,
        template,
        (("line", line), ("column", column), ("problem", problem)),
    )


def _duplicates(file: str, node: yaml.Node | None, path: str = "") -> list[Problem]:
    """A field written twice in one mapping: YAML keeps the last and forgets the first."""
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            here = f"{path}.{name}" if path else name
            if name in seen:
                found.append(
                    _problem(
                        file,
                        here,
                        N_(
                            "the field {name!r} is written twice (also on line {first}); only "
                            "the last one counts, so remove one"
                        ),
                        key.start_mark.line + 1,
                        name=name,
                        first=seen[name],
                    )
                )
            else:
                seen[name] = key.start_mark.line + 1
            found.extend(_duplicates(file, value, here))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            found.extend(_duplicates(file, value, f"{path}.{i}"))
    return found


def read_file(path: Path) -> tuple[Event | Background | None, list[Problem]]:
    """Read and validate one knowledge file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [_problem(path.name, "", N_("is not UTF-8 text; save it as UTF-8"))]
    return read_text(text, path.name)


def read_text(text: str, name: str) -> tuple[Event | Background | None, list[Problem]]:
    """Validate the text of one knowledge file named ``name`` (as ``knowledge check`` does)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(name, exc)]
    duplicates = _duplicates(name, root)
    source, problems = parse_source(data, name, root)
    if duplicates:
        return None, duplicates + problems
    return source, problems


def load_knowledge(folder: Path, changed: Mapping[str, str] | None = None) -> KnowledgeBase:
    """Load every YAML file in ``folder``; raise KnowledgeError listing all problems.

    ``changed`` maps file names to texts read instead of the files (new files among them): the
    folder as it would be with them, checked as a whole before anything is written.
    """
    problems: list[Problem] = []
    sources: list[Event | Background] = []
    changed = dict(changed or {})
    names = {p.name for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")]} | set(changed)
    if not folder.is_dir():
        raise KnowledgeError([_problem(str(folder), "", N_("the knowledge folder does not exist"))])
    if not names:
        raise KnowledgeError(
            [_problem(str(folder), "", N_("the knowledge folder holds no .yaml files"))]
        )
    seen: dict[str, str] = {}
    for name in sorted(names):
        path = folder / name
        source, found = read_text(changed[name], name) if name in changed else read_file(path)
        problems.extend(found)
        if source is None:
            continue
        if source.id in seen:
            problems.append(
                _problem(
                    path.name,
                    "id",
                    N_("{id!r} is also used by {other}"),
                    None,
                    id=source.id,
                    other=seen[source.id],
                )
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
                        _problem(
                            seen[source.id],
                            f"background.{i}",
                            N_("{ref!r} is not a background source"),
                            None,
                            ref=ref,
                        )
                    )
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(sources)
