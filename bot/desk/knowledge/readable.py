"""An event (or a background source) as a page a person reads: plain sentences, not YAML.

Each part of the knowledge file becomes a heading with short labelled lines (when, where,
registration, contacts), the programme a table with its times, and the facts and questions as
text, in the staff's language, with dates and times as participants are told them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.desk.knowledge.fields import ITEM_KINDS
from bot.i18n import N_, Lang, fmt_date, fmt_time, join_names, translator
from bot.knowledge.schema import (
    ACCESS_LABELS,
    Background,
    Event,
    Part,
    Price,
    ProgrammeItem,
    SpeakerRef,
)

PARTS: dict[str, str] = {
    Part.MODERATOR: N_("moderator"),
    Part.FACILITATOR: N_("facilitator"),
    Part.HOST: N_("host"),
    Part.PANEL: N_("panel"),
    Part.PERFORMER: N_("performer"),
}


@dataclass(frozen=True)
class Line:
    """One labelled line: "Deadline: Friday 12 April 2024"; ``href`` makes the value a link."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class Row:
    """A programme item as a row: its time, title, who, and what."""

    time: str
    title: str
    kind: str
    people: str
    description: str
    note: str


@dataclass
class Block:
    """A part of the page under its heading: labelled lines, texts, or the programme's rows."""

    heading: str
    lines: list[Line] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    rows: list[Row] = field(default_factory=list)


@dataclass
class Readable:
    title: str
    subtitle: str | None
    facts_about: list[Line]
    parts: list[Block]
    texts: dict[str, str]


def readable(source: Event | Background, lang: Lang) -> Readable:
    """The source as the readable page shows it."""
    _ = translator(lang).gettext
    about: list[Line] = []
    parts: list[Block] = []
    if isinstance(source, Event):
        if source.event_type:
            about.append(Line(_("Kind of event"), source.event_type))
        about.append(Line(_("Organiser"), source.organiser))
        if source.audience:
            about.append(Line(_("For whom"), source.audience))
        about.append(Line(_("When"), when(source, lang)))
        parts.append(_where(source, lang))
        parts.append(_registration(source, lang))
        if source.contacts:
            parts.append(_contacts(source, lang))
        rows = [_row(source, item, lang) for item in source.programme]
        parts.append(Block(_("Programme"), rows=rows))
        if source.people:
            people = Block(_("People"))
            for person in source.people:
                said = ", ".join(x for x in (person.role, person.organisation) if x)
                if person.about:
                    said = f"{said}. {person.about}" if said else person.about
                people.lines.append(Line(person.name, said or "–"))
            parts.append(people)
    elif source.organiser:
        about.append(Line(_("Organiser"), source.organiser))
    if source.summary:
        about.append(Line(_("Summary"), source.summary))
    if source.facts:
        parts.append(Block(_("Facts"), texts=[(f.topic, f.text) for f in source.facts]))
    if source.faq:
        faq = Block(_("Questions and answers"))
        for qa in source.faq:
            asked = qa.questions[0]
            if len(qa.questions) > 1:
                also = _("Also asked as: {questions}").format(questions="; ".join(qa.questions[1:]))
                faq.texts.append((asked, f"{qa.answer}\n{also}"))
            else:
                faq.texts.append((asked, qa.answer))
        parts.append(faq)
    if source.conflicts:
        parts.append(
            Block(
                _("Where the invitation contradicts itself"),
                texts=[("", c) for c in source.conflicts],
            )
        )
    parts.append(Block(_("Source"), [Line(_("File"), source.source.file)]))
    return Readable(
        title=source.title,
        subtitle=source.subtitle if isinstance(source, Event) else None,
        facts_about=about,
        parts=[p for p in parts if p.lines or p.texts or p.rows],
        texts={
            "time": _("Time"),
            "item": _("Item"),
            "people": _("Who"),
        },
    )


def when(event: Event, lang: Lang) -> str:
    """ "Friday 31 May 2024, 11:00–14:30", or from one day to another."""
    _ = translator(lang).gettext
    if event.start.date() == event.end.date():
        return _("{date}, {start}–{end}").format(
            date=fmt_date(event.start, lang),
            start=fmt_time(event.start, lang),
            end=fmt_time(event.end, lang),
        )
    return _("from {start} to {end}").format(start=_at(event.start, lang), end=_at(event.end, lang))


def _at(moment: datetime, lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("{date} at {time}").format(date=fmt_date(moment, lang), time=fmt_time(moment, lang))


def _where(event: Event, lang: Lang) -> Block:
    _ = translator(lang).gettext
    part = Block(_("Where"))
    venue = event.venue
    if venue is None:
        part.lines.append(Line(_("Place"), _("The file does not say.")))
        return part
    if venue.name:
        part.lines.append(Line(_("Place"), venue.name))
    if venue.address:
        part.lines.append(Line(_("Address"), venue.address))
    if venue.online:
        part.lines.append(Line(_("Online"), venue.online_details or _("Yes")))
    if venue.access is not None:
        for key, label in ACCESS_LABELS.items():
            value = getattr(venue.access, key)
            if value is not None:
                said = _("Yes") if value is True else _("No") if value is False else str(value)
                part.lines.append(Line(_(label), said))
    return part


def _price(price: Price, lang: Lang) -> str:
    _ = translator(lang).gettext
    said: list[str] = []
    if price.free:
        said.append(_("Free of charge"))
    if price.amount_dkk is not None:
        amount = f"{price.amount_dkk:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        said.append(_("{amount} kr.").format(amount=amount.removesuffix(",00")))
    if price.note:
        said.append(price.note)
    return ". ".join(said)


def _registration(event: Event, lang: Lang) -> Block:
    _ = translator(lang).gettext
    part = Block(_("Registration"))
    r = event.registration
    if r is None:
        part.lines.append(Line(_("Registration"), _("The file does not say.")))
        return part
    if not r.open:
        part.lines.append(Line(_("Open"), _("No, registration is closed")))
    if r.deadline_at is not None:
        deadline = (
            _at(r.deadline_at, lang) if r.deadline_has_time else fmt_date(r.deadline_at, lang)
        )
        part.lines.append(Line(_("Deadline"), deadline))
    if r.how:
        part.lines.append(Line(_("How"), r.how))
    if r.url:
        part.lines.append(Line(_("Link"), r.url, r.url if r.url.startswith("http") else None))
    if r.email:
        part.lines.append(Line(_("E-mail"), str(r.email), f"mailto:{r.email}"))
    if r.price is not None:
        part.lines.append(Line(_("Price"), _price(r.price, lang)))
    if r.capacity is not None:
        part.lines.append(Line(_("Seats"), str(r.capacity)))
    for session in r.sessions:
        label = _("Workshop {key}") if session.kind == "workshop" else _("Session {key}")
        said = session.title
        if session.description:
            said += f". {session.description}"
        if session.speakers:
            said += f". {_people(session.speakers, lang)}"
        if session.capacity:
            said += ". " + _("{count} seats").format(count=session.capacity)
        part.lines.append(Line(label.format(key=session.key), said))
    if r.choose_session == "at_signup":
        part.lines.append(Line(_("Choosing"), _("Sessions are chosen when signing up")))
    elif r.choose_session == "on_the_day":
        part.lines.append(Line(_("Choosing"), _("Sessions are chosen on the day")))
    return part


def _contacts(event: Event, lang: Lang) -> Block:
    _ = translator(lang).gettext
    part = Block(_("Contacts"))
    for contact in event.contacts:
        name = f"{contact.name} ({contact.role})" if contact.role else contact.name
        for email in contact.emails:
            part.lines.append(Line(name, str(email), f"mailto:{email}"))
        if contact.phone:
            part.lines.append(Line(name, _("Phone {number}").format(number=contact.phone)))
        if contact.note:
            part.lines.append(Line(name, contact.note))
        if not (contact.emails or contact.phone or contact.note):
            part.lines.append(Line(name, "–"))
    return part


def _people(speakers: list[SpeakerRef], lang: Lang) -> str:
    _ = translator(lang).gettext
    said = []
    for s in speakers:
        extra = [x for x in (s.role, _(PARTS[s.part]) if s.part in PARTS else None) if x]
        said.append(f"{s.name} ({', '.join(extra)})" if extra else s.name)
    return join_names(said, lang)


def _row(event: Event, item: ProgrammeItem, lang: Lang) -> Row:
    _ = translator(lang).gettext
    begins, ends = event.item_start(item), event.item_end(item)
    time_said = fmt_time(begins, lang)
    if ends is not None:
        time_said += "–" + fmt_time(ends, lang)
    if item.day is not None and event.start.date() != event.end.date():
        time_said = f"{fmt_date(item.day, lang, weekday=False)} {time_said}"
    kinds = dict(ITEM_KINDS)
    description = item.description or ""
    if item.sessions:
        labels = [s.label for s in event.sessions if s.key in item.sessions]
        running = _("Running: {sessions}").format(sessions=join_names(labels, lang))
        description = f"{description} {running}".strip()
    return Row(
        time=time_said,
        title=item.title,
        kind=_(kinds[item.kind]) if item.kind in kinds else "",
        people=_people(item.speakers, lang),
        description=description,
        note=item.note or "",
    )
