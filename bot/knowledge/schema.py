"""The schema of a knowledge file: what an event or a background source may say, and nothing more.

Knowledge files are written by secretariat staff, so the schema is forgiving in form (a speaker may
be a plain name, a programme time may be "10:30" or "10.30", a deadline may be a bare date) and
strict in content (unknown fields, impossible times and broken addresses are errors). Times are
wall-clock times in Europe/Copenhagen; every datetime the models hand out is time-zone aware.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

from bot.clock import TZ, at, localize
from bot.i18n import N_
from bot.understanding.kinds import KINDS

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Invalid(ValueError):
    """A validation message that ``knowledge check`` can say in Danish: a template marked with
    ``N_`` and its values; ``str()`` is the English text."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


def _parse_clock(value: Any) -> Any:
    """Accept "10:30", "10.30", "kl. 10.30" and PyYAML's sexagesimal integers for 10:30."""
    if isinstance(value, time):
        return value
    if isinstance(value, bool):
        raise Invalid(N_("a time of day is expected, such as '10:30'"))
    if isinstance(value, int):
        # YAML 1.1 reads an unquoted 10:30 as the base-60 integer 630.
        hours, minutes = divmod(value, 60)
        if 0 <= hours < 24:
            return time(hours, minutes)
        raise Invalid(N_("a time of day is expected, such as '10:30'"))
    if isinstance(value, float):
        raise Invalid(N_("write the time in quotes, such as '10:30' (10.30 unquoted is a number)"))
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})\s*", value, re.IGNORECASE)
        if not match:
            raise Invalid(N_("{value!r} is not a time of day such as '10:30'"), value=value)
        hours, minutes = int(match[1]), int(match[2])
        if hours > 23 or minutes > 59:
            raise Invalid(N_("{value!r} is not a time of day such as '10:30'"), value=value)
        return time(hours, minutes)
    raise Invalid(N_("a time of day is expected, such as '10:30'"))


def _parse_datetime(value: Any) -> Any:
    """Accept YAML timestamps and ISO strings; without an offset they are Copenhagen time."""
    if isinstance(value, datetime):
        return localize(value)
    if isinstance(value, date):
        raise Invalid(N_("a date and a time are expected, such as '2024-05-31 11:00'"))
    if isinstance(value, str):
        try:
            return localize(datetime.fromisoformat(value.strip()))
        except ValueError:
            raise Invalid(
                N_("{value!r} is not a date and time such as '2024-05-31 11:00'"), value=value
            ) from None
    raise Invalid(N_("a date and a time are expected, such as '2024-05-31 11:00'"))


def _speaker(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


def _kind(value: Any) -> Any:
    if value is not None and value not in KINDS:
        raise Invalid(
            N_("{value!r} is not a kind of question; known: {known}"),
            value=value,
            known=", ".join(sorted(KINDS)),
        )
    return value


NoteKind = Annotated[str | None, BeforeValidator(_kind)]


def _listify(value: Any) -> Any:
    # Staff write "keywords: [2022, frist]"; YAML makes 2022 a number, which is still a word here.
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in value]


ClockTime = Annotated[time, BeforeValidator(_parse_clock)]
AwareDatetime = Annotated[datetime, BeforeValidator(_parse_datetime)]
Phrases = Annotated[list[str], BeforeValidator(_listify)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Part(StrEnum):
    """What a person does in a programme item or a session."""

    SPEAKER = "speaker"
    MODERATOR = "moderator"
    FACILITATOR = "facilitator"
    HOST = "host"
    PANEL = "panel"
    PERFORMER = "performer"


class ItemKind(StrEnum):
    """What kind of programme item it is."""

    ARRIVAL = "arrival"
    WELCOME = "welcome"
    TALK = "talk"
    BREAK = "break"
    MEAL = "meal"
    WORKSHOP = "workshop"
    SESSION = "session"
    PANEL = "panel"
    DIALOGUE = "dialogue"
    PLENARY = "plenary"
    CLOSING = "closing"
    END = "end"
    OTHER = "other"


class SpeakerRef(_Strict):
    """A person's part in an item: their name, their title as the source gives it, what they do."""

    name: str = Field(min_length=1)
    role: str | None = None
    part: Part = Part.SPEAKER


Speaker = Annotated[SpeakerRef, BeforeValidator(_speaker)]


class Person(_Strict):
    """Who is who: a person named in the source, with their title and organisation."""

    name: str = Field(min_length=1)
    role: str | None = None
    organisation: str | None = None
    about: str | None = None


class Contact(_Strict):
    """Whom to ask: a person or an office, with e-mail and phone as the source gives them."""

    name: str = Field(min_length=1)
    role: str | None = None
    emails: list[EmailStr] = Field(default_factory=list)
    phone: str | None = None
    note: str | None = None

    @field_validator("emails", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _listify(value)


# What a secretariat writes for "yes" and "no"; YAML reads yes/no/true/false as booleans already.
_YES = frozenset({"ja", "yes", "true"})
_NO = frozenset({"nej", "no", "false"})
# What a person writes when they do not know: the field is then left out, never read as "no".
_UNKNOWN = frozenset({"?", "måske", "maybe", "ved ikke", "vides ikke", "ukendt", "unknown"})


def _said(value: Any, yes_no: bool) -> Any:
    """A venue's access as stated: yes, no, or a sentence in the source's words."""
    if isinstance(value, bool):
        if yes_no:
            return value
    elif isinstance(value, str):
        folded = value.strip().strip(".!").casefold()
        if folded in _UNKNOWN:
            raise Invalid(
                N_(
                    "{value!r} does not say it; leave the field out when you do not know, and "
                    "the bot asks the secretariat"
                ),
                value=value,
            )
        if not folded:
            raise Invalid(N_("must not be empty"))
        if folded not in _YES | _NO:
            return value
        if yes_no:
            return folded in _YES
    elif yes_no:
        raise Invalid(
            N_("write ja, nej or a sentence saying what there is, such as {example!r}"),
            example="Handicaptoilet ved salen",
        )
    raise Invalid(
        N_("write it as a sentence, such as {example!r}"),
        example="400 m fra Viborg Station; bus 3 og 5 stopper ved Rådhuset",
    )


def _yes_no_text(value: Any) -> Any:
    return _said(value, yes_no=True)


def _text(value: Any) -> Any:
    return _said(value, yes_no=False)


# Yes, no, or a sentence ("Handicaptoilet i stueetagen"); said as it is written.
YesNoText = Annotated[bool | str, BeforeValidator(_yes_no_text)]
# A sentence only: "yes" is no answer to "how far is the station?".
Text = Annotated[str, BeforeValidator(_text)]


class Access(_Strict):
    """The venue's accessibility as the source states it; a field left out is not known, and a
    question about it goes to staff."""

    step_free: YesNoText | None = None
    accessible_toilet: YesNoText | None = None
    hearing_loop: YesNoText | None = None
    disabled_parking: YesNoText | None = None
    quiet_room: YesNoText | None = None
    public_transport: Text | None = Field(
        default=None, description="The nearest stop or station, how far, and which lines"
    )
    seating: Text | None = Field(
        default=None, description="Tables, chairs with armrests, places for wheelchairs"
    )


# What each part of the venue's accessibility is called, in the desk and in answers.
ACCESS_LABELS: dict[str, str] = {
    "step_free": N_("Step-free access"),
    "accessible_toilet": N_("Accessible toilet"),
    "hearing_loop": N_("Hearing loop in the room"),
    "disabled_parking": N_("Parking for disabled people"),
    "quiet_room": N_("Quiet room"),
    "public_transport": N_("Public transport"),
    "seating": N_("Seating"),
}


class Venue(_Strict):
    """Where the event is held: a place with an address, or online."""

    name: str | None = None
    address: str | None = None
    online: bool = False
    online_details: str | None = None
    access: Access | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> Venue:
        if not (self.name or self.address or self.online):
            raise Invalid(N_("a venue needs a name, an address, or online: true"))
        return self


class Price(_Strict):
    """What participation costs; free is a fact worth stating, so it is explicit."""

    free: bool = False
    amount_dkk: float | None = Field(default=None, ge=0)
    note: str | None = None

    @model_validator(mode="after")
    def _known(self) -> Price:
        if not self.free and self.amount_dkk is None and not self.note:
            raise Invalid(N_("a price needs free: true, amount_dkk, or a note"))
        return self


class Session(_Strict):
    """A session or workshop participants choose between."""

    key: str = Field(min_length=1, description="Short label such as '1' or 'A'")
    kind: Literal["session", "workshop"] = "session"
    title: str = Field(min_length=1)
    description: str | None = None
    speakers: list[Speaker] = Field(default_factory=list)
    capacity: int | None = Field(default=None, gt=0)

    @property
    def label(self) -> str:
        return f"{self.kind.capitalize()} {self.key}"


class Registration(_Strict):
    """How, until when and at what price people sign up, and what they choose between."""

    deadline: date | AwareDatetime | None = None
    how: str | None = None
    url: str | None = None
    email: EmailStr | None = None
    sessions: list[Session] = Field(default_factory=list)
    choose_session: Literal["at_signup", "on_the_day"] | None = None
    capacity: int | None = Field(default=None, gt=0)
    price: Price | None = None
    open: bool = True

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            return date.fromisoformat(value.strip())
        if isinstance(value, datetime) or (isinstance(value, str) and ":" in value):
            return _parse_datetime(value)
        return value

    @property
    def deadline_at(self) -> datetime | None:
        """The last moment a signup is accepted; a bare date means the end of that day."""
        if self.deadline is None:
            return None
        if isinstance(self.deadline, datetime):
            return self.deadline
        return at(self.deadline + timedelta(days=1), time(0, 0)) - timedelta(microseconds=1)

    @property
    def deadline_has_time(self) -> bool:
        return isinstance(self.deadline, datetime)


class ProgrammeItem(_Strict):
    """One line of the programme."""

    start: ClockTime
    end: ClockTime | None = None
    title: str = Field(min_length=1)
    kind: ItemKind = ItemKind.OTHER
    speakers: list[Speaker] = Field(default_factory=list)
    description: str | None = None
    sessions: list[str] = Field(
        default_factory=list, description="Keys of the sessions that run in this item"
    )
    note: str | None = None
    day: date | None = Field(
        default=None, description="The item's day in an event of several days (default: the first)"
    )


class QA(_Strict):
    """A free question-and-answer entry: ways of asking, and the answer in Danish (and English)."""

    questions: Phrases = Field(min_length=1)
    answer: str = Field(min_length=1)
    answer_en: str | None = None
    keywords: Phrases = Field(default_factory=list)
    kind: NoteKind = Field(default=None, description="The kind of question it answers")


class Fact(_Strict):
    """A piece of background knowledge, stated in one or a few sentences."""

    topic: str = Field(min_length=1)
    text: str = Field(min_length=1)
    text_en: str | None = None
    keywords: Phrases = Field(default_factory=list)
    kind: NoteKind = Field(default=None, description="The kind of question it answers")


class SourceRef(_Strict):
    """Where the knowledge comes from."""

    file: str = Field(min_length=1)
    note: str | None = None


class _Source(_Strict):
    id: str = Field(pattern=SLUG_PATTERN)
    source: SourceRef
    title: str = Field(min_length=1)
    summary: str | None = None
    aliases: Phrases = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    faq: list[QA] = Field(default_factory=list)
    conflicts: Phrases = Field(
        default_factory=list, description="Where the source contradicts itself, in its own words"
    )


class Background(_Source):
    """Background knowledge that is not an event: facts and question-and-answer entries only."""

    kind: Literal["background"]
    organiser: str | None = None


class Event(_Source):
    """An event: when, where, who, the programme, and how to sign up."""

    kind: Literal["event"]
    subtitle: str | None = None
    event_type: str | None = Field(
        default=None, description="What the organiser calls it: temadag, konference, visionsdag"
    )
    organiser: str = Field(min_length=1)
    audience: str | None = None
    start: AwareDatetime
    end: AwareDatetime
    venue: Venue | None = None
    registration: Registration | None = None
    contacts: list[Contact] = Field(default_factory=list)
    programme: list[ProgrammeItem] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    background: list[str] = Field(
        default_factory=list, description="Ids of background sources this event builds on"
    )

    @model_validator(mode="after")
    def _coherent(self) -> Event:
        if self.end <= self.start:
            raise Invalid(N_("end must be after start"))
        if self.registration:
            keys = [s.key for s in self.registration.sessions]
            if len(keys) != len(set(keys)):
                raise Invalid(N_("registration.sessions: two sessions share a key"))
            for item in self.programme:
                unknown = set(item.sessions) - set(keys)
                if unknown:
                    raise Invalid(
                        N_("programme item {title!r} names unknown sessions {keys}"),
                        title=item.title,
                        keys=sorted(unknown),
                    )
        return self

    @property
    def day(self) -> date:
        return self.start.astimezone(TZ).date()

    def item_start(self, item: ProgrammeItem) -> datetime:
        """The aware start of a programme item (on its day, by default the event's first)."""
        return at(item.day or self.day, item.start)

    def item_end(self, item: ProgrammeItem) -> datetime | None:
        """The aware end of a programme item, where the source gives one."""
        return at(item.day or self.day, item.end) if item.end else None

    @property
    def sessions(self) -> list[Session]:
        return self.registration.sessions if self.registration else []


Source = Annotated[Event | Background, Field(discriminator="kind")]
