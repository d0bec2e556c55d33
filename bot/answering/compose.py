"""Answer sentences, composed only from the structured facts of the knowledge base.

Every sentence is a gettext message (English msgid, Danish in ``locales/da``), so nothing a
participant reads is typed here in Danish, and every date and time is formatted by babel in
Copenhagen time. Functions return None where the knowledge base is silent, and the caller hands
the question to staff: silence is never filled with a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from bot.clock import TZ
from bot.i18n import Lang, fmt_date, fmt_datetime, fmt_time, join_names, translator
from bot.knowledge.schema import (
    QA,
    Contact,
    Event,
    Fact,
    ItemKind,
    Person,
    ProgrammeItem,
    Session,
    SpeakerRef,
)

MAX_SENTENCES = 2


def gettext(lang: Lang, message: str) -> str:
    """Translate one message."""
    return translator(lang).gettext(message)


def speaker_text(speaker: SpeakerRef | Person) -> str:
    return f"{speaker.name} ({speaker.role})" if speaker.role else speaker.name


def speakers_text(speakers: Iterable[SpeakerRef], lang: Lang) -> str:
    return join_names([speaker_text(s) for s in speakers], lang)


def sentences(text: str) -> list[str]:
    """Split prose into sentences; abbreviations such as 'v.' or 'ph.d.' stay whole enough."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def relevant_sentences(text: str | None, keys: Sequence[str], limit: int = MAX_SENTENCES) -> str:
    """The sentences of ``text`` that mention the question's words, or its first sentences."""
    if not text:
        return ""
    from bot.answering.index import words_of
    from bot.answering.text import stem

    found = sentences(text)
    wanted = set(keys)

    def hits(sentence: str) -> int:
        stems = {stem(w) for w in words_of(sentence)}
        return sum(1 for k in wanted if any(s == k or s.startswith(k) for s in stems))

    scored = [(hits(s), i, s) for i, s in enumerate(found)]
    chosen = sorted(
        i for score, i, _s in sorted(scored, key=lambda t: (-t[0], t[1]))[:limit] if score > 0
    )
    if not chosen:
        chosen = list(range(min(limit, len(found))))
    return " ".join(found[i] for i in chosen)


def event_when(event: Event, lang: Lang) -> str:
    """'fredag den 31. maj 2024 kl. 11.00–14.30', spanning days where it must."""
    if event.start.date() == event.end.date():
        return gettext(lang, "{date} at {start}–{end}").format(
            date=fmt_date(event.start, lang),
            start=fmt_time(event.start, lang),
            end=fmt_time(event.end, lang),
        )
    return gettext(lang, "from {start} to {end}").format(
        start=fmt_datetime(event.start, lang), end=fmt_datetime(event.end, lang)
    )


def date_answer(event: Event, lang: Lang, now: datetime | None = None) -> str:
    """When the event is; "today" or "tomorrow" said too, counted in Copenhagen."""
    offset = days_until(event, now) if now is not None else None
    if offset in (0, 1) and now is not None and event.end > now:
        return gettext(lang, "{title} is {day}: {when}.").format(
            title=event.title, day=relative_word(offset, lang), when=event_when(event, lang)
        )
    return gettext(lang, "{title} is on {when}.").format(
        title=event.title, when=event_when(event, lang)
    )


def days_until(event: Event, now: datetime) -> int:
    """Days from today to the event's first day, by the calendar in Copenhagen."""
    return (event.day - now.astimezone(TZ).date()).days


def relative_word(offset: int, lang: Lang) -> str:
    words = {
        -1: gettext(lang, "yesterday"),
        0: gettext(lang, "today"),
        1: gettext(lang, "tomorrow"),
        2: gettext(lang, "the day after tomorrow"),
    }
    return words[offset]


def relative_day_answer(event: Event, offset: int, lang: Lang, now: datetime) -> str:
    """ "Is it today?": yes or no, and when it is, by the calendar in Copenhagen."""
    when, word = event_when(event, lang), relative_word(offset, lang)
    first, last = event.day, event.end.astimezone(TZ).date()
    asked = now.astimezone(TZ).date() + timedelta(days=offset)
    if first <= asked <= last:
        if offset < 0 or event.end <= now:
            return gettext(lang, "Yes, {title} was {day}: {when}.").format(
                title=event.title, day=word, when=when
            )
        return gettext(lang, "Yes, {title} is {day}: {when}.").format(
            title=event.title, day=word, when=when
        )
    if event.end <= now:
        return gettext(lang, "No. {title} was on {when}.").format(title=event.title, when=when)
    if offset < 0:
        return gettext(lang, "No, {title} was not {day}. It is on {when}.").format(
            title=event.title, day=word, when=when
        )
    return gettext(lang, "No, {title} is not {day}. It is on {when}.").format(
        title=event.title, day=word, when=when
    )


def arrival_item(event: Event) -> ProgrammeItem | None:
    return next((i for i in event.programme if i.kind == ItemKind.ARRIVAL), None)


def start_answer(event: Event, lang: Lang) -> str:
    text = gettext(lang, "The day starts at {time} on {date}.").format(
        time=fmt_time(event.start, lang), date=fmt_date(event.start, lang)
    )
    arrival = arrival_item(event)
    if arrival and arrival.start < event.start.time():
        text += " " + gettext(lang, "Arrival is from {time} ({title}).").format(
            time=fmt_time(event.item_start(arrival), lang), title=arrival.title
        )
    return text


def end_answer(event: Event, lang: Lang) -> str:
    return gettext(lang, "The day ends at {time} on {date}.").format(
        time=fmt_time(event.end, lang), date=fmt_date(event.end, lang)
    )


def arrival_answer(event: Event, lang: Lang) -> str:
    arrival = arrival_item(event)
    if arrival is None:
        return start_answer(event, lang)
    return gettext(lang, "Arrival is at {time}: {title}.").format(
        time=fmt_time(event.item_start(arrival), lang), title=arrival.title
    )


def place_text(event: Event, lang: Lang) -> str | None:
    """'Scandic Aalborg Øst, Hadsundvej 200, 9220 Aalborg', or 'online'."""
    venue = event.venue
    if venue is None:
        return None
    if venue.name or venue.address:
        return ", ".join(p for p in (venue.name, venue.address) if p)
    return gettext(lang, "online")


def venue_answer(event: Event, lang: Lang) -> str | None:
    venue = event.venue
    if venue is None:
        return None
    if venue.online and not (venue.name or venue.address):
        text = gettext(lang, "{title} is held online.").format(title=event.title)
        if venue.online_details:
            text += " " + venue.online_details
        return text
    text = gettext(lang, "{title} is held at {place}.").format(
        title=event.title, place=place_text(event, lang)
    )
    if venue.online:
        text += " " + gettext(lang, "You can also take part online.")
    return text


def deadline_text(event: Event, lang: Lang) -> str | None:
    """The signup deadline as people say it: a date, with the time only where one is set."""
    registration = event.registration
    if registration is None or registration.deadline is None:
        return None
    if isinstance(registration.deadline, datetime):
        return fmt_datetime(registration.deadline, lang)
    return fmt_date(registration.deadline, lang)


def deadline_short(event: Event, lang: Lang) -> str | None:
    shown = deadline_text(event, lang)
    return gettext(lang, "signup deadline {deadline}").format(deadline=shown) if shown else None


def deadline_answer(event: Event, lang: Lang, now: datetime) -> str | None:
    shown = deadline_text(event, lang)
    deadline = event.registration.deadline_at if event.registration else None
    if shown is None or deadline is None:
        return None
    text = gettext(lang, "The deadline for signing up is {deadline}.").format(deadline=shown)
    if now > deadline:
        text += " " + gettext(
            lang, "The deadline has passed, so unfortunately it is too late to sign up."
        )
        contact = contact_line(event.contacts[:1], lang)
        if contact:
            text += " " + gettext(lang, "If you have questions, contact {contact}.").format(
                contact=contact
            )
    else:
        text += " " + gettext(lang, "You can still sign up.")
    return text


def signup_answer(event: Event, lang: Lang, now: datetime) -> str:
    registration = event.registration
    deadline = registration.deadline_at if registration else None
    if deadline is not None and now > deadline:
        return deadline_answer(event, lang, now) or ""
    text = gettext(lang, "I can sign you up for {title}.").format(title=event.title)
    if registration and registration.how:
        text += " " + registration.how
    shown = deadline_text(event, lang)
    if shown is not None:
        text += " " + gettext(lang, "The deadline for signing up is {deadline}.").format(
            deadline=shown
        )
    return text


def cancel_answer(event: Event, lang: Lang) -> str:
    text = gettext(lang, "I can cancel your registration for {title}.").format(title=event.title)
    contact = contact_line(event.contacts[:1], lang)
    if contact:
        text += " " + gettext(lang, "You can also contact {contact}.").format(contact=contact)
    return text


def contact_line(contacts: Sequence[Contact], lang: Lang) -> str:
    lines = []
    for contact in contacts:
        bits = [", ".join(contact.emails)] if contact.emails else []
        if contact.phone:
            bits.append(gettext(lang, "phone {phone}").format(phone=contact.phone))
        line = contact.name + (f" ({contact.role})" if contact.role else "")
        if bits:
            line += ": " + ", ".join(bits)
        lines.append(line)
    return "; ".join(lines)


def contact_answer(event: Event, lang: Lang, contacts: Sequence[Contact] = ()) -> str | None:
    chosen = list(contacts) or event.contacts
    if chosen:
        text = gettext(lang, "Contact {contact}.").format(contact=contact_line(chosen, lang))
        notes = [c.note for c in chosen if c.note]
        return " ".join([text, *notes])
    if event.registration and event.registration.email:
        return gettext(lang, "You can write to {email}.").format(email=event.registration.email)
    return None


def price_answer(event: Event, lang: Lang) -> str | None:
    price = event.registration.price if event.registration else None
    if price is None:
        return None
    if price.free:
        text = gettext(lang, "Participation is free.")
    elif price.amount_dkk is not None:
        text = gettext(lang, "Participation costs {amount} kr.").format(
            amount=f"{price.amount_dkk:,.0f}".replace(",", ".")
        )
    else:
        text = ""
    return " ".join(t for t in (text, price.note or "") if t)


def capacity_answer(event: Event, lang: Lang) -> str | None:
    capacity = event.registration.capacity if event.registration else None
    if capacity is None:
        return None
    return gettext(lang, "There is room for {n} participants.").format(n=capacity)


def audience_answer(event: Event, lang: Lang) -> str | None:
    if not event.audience:
        return None
    return gettext(lang, "{title} is for: {audience}.").format(
        title=event.title, audience=event.audience.rstrip(".")
    )


def organiser_answer(event: Event, lang: Lang) -> str:
    return gettext(lang, "{title} is organised by {organiser}.").format(
        title=event.title, organiser=event.organiser
    )


def summary_answer(event: Event, lang: Lang) -> str | None:
    parts = [event.title + (f" – {event.subtitle}" if event.subtitle else "") + "."]
    if event.summary:
        parts.append(event.summary)
    return " ".join(parts)


def item_line(event: Event, item: ProgrammeItem, lang: Lang, with_speakers: bool = True) -> str:
    when = fmt_time(event.item_start(item), lang)
    end = event.item_end(item)
    if end is not None:
        when += "–" + fmt_time(end, lang)
    line = f"{when} {item.title}"
    if with_speakers and item.speakers:
        line += " – " + join_names([s.name for s in item.speakers], lang)
    return line


def programme_answer(event: Event, lang: Lang) -> str | None:
    if not event.programme:
        return None
    header = gettext(lang, "Programme for {title}, {date}:").format(
        title=event.title, date=fmt_date(event.start, lang)
    )
    return "\n".join([header, *(item_line(event, i, lang) for i in event.programme)])


def programme_starts(event: Event, first: ProgrammeItem, lang: Lang) -> str:
    return gettext(lang, "The programme starts at {time}.").format(
        time=fmt_time(event.item_start(first), lang)
    )


def not_today(event: Event, first: ProgrammeItem, lang: Lang) -> str:
    """Asked "what is on now?" on another day: when the day is, and how it begins."""
    return gettext(lang, "{title} is on {date}. The first item is at {time}: {item}.").format(
        title=event.title,
        date=fmt_date(event.start, lang),
        time=fmt_time(event.item_start(first), lang),
        item=first.title,
    )


def no_more_items(lang: Lang) -> str:
    return gettext(lang, "There are no more items in the programme today.")


def item_at_answer(event: Event, item: ProgrammeItem, lang: Lang, keys: Sequence[str]) -> str:
    text = gettext(lang, "At {time}: {title}.").format(
        time=fmt_time(event.item_start(item), lang), title=item.title.rstrip(".")
    )
    if item.speakers:
        text += " " + gettext(lang, "With {names}.").format(
            names=speakers_text(item.speakers, lang)
        )
    detail = relevant_sentences(item.description, keys, limit=1)
    return f"{text} {detail}".strip()


def item_when_answer(event: Event, item: ProgrammeItem, lang: Lang) -> str:
    start, end = event.item_start(item), event.item_end(item)
    title = item.title.rstrip(".")
    if end is not None:
        return gettext(lang, "{title}: {start}–{end} on {date}.").format(
            title=title,
            start=fmt_time(start, lang),
            end=fmt_time(end, lang),
            date=fmt_date(start, lang),
        )
    return gettext(lang, "{title}: at {time} on {date}.").format(
        title=title, time=fmt_time(start, lang), date=fmt_date(start, lang)
    )


def who_in(speakers: Sequence[SpeakerRef], parts: set[str]) -> list[SpeakerRef]:
    if parts:
        chosen = [s for s in speakers if s.part.value in parts]
        if chosen:
            return chosen
    return list(speakers)


def item_who_answer(event: Event, item: ProgrammeItem, lang: Lang, parts: set[str]) -> str | None:
    people = who_in(item.speakers, parts)
    if not people:
        return None
    return gettext(lang, "{title} ({time}): {names}.").format(
        title=item.title.rstrip("."),
        time=fmt_time(event.item_start(item), lang),
        names=speakers_text(people, lang),
    )


def session_answer(session: Session, lang: Lang, keys: Sequence[str], parts: set[str]) -> str:
    label = (
        gettext(lang, "Workshop {key}")
        if session.kind == "workshop"
        else gettext(lang, "Session {key}")
    )
    text = f"{label.format(key=session.key)}: {session.title.rstrip('.')}."
    by_part: dict[str, list[SpeakerRef]] = {}
    for speaker in who_in(session.speakers, parts):
        by_part.setdefault(speaker.part.value, []).append(speaker)
    labels = {
        "speaker": gettext(lang, "Speaker"),
        "moderator": gettext(lang, "Moderator"),
        "facilitator": gettext(lang, "Facilitator"),
        "host": gettext(lang, "Host"),
        "panel": gettext(lang, "Panel"),
        "performer": gettext(lang, "Performer"),
    }
    for part, speakers in by_part.items():
        # "Ordstyrer: Thøger Riis Michelsen", not "... (ordstyrer)": the label says it already.
        shown = [
            s.name if (s.role or "").casefold() == labels[part].casefold() else speaker_text(s)
            for s in speakers
        ]
        text += f" {labels[part]}: {join_names(shown, lang)}."
    if not parts:
        detail = relevant_sentences(session.description, keys)
        if detail:
            text += " " + detail
    return text


def sessions_answer(event: Event, lang: Lang) -> str | None:
    sessions = event.sessions
    if not sessions:
        return None
    kind = sessions[0].kind
    if kind == "workshop":
        header = gettext(lang, "There are {n} workshops to choose between:")
    else:
        header = gettext(lang, "There are {n} sessions to choose between:")
    lines = [header.format(n=len(sessions))]
    for session in sessions:
        speakers = [s for s in session.speakers if s.part.value == "speaker"]
        line = f"{session.key}. {session.title}"
        if speakers:
            line += " – " + join_names([s.name for s in speakers], lang)
        lines.append(line)
    starts = [i for i in event.programme if i.sessions]
    if starts:
        lines.append(
            gettext(lang, "They start at {time}.").format(
                time=fmt_time(event.item_start(starts[0]), lang)
            )
        )
    choose = event.registration.choose_session if event.registration else None
    if choose == "at_signup":
        lines.append(gettext(lang, "You choose when you sign up."))
    elif choose == "on_the_day":
        lines.append(gettext(lang, "You choose on the day."))
    return "\n".join(lines)


def person_answer(person: Person, lang: Lang, named: bool) -> str:
    if named:
        text = person.name + (f": {person.role}" if person.role else "")
        if person.organisation:
            text += f", {person.organisation}"
        text += "."
        if person.about:
            text += " " + person.about
        return text
    return speaker_text(person) + "."


def fact_answer(fact: Fact, keys: Sequence[str]) -> str:
    return relevant_sentences(fact.text, keys, limit=3) or fact.text


def faq_answer(qa: QA, lang: Lang) -> str:
    return qa.answer_en if lang == "en" and qa.answer_en else qa.answer


def candidates_answer(events: Sequence[Event], lang: Lang, detail: Sequence[str | None]) -> str:
    lines = [gettext(lang, "Several events match. Which one do you mean?")]
    for event, extra in zip(events, detail, strict=True):
        line = f"– {event.title} ({fmt_date(event.start, lang, weekday=False)})"
        if extra:
            line += f": {extra}"
        lines.append(line)
    return "\n".join(lines)


def escalation_text(lang: Lang) -> str:
    return gettext(
        lang,
        "I cannot answer that for certain. I have passed your question on to the secretariat, "
        "and they will answer you here.",
    )


def empty_text(lang: Lang) -> str:
    return gettext(lang, "Please write your question, for example: When is lunch?")


def greeting_text(lang: Lang) -> str:
    return gettext(
        lang,
        "Hello! Ask me about the time, place, programme or signup deadline, "
        "or write that you want to sign up or cancel.",
    )


def thanks_text(lang: Lang) -> str:
    return gettext(lang, "You are welcome.")


# Event-level intents and the sentence that answers each; None means the knowledge is silent.
TOPIC_ANSWERS: dict[str, Callable[[Event, Lang, datetime], str | None]] = {
    "deadline": deadline_answer,
    "price": lambda event, lang, _now: price_answer(event, lang),
    "audience": lambda event, lang, _now: audience_answer(event, lang),
    "organiser": lambda event, lang, _now: organiser_answer(event, lang),
    "capacity": lambda event, lang, _now: capacity_answer(event, lang),
    "venue": lambda event, lang, _now: venue_answer(event, lang),
    "date": date_answer,
    "start": lambda event, lang, _now: start_answer(event, lang),
    "end": lambda event, lang, _now: end_answer(event, lang),
    "arrival": lambda event, lang, _now: arrival_answer(event, lang),
    "programme": lambda event, lang, _now: programme_answer(event, lang),
    "sessions": lambda event, lang, _now: sessions_answer(event, lang),
    "summary": lambda event, lang, _now: summary_answer(event, lang),
}
