"""What a draft holds: each value with the source line it came from, and what is unsure.

A :class:`Found` value is one fact read from the invitation: the value, the line (or lines) it
was read from, and, where the reading is not certain, why (``unsure``), which the written draft
turns into a ``# USIKKER:`` comment. ``Draft.missing`` lists what the source does not say, which
the draft leaves out with a ``# Kilden nævner ikke ...`` comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Generic, TypeVar

from bot.i18n import Lang, translator
from bot.knowledge.drafting.reading import Line

T = TypeVar("T")


@dataclass(frozen=True)
class Note:
    """A sentence for the person who checks the draft: a message (marked with ``N_``) and its
    values, said in their language when the draft is written."""

    template: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, template: str, **params: object) -> Note:
        return cls(template, tuple(params.items()))

    def say(self, lang: Lang) -> str:
        return translator(lang).gettext(self.template).format(**dict(self.params))


@dataclass
class Found(Generic[T]):
    """A value read from the source, its line, and the reason it is unsure (if it is)."""

    value: T
    line: Line | None = None
    unsure: Note | None = None


@dataclass
class SpeakerDraft:
    name: str
    role: str | None
    part: str
    line: Line | None


@dataclass
class ItemDraft:
    start: Found[time]
    end: Found[time] | None
    title: Found[str]
    kind: str = "other"
    speakers: list[SpeakerDraft] = field(default_factory=list)
    description: Found[str] | None = None
    sessions: list[str] = field(default_factory=list)
    note: Note | None = None  # the item's note field, said when the draft is written
    unsure: Note | None = None  # about the item as a whole
    day: Found[date] | None = None


@dataclass
class SessionDraft:
    key: str
    kind: str
    title: Found[str]
    description: Found[str] | None = None
    speakers: list[SpeakerDraft] = field(default_factory=list)
    capacity: Found[int] | None = None


@dataclass
class ContactDraft:
    name: Found[str]
    role: str | None = None
    emails: list[Found[str]] = field(default_factory=list)
    phone: Found[str] | None = None
    note: Note | None = None
    unsure: Note | None = None


@dataclass
class PersonDraft:
    name: str
    line: Line | None
    role: str | None = None
    organisation: str | None = None
    about: list[Note] = field(default_factory=list)


@dataclass
class VenueDraft:
    name: Found[str] | None = None
    address: Found[str] | None = None
    online: Found[bool] | None = None
    online_details: Found[str] | None = None
    # The access fields stated (``bot.knowledge.drafting.access``), by the schema's names.
    access: dict[str, Found[bool | str]] = field(default_factory=dict)


@dataclass
class PriceDraft:
    free: bool
    amount_dkk: float | None
    note: str | None
    line: Line | None
    unsure: Note | None = None


@dataclass
class RegistrationDraft:
    deadline: Found[date | datetime] | None = None
    how: Found[str] | None = None
    url: Found[str] | None = None
    email: Found[str] | None = None
    sessions: list[SessionDraft] = field(default_factory=list)
    choose_session: Found[str] | None = None
    capacity: Found[int] | None = None
    price: PriceDraft | None = None

    @property
    def empty(self) -> bool:
        return not any(
            (self.deadline, self.how, self.url, self.email, self.sessions, self.choose_session,
             self.capacity, self.price)
        )  # fmt: skip


@dataclass
class FactDraft:
    topic: str
    text: str
    line: Line | None
    kind: str | None = None
    unsure: Note | None = None


@dataclass
class Draft:
    """Everything read from one invitation, ready to be written as a knowledge file."""

    source: str
    id: str
    kind: str = "event"  # "background" when the source names no day for an event
    title: Found[str] | None = None
    subtitle: Found[str] | None = None
    event_type: Found[str] | None = None
    organiser: Found[str] | None = None
    audience: Found[str] | None = None
    start: Found[datetime] | None = None
    end: Found[datetime] | None = None
    venue: VenueDraft | None = None
    registration: RegistrationDraft = field(default_factory=RegistrationDraft)
    contacts: list[ContactDraft] = field(default_factory=list)
    programme: list[ItemDraft] = field(default_factory=list)
    people: list[PersonDraft] = field(default_factory=list)
    facts: list[FactDraft] = field(default_factory=list)
    missing: dict[str, Note] = field(default_factory=dict)  # field -> what the source lacks
    notes: list[Note] = field(default_factory=list)  # unsure things about the whole source
    left_out: list[Line] = field(default_factory=list)  # slide noise and running headers
