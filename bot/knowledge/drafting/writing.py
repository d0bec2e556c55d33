"""A draft written as a knowledge file, with the source line of every field as a comment.

The YAML is written as text (PyYAML cannot keep comments): each field or list item gets a
comment with its source line (number and text, shortened) above it, where that line is not the
one its parent already shows; ``# USIKKER: ...`` where the reading is unsure; and what the source
does not say is left out, with ``# Kilden nævner ikke ...`` where it would stand. Scalars are
quoted by PyYAML itself, so any text is written safely; long text is folded (``>-``).
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime, time
from typing import Any

import yaml

from bot.i18n import N_, Lang, translator
from bot.knowledge.drafting.model import (
    Draft,
    Found,
    ItemDraft,
    Note,
    SessionDraft,
    SpeakerDraft,
)
from bot.knowledge.drafting.reading import Line
from bot.knowledge.drafting.text import shorten
from bot.knowledge.schema import ACCESS_LABELS

WIDTH = 100


def scalar(value: Any) -> str:
    """One value as YAML: times quoted ("10:30"), datetimes as "2024-05-31 11:00"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    dumped = yaml.safe_dump(str(value), allow_unicode=True, width=10**9, default_style=None)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


class Writer:
    def __init__(self, lang: Lang, kind: str) -> None:
        self.lang = lang
        self._ = translator(lang).gettext
        self.kind = kind
        self.out: list[str] = []

    def say(self, note: Note) -> str:
        return note.say(self.lang)

    def comment(self, indent: int, text: str) -> None:
        for part in textwrap.wrap(text, WIDTH - indent - 2) or [""]:
            self.out.append(" " * indent + "# " + part)

    def source(self, indent: int, line: Line | None, parent: Line | None = None) -> None:
        if line is None or (parent is not None and line.number == parent.number):
            return
        text = shorten(line.text)
        if line.page is not None:
            said = self._("page {page}, line {number}: {text}").format(
                page=line.page, number=line.number, text=text
            )
        else:
            said = self._("line {number}: {text}").format(number=line.number, text=text)
        self.out.append(" " * indent + "# " + said)

    def unsure(self, indent: int, note: Note | None) -> None:
        if note is not None:
            self.comment(indent, self._("UNSURE: {reason}").format(reason=self.say(note)))

    def missing(self, indent: int, note: Note, key: str | None = None) -> None:
        self.comment(
            indent, self._("The source does not mention {what}.").format(what=self.say(note))
        )
        if key:
            self.out.append(" " * indent + f"# {key}: ")

    def value(self, indent: int, key: str, value: Any, dash: bool = False) -> None:
        lead = " " * indent + ("- " if dash else "")
        inner = indent + (2 if dash else 0)
        if isinstance(value, str) and (len(value) + inner + len(key) > WIDTH - 4 or "\n" in value):
            self.out.append(f"{lead}{key}: >-")
            for part in textwrap.wrap(" ".join(value.split()), WIDTH - inner - 2) or [""]:
                self.out.append(" " * (inner + 2) + part)
            return
        self.out.append(f"{lead}{key}: {scalar(value)}")

    def found(
        self,
        indent: int,
        key: str,
        found: Found[Any] | None,
        parent: Line | None = None,
        dash: bool = False,
    ) -> None:
        if found is None:
            return
        self.source(indent, found.line, parent)
        self.unsure(indent, found.unsure)
        self.value(indent, key, found.value, dash)


def write_draft(draft: Draft, lang: Lang = "da") -> str:
    """The draft as the text of a knowledge file."""
    w = Writer(lang, draft.kind)
    _ = w._
    w.comment(
        0,
        _(
            "Draft of a knowledge file, made by 'python -m bot knowledge draft' from {file}. "
            "Each field has its source line above it (line numbers of the text read from the "
            "file; 'knowledge draft FILE --lines' shows them). Check every field against the "
            "invitation; UNSURE marks what the draft could not read with certainty, and what "
            "the source does not mention is left out: fill it in if you know it. Then check the "
            "file with: python -m bot knowledge check"
        ).format(file=draft.source),
    )
    for note in draft.notes:
        w.unsure(0, note)
    w.out.append(f"id: {scalar(draft.id)}")
    w.out.append(f"kind: {draft.kind}")
    w.out.append("source:")
    w.value(2, "file", draft.source)
    w.value(2, "note", _("Drafted from the invitation by the bot; checked by: (your name)"))
    if draft.title:
        w.found(0, "title", draft.title)
    else:
        w.missing(0, draft.missing.get("title", Note.of(N_("a title"))), "title")
    if draft.kind == "background":
        w.found(0, "organiser", draft.organiser)
        _facts(w, draft)
        _left_out(w, draft)
        return "\n".join(w.out) + "\n"
    w.found(0, "subtitle", draft.subtitle)
    w.found(0, "event_type", draft.event_type)
    if draft.organiser:
        w.found(0, "organiser", draft.organiser)
    else:
        w.missing(0, draft.missing["organiser"], "organiser")
    if draft.audience:
        w.found(0, "audience", draft.audience)
    elif "audience" in draft.missing:
        w.missing(0, draft.missing["audience"])
    for key in ("start", "end"):
        found = draft.start if key == "start" else draft.end
        if found:
            w.found(0, key, found)
        else:
            w.missing(0, draft.missing.get(key, Note.of(N_("when the event begins"))), key)
    _venue(w, draft)
    _registration(w, draft)
    _contacts(w, draft)
    _programme(w, draft)
    _people(w, draft)
    _facts(w, draft)
    _left_out(w, draft)
    return "\n".join(w.out) + "\n"


def _venue(w: Writer, draft: Draft) -> None:
    venue = draft.venue
    if venue is None:
        w.missing(0, draft.missing["venue"])
        return
    if "venue" in draft.missing:  # only its access is stated
        w.missing(0, draft.missing["venue"])
    w.out.append("venue:")
    w.found(2, "name", venue.name)
    w.found(2, "address", venue.address)
    if "venue.address" in draft.missing:
        w.missing(2, draft.missing["venue.address"])
    w.found(2, "online", venue.online)
    if venue.online_details and venue.online:
        w.found(2, "online_details", venue.online_details, venue.online.line)
    if venue.access:
        w.out.append("  access:")
        for key in ACCESS_LABELS:  # in the schema's order
            w.found(4, key, venue.access.get(key))


def _registration(w: Writer, draft: Draft) -> None:
    r = draft.registration
    w.out.append("registration:")
    if r.deadline:
        w.found(2, "deadline", r.deadline)
    else:
        w.missing(2, draft.missing["registration.deadline"])
    w.found(2, "how", r.how)
    w.found(2, "url", r.url)
    w.found(2, "email", r.email)
    if r.price:
        w.source(2, r.price.line)
        w.unsure(2, r.price.unsure)
        w.out.append("  price:")
        if r.price.free:
            w.out.append("    free: true")
        if r.price.amount_dkk is not None:
            w.value(4, "amount_dkk", r.price.amount_dkk)
        if r.price.note:
            w.value(4, "note", r.price.note)
    else:
        w.missing(2, draft.missing["registration.price"])
    if r.capacity:
        w.found(2, "capacity", r.capacity)
    else:
        w.missing(2, draft.missing["registration.capacity"])
    w.found(2, "choose_session", r.choose_session)
    if r.sessions:
        w.out.append("  sessions:")
        for session in r.sessions:
            _session(w, session)
    if r.empty:
        w.out.append("  open: true")


def _session(w: Writer, session: SessionDraft) -> None:
    w.source(4, session.title.line)
    w.unsure(4, session.title.unsure)
    w.value(4, "key", session.key, dash=True)
    w.value(6, "kind", session.kind)
    w.value(6, "title", session.title.value)
    if session.description and (session.description.value or session.description.unsure):
        w.source(6, session.description.line, session.title.line)
        w.unsure(6, session.description.unsure)
        if session.description.value:
            w.value(6, "description", session.description.value)
    _speakers(w, 6, session.speakers, session.title.line)


def _speakers(w: Writer, indent: int, speakers: list[SpeakerDraft], parent: Line | None) -> None:
    if not speakers:
        return
    w.out.append(" " * indent + "speakers:")
    for speaker in speakers:
        w.source(indent + 2, speaker.line, parent)
        w.value(indent + 2, "name", speaker.name, dash=True)
        if speaker.role:
            w.value(indent + 4, "role", speaker.role)
        w.value(indent + 4, "part", speaker.part)


def _contacts(w: Writer, draft: Draft) -> None:
    if not draft.contacts:
        w.missing(0, draft.missing["contacts"])
        return
    w.out.append("contacts:")
    for contact in draft.contacts:
        w.source(2, contact.name.line)
        w.unsure(2, contact.unsure)
        w.value(2, "name", contact.name.value, dash=True)
        if contact.role:
            w.value(4, "role", contact.role)
        if contact.emails:
            w.out.append("    emails:")
            for email in contact.emails:
                w.source(6, email.line, contact.name.line)
                w.out.append(f"      - {scalar(email.value)}")
        if contact.phone:
            w.found(4, "phone", Found(contact.phone.value, contact.phone.line), contact.name.line)
        if contact.note:
            w.value(4, "note", w.say(contact.note))


def _programme(w: Writer, draft: Draft) -> None:
    if not draft.programme:
        w.missing(0, draft.missing["programme"])
        return
    w.out.append("programme:")
    for item in draft.programme:
        _item(w, item)


def _item(w: Writer, item: ItemDraft) -> None:
    line = item.start.line
    w.source(2, line)
    w.unsure(2, item.unsure)
    w.unsure(2, item.start.unsure)
    w.value(2, "start", item.start.value, dash=True)
    if item.end:
        w.value(4, "end", item.end.value)
    if item.day:
        w.found(4, "day", item.day, line)
    w.found(4, "title", item.title, line)
    w.value(4, "kind", item.kind)
    _speakers(w, 4, item.speakers, line)
    if item.description:
        w.found(4, "description", item.description, item.title.line)
    if item.sessions:
        w.out.append("    sessions: [" + ", ".join(scalar(str(k)) for k in item.sessions) + "]")
    if item.note:
        w.value(4, "note", w.say(item.note))


def _people(w: Writer, draft: Draft) -> None:
    if not draft.people:
        return
    w.out.append("people:")
    for person in draft.people:
        w.source(2, person.line)
        w.value(2, "name", person.name, dash=True)
        if person.role:
            w.value(4, "role", person.role)
        if person.organisation:
            w.value(4, "organisation", person.organisation)
        if person.about:
            w.value(4, "about", " ".join(dict.fromkeys(w.say(a) for a in person.about)))


def _facts(w: Writer, draft: Draft) -> None:
    if not draft.facts:
        return
    w.out.append("facts:")
    for fact in draft.facts:
        w.source(2, fact.line)
        w.unsure(2, fact.unsure)
        w.value(2, "topic", fact.topic, dash=True)
        if fact.kind:
            w.value(4, "kind", fact.kind)
        w.value(4, "text", fact.text)


def _left_out(w: Writer, draft: Draft) -> None:
    if draft.left_out:
        numbers = ", ".join(str(line.number) for line in draft.left_out)
        w.comment(
            0,
            w._("Left out as noise from slides or page headers: lines {numbers}.").format(
                numbers=numbers
            ),
        )
