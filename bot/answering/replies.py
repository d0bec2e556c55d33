"""What answers each kind of question about one event: a structured fact, a note, or nothing.

Each kind has one function that composes its answer from the event's fields (through
``compose``), or returns None where the event's knowledge does not state it, and the core hands
the question to staff. A fact of another kind is never used: a parking question is not answered
with the address, "who is the day for" not with the contact list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from bot.answering import compose
from bot.answering.access import access_answer
from bot.answering.analysis import Query
from bot.answering.index import ROLE, TITLE, UNIT_THRESHOLD, SourceIndex, Unit
from bot.answering.notes import Note
from bot.i18n import Lang
from bot.knowledge.schema import (
    QA,
    Contact,
    Event,
    Fact,
    ItemKind,
    Person,
    ProgrammeItem,
    Session,
)
from bot.understanding.kinds import LOGISTICS, NEAR

# Getting to a place: a question about it is answered, for a meeting only online, by that.
TRAVEL = frozenset(
    {"transport", "public-transport", "parking", "disabled-parking", "accommodation"}
)
# Notes scoring within this share of the best are compared by how the question is asked.
CLOSE_SUBJECT = 0.8
# How close (cosine of character n-grams) a note must be to answer a question of knowledge whose
# words it does not hold.
CLOSE_NOTE = 0.25
# Asked for these, a contact answer must hold a phone number.
PHONE_WORDS = ("ring", "telefon", "tlf", "phone", "call", "nummer", "number")
MAIL_WORDS = ("mail", "email", "skrive til", "write to")
# The object of an online question that only the link itself answers.
ONLINE_OBJECTS = (
    ("link", "http", "url"),
    ("zoom", "teams", "skype", "webex", "platform"),
    # Which device works is a technical matter ("virker det på en ipad?"); joining from one's
    # computer is what "online" says already.
    ("ipad", "tablet", "smartphone", "mobil", "telefon", "app", "browser"),
)
# An audience statement that lets anyone in also answers "may my husband come along?".
OPEN_TO_ALL = re.compile(r"\balle\b.*\bvelkomne\b|\beveryone\b.*\bwelcome\b|\båben for alle\b")
# Parts of a programme that answer "is there food?".
FOOD_ITEMS = (ItemKind.MEAL, ItemKind.BREAK, ItemKind.ARRIVAL)


@dataclass
class Asked:
    """One question about one event, with everything needed to answer it."""

    event: Event
    kind: str
    query: Query  # the piece asked: its words, times, names
    context: Query  # the whole message: a name or a time said before the question
    indices: list[SourceIndex]  # the event's own index first, then its background
    notes: list[Note]  # the event's notes, then its background's
    lang: Lang
    now: datetime
    named: bool  # whether to name the event (the chat is not already about it)
    keys: list[str] = field(default_factory=list)  # the stems a matching unit should hold
    subject: Unit | None = None  # the item, person or note the question names, if any
    common: Callable[[str], bool] = lambda _stem: False  # whether participants use it anyhow
    sure: bool = False  # whether the kind is read with high confidence
    subject_by_kind: bool = False  # the subject is an item of the kind named, not its words
    text: str = ""  # the piece as the participant wrote it
    search: Callable[[str, Sequence[Note]], tuple[Note | None, float]] | None = None

    @property
    def past(self) -> bool:
        return self.event.end < self.now


Reply = Callable[[Asked], "str | None"]


def _date(a: Asked) -> str | None:
    offset = a.query.relative_day
    if offset is not None:  # "er det i dag?", "is it tomorrow?": yes or no, by the calendar
        if a.query.qword == "what":  # "hvad sker der i dag?": the day's programme, if it is
            if compose.days_until(a.event, a.now) == offset and a.event.end > a.now:
                return compose.programme_answer(a.event, a.lang)
            return compose.date_answer(a.event, a.lang, a.now, a.named)
        if a.query.qword in (None, "when") and not a.query.topic:
            return compose.relative_day_answer(a.event, offset, a.lang, a.now)
    return compose.date_answer(a.event, a.lang, a.now, a.named)


def _start(a: Asked) -> str | None:
    item = _item_named(a)
    if item is not None:
        return compose.item_when_answer(a.event, item, a.lang)
    return compose.start_answer(a.event, a.lang, a.now)


def _end(a: Asked) -> str | None:
    item = _item_named(a)
    if item is not None and item.end is not None:
        return compose.item_when_answer(a.event, item, a.lang)
    return compose.end_answer(a.event, a.lang, a.now)


def _arrival(a: Asked) -> str | None:
    # Without an arrival in the programme the source does not say when to come (or whether
    # there is coffee before): staff answer, not the start time near it.
    if compose.arrival_item(a.event) is None:
        return None
    return compose.arrival_answer(a.event, a.lang, a.now)


def _venue(a: Asked) -> str | None:
    return compose.venue_answer(a.event, a.lang, a.now, a.named)


def _address(a: Asked) -> str | None:
    venue = a.event.venue
    if venue is None or not venue.address:
        return _online(a) if venue is not None and venue.online and not venue.name else None
    return compose.venue_answer(a.event, a.lang, a.now, a.named)


def _online(a: Asked) -> str | None:
    venue = a.event.venue
    note = _note_of_kind(a, "online")
    if venue is None or not venue.online:
        return note
    text = compose.joined(compose.online_answer(a.event, a.lang, a.now), note)
    # Asked for the link itself, which platform ("teams eller zoom?") or which device, the
    # answer must name what was asked, or staff answer.
    said = text.casefold()
    for objects in ONLINE_OBJECTS:
        asked = [w for w in objects if w in a.query.text]
        if asked and not any(w in said for w in asked):
            return None
    return text


def _deadline(a: Asked) -> str | None:
    return compose.deadline_answer(a.event, a.lang, a.now)


def _signup_how(a: Asked) -> str | None:
    return compose.signup_how_answer(a.event, a.lang, a.now)


def _programme(a: Asked) -> str | None:
    offset = a.query.relative_day
    if offset is not None and offset != compose.days_until(a.event, a.now):
        return compose.date_answer(a.event, a.lang, a.now, a.named)
    if a.query.daypart is not None:
        low, high = a.query.daypart
        part = [i for i in a.event.programme if low <= i.start < high]
        if part:
            return "\n".join(compose.item_line(a.event, i, a.lang) for i in part)
    return compose.programme_answer(a.event, a.lang)


def _programme_at(a: Asked) -> str | None:
    clock = a.query.clock or a.context.clock
    items = sorted(a.event.programme, key=lambda i: i.start)
    if not items:
        return None
    if clock is None:
        item = _item_named(a)
        if item is not None:
            return compose.item_when_answer(a.event, item, a.lang)
        return _programme(a)
    return compose.at_clock_answer(a.event, items, _on_the_day(a.event, clock), a.lang)


def _neighbour(a: Asked, step: int) -> str | None:
    items = sorted(a.event.programme, key=lambda i: i.start)
    anchor = _item_named(a)
    if anchor is None and (a.query.mentions_session or a.context.mentions_session):
        anchor = next((i for i in items if i.sessions), None)
    if anchor is None:
        clock = a.query.clock or a.context.clock
        if clock is None:
            return None
        at = [i for i in items if i.start <= clock]
        if not at:
            return None
        anchor = at[-1]
    position = items.index(anchor) + step
    if not 0 <= position < len(items):
        return None
    return compose.item_at_answer(a.event, items[position], a.lang, ())


def _after(a: Asked) -> str | None:
    return _neighbour(a, 1)


def _before(a: Asked) -> str | None:
    return _neighbour(a, -1)


def _now_next(a: Asked) -> str | None:
    items = sorted(a.event.programme, key=lambda i: i.start)
    if not items:
        return None
    wants_next = a.query.has("next") or a.context.has("next")
    return compose.now_next_answer(a.event, items, a.now, a.lang, wants_next=wants_next)


def _speakers(a: Asked) -> str | None:
    item = _item_named(a, kinds=("item", "session"))
    if isinstance(item, ProgrammeItem) and item.speakers:
        return compose.item_who_answer(a.event, item, a.lang, a.query.parts)
    session = _session_named(a)
    if session is not None and session.speakers:
        return compose.session_answer(session, a.lang, a.keys, a.query.parts)
    for kind in _item_kinds_asked(a):
        holder = next((i for i in a.event.programme if i.kind == kind and i.speakers), None)
        if holder is not None:
            return compose.item_who_answer(a.event, holder, a.lang, set())
    people = compose.people_answer(a.event, a.lang)
    if a.query.clock is not None:
        people = None  # "hvem taler kl 9?" without a timed programme: not known
    return compose.speakers_answer(a.event, a.lang, a.past) or people


def _who_is(a: Asked) -> str | None:
    unit, _score = _best_unit(a, ("person", "contact", "item", "session"))
    if unit is None:
        return None
    ref = unit.ref
    if isinstance(ref, Person):
        return compose.person_answer(ref, a.lang, True)
    if isinstance(ref, Contact):
        return compose.contact_answer(a.event, a.lang, [ref])
    if isinstance(ref, ProgrammeItem):
        return compose.item_who_answer(a.event, ref, a.lang, set()) or compose.item_at_answer(
            a.event, ref, a.lang, a.keys
        )
    if isinstance(ref, Session):
        return compose.session_answer(ref, a.lang, a.keys, set())
    return None


def _chair(a: Asked) -> str | None:
    parts = {"moderator", "facilitator", "host"}
    session = _session_named(a)
    if session is not None:
        return (
            compose.session_answer(session, a.lang, a.keys, parts)
            if any(s.part.value in parts for s in session.speakers)
            else None
        )
    item = _item_named(a)
    if item is not None and any(s.part.value in parts for s in item.speakers):
        return compose.item_who_answer(a.event, item, a.lang, parts)
    # Asked for the day's chair, a session's moderator is not the answer; asked about the
    # sessions ("hvem er ordstyrer i sessionerne?"), theirs are.
    return compose.chairs_answer(a.event, a.lang, sessions=a.query.mentions_session)


def _contact(a: Asked) -> str | None:
    text = compose.contact_answer(a.event, a.lang)
    # Asked for a number to call, an answer with only e-mail addresses is not the answer; asked
    # for an address to write to, one with only a phone number is not.
    contacts = a.event.contacts
    if text is not None and _asks_for(a, PHONE_WORDS) and not any(c.phone for c in contacts):
        return None
    emails = any(c.emails for c in contacts) or bool(
        a.event.registration and a.event.registration.email
    )
    if text is not None and _asks_for(a, MAIL_WORDS) and not emails:
        return None
    return text


def _price(a: Asked) -> str | None:
    return compose.price_answer(a.event, a.lang) or _note_of_kind(a, "price")


def _audience(a: Asked) -> str | None:
    return compose.audience_answer(a.event, a.lang, a.named) or _note_of_kind(a, "audience")


def _sessions(a: Asked) -> str | None:
    session = _session_named(a)
    if session is not None:
        return compose.session_answer(session, a.lang, a.keys, a.query.parts)
    return compose.sessions_answer(a.event, a.lang) or _note_of_kind(a, "sessions")


def _choose_session(a: Asked) -> str | None:
    said = [compose.choose_session_answer(a.event, a.lang), _note_of_kind(a, "choose-session")]
    return " ".join(t for t in said if t) or None


def _organiser(a: Asked) -> str | None:
    return compose.organiser_answer(a.event, a.lang, a.named)


def _purpose(a: Asked) -> str | None:
    # "Hvad er meningen med livet?" is not a question about the day's purpose: words beyond the
    # event's name must be what the event is called or about (its title, subtitle, kind), or in
    # a note of its purpose; a word somewhere in its summary is not enough.
    head = a.indices[0]
    purposes = [n for n in a.notes if n.kind == "purpose" and n.source_id == a.event.id]
    for alts in a.query.topic:
        in_name = any(
            head.units[0].weights.get(m, 0.0) >= ROLE for k in alts for m, _f in head.expand(k)
        )
        if not in_name and not any(_holds_any_of(a, n, alts) for n in purposes):
            return None
    # The event's own words first; the background's purpose is the background's, not the day's.
    return _note_of_kind(a, "purpose", own=True) or compose.summary_answer(a.event, a.lang)


def _capacity(a: Asked) -> str | None:
    return compose.capacity_answer(a.event, a.lang) or _note_of_kind(a, "capacity")


def _food(a: Asked) -> str | None:
    items = [i for i in a.event.programme if i.kind in FOOD_ITEMS and _mentions_food(i)]
    # Asked for lunch, a coffee break is not the answer: only items of the kind named.
    named = a.query.kind_words
    if named:
        items = [
            i
            for i in a.event.programme
            if any(i.kind == kind or key in i.title.casefold() for key, kind in named)
        ]
    note = _note_of_kind(a, "food")
    if note:
        return note
    if not items:
        return None
    return "\n".join(compose.item_line(a.event, i, a.lang, with_speakers=False) for i in items)


def _online_only(event: Event) -> bool:
    venue = event.venue
    return venue is not None and venue.online and not (venue.name or venue.address)


def _companion(a: Asked) -> str | None:
    note = _note_of_kind(a, "companion")
    if note is not None:
        return note
    audience = a.event.audience or ""
    if OPEN_TO_ALL.search(audience.casefold()):
        return compose.audience_answer(a.event, a.lang, a.named)
    return None


def _topic(kind: str) -> Reply:
    def reply(a: Asked) -> str | None:
        note = _note_of_kind(a, kind, grounded=True)
        for near in sorted(NEAR.get(kind, ())):
            note = note or _note_of_kind(a, near, worded=True)
        stated = access_answer(a.event, kind, a.lang)
        if stated is not None:
            return compose.joined(stated, note)
        if note is None and kind in TRAVEL and _online_only(a.event):
            # "Skal jeg køre til Odense?", "er der parkering?" of a meeting held only online.
            return compose.online_answer(a.event, a.lang, a.now)
        return note

    return reply


def _fact(a: Asked) -> str | None:
    """Plain knowledge: the note (or programme item) that holds the question's words, or else
    the note of plain knowledge closest to the question as it is written."""
    unit, score = _best_unit(a, ("fact", "faq", "item", "session", "person"))
    if unit is None or score < UNIT_THRESHOLD:
        plain = [n for n in a.notes if n.kind not in LOGISTICS or n.kind == a.kind]
        note, similarity = a.search(a.text, plain) if a.search else (None, 0.0)
        if note is None or similarity < CLOSE_NOTE:
            return None
        return _note_text(a, note.ref, note.source_id)
    ref = unit.ref
    if isinstance(ref, Fact | QA):
        note = next((n for n in a.notes if n.ref is ref), None)
        if note is not None and note.kind not in ("fact", "purpose"):
            return None  # a note about parking does not answer a question of knowledge
        return _note_text(a, ref, unit.source_id)
    if isinstance(ref, ProgrammeItem):
        return compose.item_at_answer(a.event, ref, a.lang, a.keys)
    if isinstance(ref, Session):
        return compose.session_answer(ref, a.lang, a.keys, set())
    if isinstance(ref, Person):
        return compose.person_answer(ref, a.lang, True)
    return None


REPLIES: dict[str, Reply] = {
    "date": _date,
    "start": _start,
    "end": _end,
    "arrival": _arrival,
    "venue": _venue,
    "address": _address,
    "online": _online,
    "deadline": _deadline,
    "can-signup": _deadline,
    "signup-how": _signup_how,
    "programme": _programme,
    "programme-at": _programme_at,
    "after": _after,
    "before": _before,
    "now-next": _now_next,
    "speakers": _speakers,
    "who-is": _who_is,
    "chair": _chair,
    "contact": _contact,
    "price": _price,
    "audience": _audience,
    "sessions": _sessions,
    "choose-session": _choose_session,
    "organiser": _organiser,
    "purpose": _purpose,
    "capacity": _capacity,
    "food": _food,
    "fact": _fact,
    "companion": _companion,
    # The practical matters a note answers (companion has its own, above).
    **{kind: _topic(kind) for kind in sorted(LOGISTICS - {"companion"})},
}


# -- finding what the question names -----------------------------------------------------------


def _best_unit(a: Asked, kinds: Sequence[str]) -> tuple[Unit | None, float]:
    best: tuple[Unit | None, float] = (None, 0.0)
    for index in a.indices:
        for i, score in index.score_units(a.keys).items():
            unit = index.units[i]
            if unit.kind in kinds and score > best[1]:
                best = (unit, score)
    return best if best[1] >= UNIT_THRESHOLD else (None, 0.0)


def _item_named(a: Asked, kinds: Sequence[str] = ("item",)) -> ProgrammeItem | None:
    """The programme item the question names ("efter frokosten", "Ulrik Wilbeks oplæg")."""
    if a.keys:
        unit, _score = _best_unit(a, kinds)
        if unit is not None and isinstance(unit.ref, ProgrammeItem):
            return unit.ref
    for kind in _item_kinds_asked(a):
        found = next((i for i in a.event.programme if i.kind == kind), None)
        if found is not None:
            return found
    return None


def _item_kinds_asked(a: Asked) -> list[ItemKind]:
    return sorted(a.query.kinds, key=lambda k: k.value)


def _session_named(a: Asked) -> Session | None:
    key = a.query.session_key or a.context.session_key
    if key is not None:
        return next((s for s in a.event.sessions if s.key == key), None)
    if a.keys:
        unit, _score = _best_unit(a, ("session",))
        if unit is not None and isinstance(unit.ref, Session):
            return unit.ref
    return None


def _mentions_food(item: ProgrammeItem) -> bool:
    return item.kind == ItemKind.MEAL or any(
        w in item.title.casefold() for w in ("kaffe", "frokost", "the", "kage", "mad", "coffee")
    )


def _notes_of(a: Asked, kind: str) -> list[Note]:
    return [n for n in a.notes if n.kind == kind]


def _note_of_kind(
    a: Asked, kind: str, own: bool = False, grounded: bool = False, worded: bool = False
) -> str | None:
    """The best note of the kind asked, or None: never a note of another kind. The event's own
    notes come before its background's. ``grounded``: a note whose kind was only read (not
    stated by the curator) must also hold a word of the question, so a misread fact about
    "udgifter" never answers a question about mileage allowances; ``worded``: every note must."""
    notes = _notes_of(a, kind)
    if grounded or worded:
        notes = [n for n in notes if (n.stated and not worded) or _holds_any(a, n)]
    mine = [n for n in notes if n.source_id == a.event.id]
    notes = mine if (mine or own) else notes
    if not notes:
        return None
    chosen = notes[0]
    if len(notes) > 1 and a.keys:
        scores: dict[int, float] = {}
        for index in a.indices:
            for i, score in index.score_units(a.keys).items():
                scores[id(index.units[i].ref)] = score
        chosen = max(notes, key=lambda n: scores.get(id(n.ref), 0.0))
    return _note_text(a, chosen.ref, chosen.source_id)


def _note_text(a: Asked, ref: Fact | QA, source_id: str) -> str:
    if isinstance(ref, QA):
        text = compose.faq_answer(ref, a.lang)
    else:
        text = compose.fact_answer(ref, a.keys, a.lang)
    if source_id != a.event.id:
        title = next((i.source.title for i in a.indices if i.source.id == source_id), "")
        text += f" ({title})" if title else ""
    return text


# -- a question about a named thing ------------------------------------------------------------

# Kinds that ask when something is; asked about a named item, its time answers.
WHEN_KINDS = frozenset({"date", "start", "end", "arrival", "programme-at", "now-next"})
# Kinds that ask who; asked about a named item or session, its people answer.
WHO_KINDS = frozenset({"speakers", "who-is", "chair"})
# Kinds that ask what something is or is about; a note of plain knowledge may answer them.
WHAT_KINDS = frozenset({"fact", "purpose", "programme", "sessions", "who-is", "capacity"})


def find_subject(a: Asked) -> Unit | None:
    """The one unit (item, session, person, note) that holds every topic word of the question.

    Words scattered over several units ("meningen" here, "livet" there) name nothing; the
    event's own name and place are not a subject (a question about the event is answered from
    its fields). "Session 3" names its session; "workshopperne" the item they run in.
    """
    # "Jeg har valgt session 2. Hvem er ordstyrer?": the session said before the question.
    key = a.query.session_key or a.context.session_key
    if key is not None:
        for index in a.indices[:1]:
            for unit in index.units:
                if isinstance(unit.ref, Session) and unit.ref.key == key:
                    return unit
    # The event's own name and place in the question ("temamødet om socialpsykiatri") name the
    # event, not a part of it.
    head = a.indices[0]
    topic = [alts for alts in a.query.topic if not any(k in head.names for k in alts)]
    keys = [k for alts in topic for k in alts] + [k for k, _kind in a.query.kind_words]
    # Words participants use all the time ("fortalte", "holder", "toget") may be the way of
    # asking; the others (a name, "paneldebatten", "recovery") must all be in the subject.
    # Stems of three letters or fewer ("vej", "tag") are too short to name anything.
    topic = [
        alts
        for alts in topic
        if not any(a.common(k) for k in alts) and max(len(k) for k in alts) >= 4
    ]
    fitting: list[tuple[Unit, float]] = []
    if keys:
        for index in a.indices:
            for i, score in index.score_units(keys).items():
                unit = index.units[i]
                if unit.kind == "event" or score < UNIT_THRESHOLD:
                    continue
                if not all(any(_unit_has(index, i, k) for k in alts) for alts in topic):
                    continue
                # Named only by common or short words: a programme item or session by its title
                # ("frokosten" is the "Frokostpause"); anything else only where the question is
                # not surely about the event as a whole ("hvornår starter det, jeg skal nå
                # toget"), and holding the words as they are (a "meningsfuldt liv" is not the
                # "mening med livet").
                weak = [k for k, _kind in a.query.kind_words]
                named_by = [k for k in keys if k not in weak]
                if not topic and unit.kind in ("item", "session"):
                    if not all(_title_has(unit, index, k) for k in named_by):
                        continue
                elif not topic and (
                    a.sure or not all(_unit_has_exactly(index, i, k) for k in named_by)
                ):
                    continue
                # "Er der en pause?" names a break: only a break (or what says "pause") is it,
                # unless the question names the item by its own words.
                if not topic and not all(
                    (isinstance(unit.ref, ProgrammeItem) and unit.ref.kind == item_kind)
                    or _unit_has(index, i, k)
                    for k, item_kind in a.query.kind_words
                ):
                    continue
                fitting.append((unit, score))
    if fitting:
        top = max(score for _u, score in fitting)
        close = [u for u, score in fitting if score >= CLOSE_SUBJECT * top]
        notes = [n for n in a.notes if any(n.ref is u.ref for u in close)]
        # Several notes hold the words nearly as well: the one closest to how it is asked.
        if len(close) > 1 and len(notes) == len(close) and a.search is not None:
            note, _similarity = a.search(a.text, notes)
            return next(u for u in close if note is not None and u.ref is note.ref)
        return max(fitting, key=lambda us: us[1])[0]
    if not topic:  # "kaffepause hvornår?": the break, whatever the programme calls it
        for _key, item_kind in a.query.kind_words:
            for unit in head.units:
                if isinstance(unit.ref, ProgrammeItem) and unit.ref.kind == item_kind:
                    a.subject_by_kind = True
                    return unit
    if a.query.mentions_session and not a.query.topic and a.kind in WHEN_KINDS:
        for unit in a.indices[0].units:
            if isinstance(unit.ref, ProgrammeItem) and unit.ref.sessions:
                return unit
    return None


def about_subject(a: Asked, subject: Unit) -> str | None:
    """Answer a question about the named unit, where the kind asked fits what the unit is."""
    ref, kind = subject.ref, a.kind
    if isinstance(ref, ProgrammeItem):
        if kind in WHEN_KINDS:
            return compose.item_when_answer(a.event, ref, a.lang)
        if kind == "who-is" and not _names_a_speaker(a, ref):
            return None  # "hvad er SIND?": named only in a speaker's title, not explained
        if kind in WHO_KINDS:
            return compose.item_who_answer(a.event, ref, a.lang, a.query.parts)
        if kind == "food" or (kind in WHAT_KINDS and ref.description):
            return compose.item_at_answer(a.event, ref, a.lang, a.keys)
        return None  # "hvad handler foredraget om?": the programme gives only its title
    if isinstance(ref, Session):
        if kind in WHEN_KINDS:
            holder = next((i for i in a.event.programme if ref.key in i.sessions), None)
            return compose.item_when_answer(a.event, holder, a.lang) if holder else None
        if kind in WHO_KINDS or kind in WHAT_KINDS:
            parts = a.query.parts  # "who leads workshop 3?": everyone, unless a part is named
            return compose.session_answer(ref, a.lang, a.keys, parts)
        return None
    if isinstance(ref, Person):
        if kind in WHEN_KINDS:
            slots = [i for i in a.event.programme if any(s.name == ref.name for s in i.speakers)]
            return compose.item_when_answer(a.event, slots[0], a.lang) if slots else None
        if kind in WHO_KINDS or kind in WHAT_KINDS:
            return compose.person_answer(ref, a.lang, True)
        return None
    if isinstance(ref, Contact):
        return (
            compose.contact_answer(a.event, a.lang, [ref])
            if kind in ("contact", "who-is")
            else None
        )
    if isinstance(ref, Fact | QA):
        note = next((n for n in a.notes if n.ref is ref), None)
        note_kind = note.kind if note is not None else "fact"
        # A note of plain knowledge tells what or when, never who ("hvem er KKR-formanden?" is
        # not answered by the purpose of the cooperation that KKR leads).
        fits = note_kind == kind or (
            note_kind in ("fact", "purpose") and kind in (WHAT_KINDS - WHO_KINDS) | WHEN_KINDS
        )
        return _note_text(a, ref, subject.source_id) if fits else None
    return None


def holds_all(index: SourceIndex, unit: int, query: Query) -> bool:
    """Whether one unit (with its source's name and place) holds every topic word together."""
    return all(
        any(_unit_has(index, unit, k) or _unit_has(index, 0, k) for k in alternatives)
        for alternatives in query.topic
    )


def _title_has(unit: Unit, index: SourceIndex, key: str) -> bool:
    """Whether the word is in the unit's title, or starts or ends a compound there."""
    return any(unit.weights.get(m, 0.0) >= TITLE for m, _f in index.expand(key))


def _unit_has_exactly(index: SourceIndex, unit: int, key: str) -> bool:
    """Whether the unit holds the word itself or an inflection of it ("velkom", "velkomst"),
    not a longer word built on it ("mening", "meningsfuld")."""
    return any(
        any(i == unit for i, _w in index.postings[m])
        for m, _f in index.expand(key)
        if len(m) - len(key) <= 2
    )


def _unit_has(index: SourceIndex, unit: int, key: str) -> bool:
    return any(any(i == unit for i, _w in index.postings[m]) for m, _f in index.expand(key))


def _asks_for(a: Asked, words: Sequence[str]) -> bool:
    return any(w in a.query.text for w in words)


def _holds_any_of(a: Asked, note: Note, keys: Sequence[str]) -> bool:
    for index in a.indices:
        for i, unit in enumerate(index.units):
            if unit.ref is note.ref:
                return any(_unit_has_exactly(index, i, k) for k in keys)
    return False


def _holds_any(a: Asked, note: Note) -> bool:
    for index in a.indices:
        for i, unit in enumerate(index.units):
            if unit.ref is note.ref:
                return any(_unit_has(index, i, k) for k in a.keys)
    return False


def _on_the_day(event: Event, clock: time) -> time:
    """ "5:45" or "kl. 3" at an afternoon event means 17.45 or 15.00."""
    if (
        clock.hour < 12
        and event.start.hour >= 12
        and clock < event.start.timetz().replace(tzinfo=None)
    ):
        later = time(clock.hour + 12, clock.minute)
        if later <= event.end.astimezone(event.start.tzinfo).time():
            return later
    return clock


def _names_a_speaker(a: Asked, item: ProgrammeItem) -> bool:
    """Whether the question names one of the item's people: by name, or (asked "who") by the
    title they hold ("hvem er KKR-formand?"); "what is SIND?" is not answered by a speaker
    whose title mentions SIND."""
    people = [s.name for s in item.speakers]
    if a.query.qword == "who":
        people += [s.role or "" for s in item.speakers]
    text = " ".join(people).casefold()
    return any(k in text for k in a.keys)
