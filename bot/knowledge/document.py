"""A knowledge file edited field by field, its comments and layout kept.

The knowledge files are written and read by people: a drafted file has the source line of every
field as a comment above it (``# linje 17: ...``), ``# USIKKER: ...`` where the draft is unsure,
and curators add their own. :class:`KnowledgeDocument` changes one field at a time (set, remove,
add a list item) by editing the text where that field stands, so everything else stays as it
was, byte for byte: a comment above a field belongs to it, moves with it and goes when it goes.

The positions come from PyYAML's nodes and their marks (parsed by libyaml where PyYAML has it),
and the data always from the loader's own reading, so the document is edited as the loader
reads it. (A round-trip library such as ruamel.yaml
keeps comments too, but attaches a comment to the field *before* it, so removing a field would
take the next field's source line with it.) Every edit is verified: the edited text is parsed
again and must hold exactly the data intended, else the edit is refused with
:class:`EditError` and the document is unchanged. New values are written by PyYAML, quoted
where the loader would otherwise read them as something else; times as ``"10:30"``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

Key = str | int
FieldPath = tuple[Key, ...]

_TIME = re.compile(r"^\d{1,2}[:.]\d{2}$")
WIDTH = 100

# Where a new key goes among the keys of its mapping (by the mapping's path, "*" for any list
# item): the order of the drafted files and of docs/eksempel-vidensfil.yaml.
ORDER: dict[tuple[str, ...], tuple[str, ...]] = {
    (): (
        "id", "kind", "source", "title", "subtitle", "event_type", "organiser", "audience",
        "summary", "aliases", "start", "end", "venue", "registration", "contacts", "programme",
        "people", "background", "facts", "faq", "conflicts",
    ),
    ("source",): ("file", "note"),
    ("venue",): ("name", "address", "online", "online_details", "access"),
    ("venue", "access"): (
        "step_free", "accessible_toilet", "hearing_loop", "disabled_parking", "quiet_room",
        "public_transport", "seating",
    ),
    ("registration",): (
        "deadline", "how", "url", "email", "price", "capacity", "choose_session", "sessions",
        "open",
    ),
    ("registration", "price"): ("free", "amount_dkk", "note"),
    ("registration", "sessions", "*"): (
        "key", "kind", "title", "description", "speakers", "capacity",
    ),
    ("contacts", "*"): ("name", "role", "emails", "phone", "note"),
    ("programme", "*"): (
        "start", "end", "day", "title", "kind", "speakers", "description", "sessions", "note",
    ),
    ("people", "*"): ("name", "role", "organisation", "about"),
    ("facts", "*"): ("topic", "kind", "text", "text_en", "keywords"),
    ("faq", "*"): ("questions", "answer", "answer_en", "keywords", "kind"),
}  # fmt: skip


_UNREAD = object()
_POSITIONS: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class EditError(Exception):
    """An edit that could not be made as intended; the document is unchanged."""


class _Dumper(yaml.SafeDumper):
    """Block style with lists indented under their key, as the knowledge files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _TIME.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value.strip("\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > WIDTH - 20 and value == " ".join(value.split()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump_value(value: Any, column: int = 0) -> str:
    """``value`` as YAML text, the way new values are written into a file (to stand at
    ``column``: long text is folded to the file's width)."""
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=max(WIDTH - column - 8, 40),
    )
    return text.removesuffix("\n...\n").removesuffix("\n")


@dataclass(frozen=True)
class _Entry:
    """Where one field stands: its key (none for a list item), its value, its parent."""

    key: yaml.ScalarNode | None
    value: yaml.Node
    parent: yaml.Node


class KnowledgeDocument:
    """The text of one knowledge file, with ``data`` as the loader reads it."""

    def __init__(self, text: str) -> None:
        """Raises ``yaml.YAMLError`` for text that is not YAML."""
        self._load(text)

    def _load(self, text: str, data: Any = _UNREAD) -> None:
        # The positions from libyaml where PyYAML has it (ten times faster; the same marks),
        # the data always as the loader reads it.
        root = yaml.compose(text, Loader=_POSITIONS)
        self.text = text
        self.data: Any = yaml.safe_load(text) if data is _UNREAD else data
        self._root = root
        self._lines = text.splitlines(keepends=True)
        self._starts = [0]
        for line in self._lines:
            self._starts.append(self._starts[-1] + len(line))
        self._content = _content_lines(root, text) if root is not None else set()

    # -- reading --------------------------------------------------------------------------

    def get(self, path: FieldPath) -> Any:
        """The value at ``path`` as the loader reads it; None where there is none."""
        return _get(self.data, path)

    def has(self, path: FieldPath) -> bool:
        return self._find(path) is not None

    def line(self, path: FieldPath) -> int | None:
        """The line (from 1) where the field at ``path`` begins."""
        entry = self._find(path)
        if entry is None:
            return None
        return _start(entry).line + 1

    def notes(self, path: FieldPath) -> list[str]:
        """The comments right above the field at ``path`` (no blank line between), without
        their ``#``, top first."""
        entry = self._find(path)
        if entry is None:
            return []
        return [self._comment(n) for n in self._comments_above(_start(entry).line)]

    def drop_notes(self, path: FieldPath, numbers: Sequence[int]) -> None:
        """Remove the comments above ``path`` at these positions in ``notes(path)``."""
        entry = self._find(path)
        if entry is None:
            return
        above = self._comments_above(_start(entry).line)
        gone = {above[i] for i in numbers if 0 <= i < len(above)}
        if gone:
            text = "".join(line for n, line in enumerate(self._lines) if n not in gone)
            self._commit(text, self.data)

    # -- changing -------------------------------------------------------------------------

    def set(self, path: FieldPath, value: Any, under: Mapping[str, str] | None = None) -> None:
        """Set the field at ``path`` (made, with its parents, where missing: a new key goes
        where ``ORDER`` puts it among the keys there). An index one past a list's end adds an
        item. ``under`` gives, by dotted path, a comment a new field goes right below (such as
        the draft's "the source does not mention ..." where the field was left out)."""
        if not path:
            raise EditError("the document itself cannot be replaced")
        expected = copy.deepcopy(self.data)
        _put(expected, path, value)
        if self.get(path) == value and self.has(path):
            return
        self._commit(self._set_text(path, value, expected, under or {}), expected)

    def remove(self, path: FieldPath) -> None:
        """Remove the field at ``path`` with the comments above it; a list or mapping left
        empty goes too (the file says nothing rather than nothing at length)."""
        if self._find(path) is None:
            return
        expected = copy.deepcopy(self.data)
        path = _drop(expected, path)
        self._commit(self._remove_text(path, expected), expected)

    # -- the edits as text ----------------------------------------------------------------

    def _set_text(
        self, path: FieldPath, value: Any, expected: Any, under: Mapping[str, str]
    ) -> str:
        flow = self._flow_ancestor(path)
        if flow is not None:
            return self._rewrite(flow, _get(expected, flow))
        entry = self._find(path)
        if entry is not None:
            return self._rewrite(path, value)
        parent_path = path[:-1]
        parent = self._find(parent_path) if parent_path else None
        parent_node = parent.value if parent is not None else self._root
        if parent_path and (parent is None or not _filled_block(parent_node)):
            # No parent yet, or an empty one ("venue: {}", "registration:"): the parent whole.
            return self._set_text(parent_path, _get(expected, parent_path), expected, under)
        if isinstance(parent_node, yaml.MappingNode) and isinstance(path[-1], str):
            note = under.get(".".join(str(p) for p in path))
            return self._insert_key(parent_node, path[-1], value, _order(parent_path), note)
        if isinstance(parent_node, yaml.SequenceNode) and path[-1] == len(parent_node.value):
            return self._append_item(parent_node, value)
        raise EditError(f"cannot set {'.'.join(map(str, path))}")

    def _remove_text(self, path: FieldPath, expected: Any) -> str:
        flow = self._flow_ancestor(path)
        if flow is not None:
            return self._rewrite(flow, _get(expected, flow))
        entry = self._find(path)
        assert entry is not None
        if entry.key is not None and self._on_dash_line(entry.key):
            following = _next_key(entry)
            if following is None:
                return self._rewrite(path[:-1], _get(expected, path[:-1]))
            start, end = entry.key.start_mark.index, following.start_mark.index
            return self.text[:start] + self.text[end:]
        first = _start(entry).line
        last = self._last_line(entry)
        if not self._owns_lines(entry, first, last):
            return self._rewrite(path[:-1], _get(expected, path[:-1]))
        top = min([first, *self._comments_above(first)])
        return "".join(self._lines[:top] + self._lines[last + 1 :])

    def _rewrite(self, path: FieldPath, value: Any) -> str:
        """The text with the field at ``path`` written anew with ``value``."""
        entry = self._find(path)
        if entry is None:
            raise EditError(f"no field {'.'.join(map(str, path))}")
        start = _start(entry)
        end = _end(entry.value, self.text)
        if entry.key is not None:
            written = dump_value({entry.key.value: value}, start.column)
        else:
            written = dump_value(value, start.column)
        return self.text[: start.index] + _indented(written, start.column) + self.text[end:]

    def _insert_key(
        self,
        mapping: yaml.MappingNode,
        key: str,
        value: Any,
        order: Sequence[str],
        note: str | None,
    ) -> str:
        entries = mapping.value
        column = entries[0][0].start_mark.column
        written = " " * column + _indented(dump_value({key: value}, column), column) + "\n"
        rank = {k: i for i, k in enumerate(order)}
        if key in rank:
            before = [(k, v) for k, v in entries if rank.get(k.value, len(rank)) < rank[key]]
        else:
            before = list(entries)
        if not before and not self._on_dash_line(entries[0][0]):
            first = entries[0][0].start_mark.line
            top = min([first, *self._comments_above(first)])
            return self._spliced(top, top, written)
        k, v = before[-1] if before else entries[0]
        last = self._last_line(_Entry(k, v, mapping))
        return self._insert_after(last, column, written, key, note)

    def _append_item(self, sequence: yaml.SequenceNode, value: Any) -> str:
        column = sequence.start_mark.column
        last = self._last_line(_Entry(None, sequence.value[-1], sequence))
        written = " " * column + _indented(dump_value([value], column), column) + "\n"
        return self._insert_after(last, column, written, None, None)

    def _insert_after(
        self, last: int, column: int, written: str, key: str | None, note: str | None
    ) -> str:
        """The text with ``written`` put after line ``last``, among the fields at ``column``.

        Comments deeper than ``column`` right after ``last`` belong to the field that ends
        there and stay above the new one. Comments at ``column`` belong to the next field at
        that level and stay with it; if none follows (the mapping ends there), they close the
        mapping and the new field goes after them, before what belongs further out. A comment
        that is the key left out (``# organiser: ``) is replaced by it; the comment ``note``
        (perhaps wrapped over several lines) is put above it.
        """
        after = last + 1
        while self._comment_at(after) and _indent(self._lines[after]) > column:
            after += 1
        gap_end = after
        while self._comment_at(gap_end) and _indent(self._lines[gap_end]) == column:
            gap_end += 1
        if key is not None:
            placeholder = re.compile(rf"^ {{{column}}}#\s*{re.escape(key)}:\s*$")
            for n in range(after, gap_end):
                if placeholder.match(self._lines[n].rstrip("\n")):
                    return self._spliced(n, n + 1, written)
        for n in range(after, gap_end) if note else ():
            said = self._comment(n)
            if said and note and note.startswith(said):
                while n + 1 < gap_end and self._comment(n + 1) in note:
                    n += 1
                return self._spliced(n + 1, n + 1, written)
        following = gap_end < len(self._lines) and self._lines[gap_end].strip()
        sibling = bool(following) and _indent(self._lines[gap_end]) == column
        at = after if sibling else gap_end
        return self._spliced(at, at, written)

    def _spliced(self, start: int, end: int, written: str) -> str:
        """The text with lines ``start`` to ``end`` (not included) replaced by ``written``."""
        head = self._lines[:start]
        if head and not head[-1].endswith("\n"):  # a last line without its line break
            head[-1] += "\n"
        return "".join([*head, written, *self._lines[end:]])

    def _comment_at(self, n: int) -> bool:
        return (
            n < len(self._lines)
            and n not in self._content
            and self._lines[n].lstrip().startswith("#")
        )

    def _commit(self, text: str, expected: Any) -> None:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise EditError(f"the edited text does not parse: {exc}") from None
        if data != expected:
            raise EditError("the edited text does not hold what was intended")
        self._load(text, data)

    # -- where things are -----------------------------------------------------------------

    def _find(self, path: FieldPath) -> _Entry | None:
        node = self._root
        entry: _Entry | None = None
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in reversed(node.value) if k.value == part), None)
                if found is None:
                    return None
                entry = _Entry(found[0], found[1], node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return None
                entry = _Entry(None, node.value[part], node)
            else:
                return None
            node = entry.value
        return entry

    def _flow_ancestor(self, path: FieldPath) -> FieldPath | None:
        """The outermost field on the way to ``path`` written in flow style ({...}, [...])."""
        for depth in range(1, len(path)):
            entry = self._find(path[:depth])
            if entry is None:
                return None
            if isinstance(entry.value, yaml.CollectionNode) and entry.value.flow_style:
                return path[:depth]
        return None

    def _on_dash_line(self, key: yaml.Node) -> bool:
        """Whether the key is the first of a list item, on the line of its dash."""
        line_start = self._starts[key.start_mark.line]
        return bool(re.fullmatch(r"\s*-\s+", self.text[line_start : key.start_mark.index]))

    def _last_line(self, entry: _Entry) -> int:
        end = _end(entry.value, self.text)
        if entry.key is not None and end <= entry.key.end_mark.index:
            end = entry.key.end_mark.index
        return self.text.count("\n", 0, max(end - 1, 0)) if end else 0

    def _owns_lines(self, entry: _Entry, first: int, last: int) -> bool:
        """Whether the field's lines hold nothing but the field (and a trailing comment)."""
        begin = _start(entry)
        before = self.text[self._starts[first] : begin.index]
        if entry.key is None:
            if not re.fullmatch(r"\s*-\s+", before):
                return False
        elif before.strip():
            return False
        end = _end(entry.value, self.text)
        rest = self.text[end : self._starts[last + 1]]
        return not rest.strip() or rest.strip().startswith("#")

    def _comments_above(self, line: int) -> list[int]:
        found: list[int] = []
        n = line - 1
        while n >= 0 and n not in self._content and self._lines[n].lstrip().startswith("#"):
            found.append(n)
            n -= 1
        return sorted(found)

    def _comment(self, n: int) -> str:
        return self._lines[n].strip().removeprefix("#").strip()


# -- helpers ------------------------------------------------------------------------------


def _order(path: FieldPath) -> tuple[str, ...]:
    return ORDER.get(tuple("*" if isinstance(p, int) else p for p in path), ())


def _start(entry: _Entry) -> yaml.Mark:
    return (entry.key or entry.value).start_mark


def _end(node: yaml.Node, text: str) -> int:
    """Where the node's own text ends (its last character), whatever follows it."""
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):
            return node.start_mark.index + len(
                text[node.start_mark.index : node.end_mark.index].rstrip()
            )
        return int(node.end_mark.index)
    if isinstance(node, yaml.CollectionNode) and node.flow_style:
        return int(node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        ends = [max(_end(k, text), _end(v, text)) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        ends = [_end(v, text) for v in node.value]
    else:
        ends = []
    return max(ends, default=int(node.start_mark.index))


def _content_lines(root: yaml.Node, text: str) -> set[int]:
    """Lines inside multi-line scalars: a ``#`` there is text, not a comment."""
    found: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            first = node.start_mark.line
            last = text.count("\n", 0, max(_end(node, text) - 1, 0))
            found.update(range(first + 1, last + 1))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return found


def _filled_block(node: yaml.Node | None) -> bool:
    return isinstance(node, yaml.CollectionNode) and not node.flow_style and bool(node.value)


def _next_key(entry: _Entry) -> yaml.Node | None:
    assert isinstance(entry.parent, yaml.MappingNode)
    keys = [k for k, _v in entry.parent.value]
    index = next(i for i, k in enumerate(keys) if k is entry.key)
    return keys[index + 1] if index + 1 < len(keys) else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indented(written: str, column: int) -> str:
    """Text written at column 0, placed at ``column``: every line after the first indented."""
    first, *rest = written.split("\n")
    return "\n".join([first, *[(" " * column + line) if line else line for line in rest]])


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _put(data: Any, path: FieldPath, value: Any) -> None:
    for depth, part in enumerate(path[:-1]):
        child = _get(data, (part,))
        wanted = dict if isinstance(path[depth + 1], str) else list
        if not isinstance(child, wanted):
            child = wanted()
            _assign(data, part, child)
        data = child
    _assign(data, path[-1], value)


def _assign(data: Any, part: Key, value: Any) -> None:
    if isinstance(data, dict):
        data[part] = value
    elif isinstance(data, list) and isinstance(part, int):
        if part == len(data):
            data.append(value)
        else:
            data[part] = value
    else:
        raise EditError("no such place in the document")


def _drop(data: Any, path: FieldPath) -> FieldPath:
    """Remove ``path`` from ``data``, and the collections it leaves empty; what was removed."""
    parent = _get(data, path[:-1]) if path[:-1] else data
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif isinstance(parent, list) and isinstance(path[-1], int):
        del parent[path[-1]]
    if len(path) > 1 and isinstance(parent, dict | list) and not parent:
        return _drop(data, path[:-1])
    return path
