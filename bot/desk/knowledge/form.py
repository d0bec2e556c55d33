"""The knowledge form: which fields of a knowledge file it shows, and how they map both ways.

A field of the form is a field of the file by its dotted path (``programme.3.start``), which is
also its name in the posted form, so a problem ``knowledge check`` finds at a path is shown at
the field of that path. Lists of things (programme items, contacts, sessions, facts) are shown
one fieldset an item, with one empty fieldset to add another and a box to remove each.

Reading a file into the form shows each value as text (:func:`shown_value`); a posted form is
turned into edits of the document (:func:`edits`) only where the text differs from what was
shown, so a field nobody touched keeps its exact form in the file (quotes, comments, layout).
What the form does not show (English texts, keywords, a speaker's part) stays as it is.
What a person types that the schema would not take (a time of "10.3x") is written as typed:
the check then says what is wrong, in the words ``knowledge check`` uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from bot.i18n import N_
from bot.knowledge.document import FieldPath, KnowledgeDocument
from bot.knowledge.schema import ACCESS_LABELS, ItemKind

REMOVE = object()
"""An edit that removes the field."""


@dataclass(frozen=True)
class Field:
    """One field of the form: its key in the file, its label, and what kind of text it takes.

    Kinds: ``text``, ``long`` (several lines), ``when`` (a date and time), ``deadline`` (a date,
    or a date and time), ``time``, ``day`` (a date), ``whole`` (a whole number), ``amount``,
    ``email``, ``url``, ``flag`` (yes or no), ``choice``, ``emails`` and ``keys`` (several on
    one line), ``lines`` (one a line), ``speakers`` (one person a line: name, title).
    """

    key: str
    label: str
    kind: str = "text"
    hint: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    default: bool = False  # a flag's value when the file does not say


@dataclass(frozen=True)
class Section:
    """A part of the form: a mapping of the file (``many``: a list of mappings)."""

    id: str
    path: tuple[str, ...]
    heading: str
    fields: tuple[Field, ...]
    many: bool = False
    item: str = ""  # "Programme item {number}"
    new_item: str = ""  # "A new programme item"
    remove: str = ""  # "Remove this item"
    intro: str | None = None


WHEN_HINT = N_("Date and time, such as 2027-03-10 10:00")

ITEM_KINDS: tuple[tuple[str, str], ...] = (
    (ItemKind.ARRIVAL, N_("Arrival")),
    (ItemKind.WELCOME, N_("Welcome")),
    (ItemKind.TALK, N_("Talk")),
    (ItemKind.BREAK, N_("Break")),
    (ItemKind.MEAL, N_("Meal")),
    (ItemKind.WORKSHOP, N_("Workshop")),
    (ItemKind.SESSION, N_("Session")),
    (ItemKind.PANEL, N_("Panel")),
    (ItemKind.DIALOGUE, N_("Dialogue")),
    (ItemKind.PLENARY, N_("Plenary")),
    (ItemKind.CLOSING, N_("Closing")),
    (ItemKind.END, N_("End")),
    (ItemKind.OTHER, N_("Other")),
)

ABOUT = Section(
    "om",
    (),
    N_("The event"),
    (
        Field(
            "id",
            N_("Short name (id)"),
            hint=N_(
                "Small letters, digits and hyphens, such as temadag-2027. It names the file "
                "and the chat's address, so it cannot be changed once published."
            ),
            required=True,
        ),
        Field("title", N_("Title"), required=True),
        Field("subtitle", N_("Subtitle")),
        Field("event_type", N_("Kind of event"), hint=N_("Such as temadag, konference")),
        Field("organiser", N_("Organiser"), required=True),
        Field("audience", N_("For whom")),
        Field("summary", N_("Summary"), "long"),
    ),
)
WHEN = Section(
    "tid",
    (),
    N_("When"),
    (
        Field("start", N_("Begins"), "when", WHEN_HINT, required=True),
        Field("end", N_("Ends"), "when", WHEN_HINT, required=True),
    ),
)
VENUE = Section(
    "sted",
    ("venue",),
    N_("Where"),
    (
        Field("name", N_("Name of the place")),
        Field("address", N_("Address")),
        Field("online", N_("Held online"), "flag"),
        Field("online_details", N_("How to join online"), "long"),
    ),
)
YES_NO_HINT = N_("Yes, no or a sentence in your own words; leave it empty if you do not know")
ACCESS = Section(
    "tilgaengelighed",
    ("venue", "access"),
    N_("Accessibility"),
    (
        Field("step_free", ACCESS_LABELS["step_free"], hint=YES_NO_HINT),
        Field("accessible_toilet", ACCESS_LABELS["accessible_toilet"], hint=YES_NO_HINT),
        Field("hearing_loop", ACCESS_LABELS["hearing_loop"], hint=YES_NO_HINT),
        Field("disabled_parking", ACCESS_LABELS["disabled_parking"], hint=YES_NO_HINT),
        Field("quiet_room", ACCESS_LABELS["quiet_room"], hint=YES_NO_HINT),
        Field(
            "public_transport",
            ACCESS_LABELS["public_transport"],
            "long",
            N_("The nearest stop or station, how far, and which lines"),
        ),
        Field(
            "seating",
            ACCESS_LABELS["seating"],
            "long",
            N_("Such as: tables, chairs with armrests, places for wheelchairs"),
        ),
    ),
    intro=N_(
        "What the venue offers people with disabilities. What you leave empty, the bot passes "
        "on to the secretariat."
    ),
)
REGISTRATION = Section(
    "tilmelding",
    ("registration",),
    N_("Registration"),
    (
        Field(
            "deadline",
            N_("Deadline"),
            "deadline",
            N_("A date such as 2027-02-10, or a date and time such as 2027-02-10 12:00"),
        ),
        Field("how", N_("How to sign up"), "long"),
        Field("url", N_("Link for signing up"), "url"),
        Field("email", N_("E-mail address for signing up"), "email"),
        Field("capacity", N_("Number of seats"), "whole", N_("A whole number")),
        Field(
            "choose_session",
            N_("Sessions are chosen"),
            "choice",
            choices=(
                ("", N_("Not stated")),
                ("at_signup", N_("When signing up")),
                ("on_the_day", N_("On the day")),
            ),
        ),
        Field("open", N_("Registration is open"), "flag", default=True),
    ),
)
PRICE = Section(
    "pris",
    ("registration", "price"),
    N_("Price"),
    (
        Field("free", N_("Free of charge"), "flag"),
        Field("amount_dkk", N_("Price in kroner"), "amount", N_("A number, such as 450")),
        Field("note", N_("About the price")),
    ),
)
SESSIONS = Section(
    "sessioner",
    ("registration", "sessions"),
    N_("Sessions and workshops to choose between"),
    (
        Field("key", N_("Number or letter"), required=True),
        Field(
            "kind",
            N_("Kind"),
            "choice",
            choices=(("session", N_("Session")), ("workshop", N_("Workshop"))),
        ),
        Field("title", N_("Title"), required=True),
        Field("description", N_("Description"), "long"),
        Field("capacity", N_("Number of seats"), "whole", N_("A whole number")),
    ),
    many=True,
    item=N_("Session {number}"),
    new_item=N_("A new session"),
    remove=N_("Remove this session"),
)
CONTACTS = Section(
    "kontakter",
    ("contacts",),
    N_("Contacts"),
    (
        Field("name", N_("Name"), required=True),
        Field("role", N_("Role")),
        Field("emails", N_("E-mail addresses"), "emails", N_("Several: separate them with commas")),
        Field("phone", N_("Phone")),
        Field("note", N_("Note")),
    ),
    many=True,
    item=N_("Contact {number}"),
    new_item=N_("A new contact"),
    remove=N_("Remove this contact"),
)
PROGRAMME = Section(
    "program",
    ("programme",),
    N_("Programme"),
    (
        Field("start", N_("Begins"), "time", N_("Such as 10:30"), required=True),
        Field("end", N_("Ends"), "time", N_("Such as 11:15")),
        Field("day", N_("Day"), "day", N_("Only for events of several days: 2027-03-11")),
        Field("title", N_("Title"), required=True),
        Field("kind", N_("Kind"), "choice", choices=ITEM_KINDS),
        Field(
            "speakers",
            N_("Speakers"),
            "speakers",
            N_("One person a line: the name, then a comma and their title"),
        ),
        Field("description", N_("Description"), "long"),
        Field(
            "sessions",
            N_("Sessions running in it"),
            "keys",
            N_("Their numbers or letters, separated by commas"),
        ),
        Field("note", N_("Note"), hint=N_("Such as: the two items run at the same time")),
    ),
    many=True,
    item=N_("Programme item {number}"),
    new_item=N_("A new programme item"),
    remove=N_("Remove this item"),
)
PEOPLE = Section(
    "personer",
    ("people",),
    N_("People"),
    (
        Field("name", N_("Name"), required=True),
        Field("role", N_("Title")),
        Field("organisation", N_("Organisation")),
        Field("about", N_("What they do"), "long"),
    ),
    many=True,
    item=N_("Person {number}"),
    new_item=N_("A new person"),
    remove=N_("Remove this person"),
)
FACTS = Section(
    "fakta",
    ("facts",),
    N_("Facts"),
    (
        Field("topic", N_("Topic"), required=True),
        Field("text", N_("Text"), "long", required=True),
    ),
    many=True,
    item=N_("Fact {number}"),
    new_item=N_("A new fact"),
    remove=N_("Remove this fact"),
    intro=N_("What the invitation says beyond the fields above, one topic each."),
)
FAQ = Section(
    "spoergsmaal",
    ("faq",),
    N_("Questions and answers"),
    (
        Field("questions", N_("Questions"), "lines", N_("One way of asking a line"), required=True),
        Field("answer", N_("Answer"), "long", required=True),
    ),
    many=True,
    item=N_("Question {number}"),
    new_item=N_("A new question"),
    remove=N_("Remove this question"),
)
BACKGROUND_ABOUT = Section(
    "om",
    (),
    N_("The background source"),
    (ABOUT.fields[0], ABOUT.fields[1], Field("organiser", N_("Organiser")), ABOUT.fields[6]),
)

SECTIONS: dict[str, tuple[Section, ...]] = {
    "event": (
        ABOUT,
        WHEN,
        VENUE,
        ACCESS,
        REGISTRATION,
        PRICE,
        SESSIONS,
        CONTACTS,
        PROGRAMME,
        PEOPLE,
        FACTS,
        FAQ,
    ),
    "background": (BACKGROUND_ABOUT, FACTS, FAQ),
}

# Problems the schema finds in the event as a whole, and the field they are about.
WHOLE_EVENT_PROBLEMS: dict[str, str] = {
    "end must be after start": "end",
    "registration.sessions: two sessions share a key": "registration.sessions",
}


def sections(kind: str) -> tuple[Section, ...]:
    return SECTIONS.get(kind, SECTIONS["event"])


def name_of(path: FieldPath) -> str:
    """A field's name in the form: its dotted path."""
    return ".".join(str(part) for part in path)


def id_of(path: FieldPath) -> str:
    """A field's id in the page."""
    return "f-" + "-".join(str(part) for part in path) if path else "f-"


# -- from the file to the form -----------------------------------------------------------------


def shown_value(value: Any, kind: str, default: bool = False) -> str:
    """A value of the file as the form shows it ("on" for a flag that is set)."""
    if kind == "flag":
        on = default if value is None else value is True
        return "on" if on else ""
    if value is None:
        return ""
    if kind == "time" and isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = divmod(value, 60)  # YAML 1.1 reads 10:30 unquoted as 630
        return f"{hours:02d}:{minutes:02d}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if kind in ("emails", "keys") and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if kind == "speakers" and isinstance(value, list):
        return "\n".join(speaker_line(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def speaker_line(value: Any) -> str:
    """A speaker as one line of the form: "name, title"."""
    if isinstance(value, dict):
        name = str(value.get("name") or "")
        role = value.get("role")
        return f"{name}, {role}" if role else name
    return str(value)


# -- from the form to the file -----------------------------------------------------------------


def _tidy(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _number(text: str) -> int | float | str:
    plain = text.replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", plain):  # Danish: 1.500,50
        plain = plain.replace(".", "")
    plain = plain.replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def posted_value(text: str, f: Field, current: Any) -> Any:
    """What the file gets for the text posted in a field; REMOVE for nothing."""
    text = _tidy(text)
    if f.kind == "flag":
        return text == "on"
    if not text:
        return REMOVE
    if f.kind == "when":
        return re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]+", r"\1 ", text)
    if f.kind in ("deadline", "day") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if f.kind == "deadline":
        return re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]+", r"\1 ", text)
    if f.kind == "time":
        found = re.fullmatch(r"(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})", text, re.IGNORECASE)
        return f"{int(found[1]):02d}:{found[2]}" if found else text
    if f.kind == "whole":
        return int(text) if text.isdigit() else text
    if f.kind == "amount":
        return _number(text)
    if f.kind == "emails":
        return [part for part in re.split(r"[,;\s]+", text) if part]
    if f.kind == "keys":
        return [part for part in re.split(r"[,;\s]+", text) if part]
    if f.kind == "lines":
        return [line.strip() for line in text.split("\n") if line.strip()]
    if f.kind == "speakers":
        return _speakers(text, current)
    return text


def _speakers(text: str, current: Any) -> list[Any]:
    """Speakers from lines "name, title"; a line as it was keeps the speaker as written
    (with their part in the item)."""
    known = {speaker_line(s): s for s in current} if isinstance(current, list) else {}
    found: list[Any] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if line in known:
            found.append(known[line])
            continue
        name, _comma, role = (part.strip() for part in line.partition(","))
        found.append({"name": name, "role": role} if role else name)
    return found


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
                if not any(_tidy(v) for v in posted.values()):
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
        if _tidy(text or "") == _tidy(shown_value(current, f.kind, f.default)):
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


# -- the form as the page shows it ---------------------------------------------------------------


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
