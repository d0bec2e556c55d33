"""The knowledge form's fields: which fields of a knowledge file the desk's form shows.

A field of the form is a field of the file by its dotted path (``programme.3.start``), which is
also its name in the posted form, so a problem ``knowledge check`` finds at a path is shown at
the field of that path. Lists of things (programme items, contacts, sessions, facts) are shown
one fieldset an item, with one empty fieldset to add another and a box to remove each. What the
form does not show (English texts, keywords, a speaker's part) stays in the file as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.knowledge.document import FieldPath
from bot.knowledge.schema import ACCESS_LABELS, ItemKind


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
