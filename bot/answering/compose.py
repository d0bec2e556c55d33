"""Answer sentences, composed only from the structured facts of the knowledge base.

Every sentence is a gettext message (English msgid, Danish in ``locales/da``), so nothing a
participant reads is typed here in Danish, and every date and time is formatted by babel in
Copenhagen time. Functions return None where the knowledge base is silent, and the caller hands
the question to staff: silence is never filled with a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

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
ONLINE_WORDS = re.compile(r"\bonline\b|\bzoom\b|\bteams\b", re.IGNORECASE)


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
    from bot.understanding.text import stem

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


def date_answer(event: Event, lang: Lang, now: datetime | None = None, named: bool = True) -> str:
    """When the event is; "today" or "tomorrow" said too, counted in Copenhagen; a past event
    in the past tense. ``named``: say the event's title (the chat is not already about it)."""
    offset = days_until(event, now) if now is not None else None
    when = event_when(event, lang)
    if now is not None and event.end <= now:
        if named:
            return gettext(lang, "{title} was on {when}.").format(title=event.title, when=when)
        return gettext(lang, "It was on {when}.").format(when=when)
    if offset in (0, 1) and now is not None:
        day = relative_word(offset, lang)
        if named:
            return gettext(lang, "{title} is {day}: {when}.").format(
                title=event.title, day=day, when=when
            )
        return gettext(lang, "It is {day}: {when}.").format(day=day, when=when)
    if named:
        return gettext(lang, "{title} is on {when}.").format(title=event.title, when=when)
    return gettext(lang, "It is on {when}.").format(when=when)


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


def start_answer(event: Event, lang: Lang, now: datetime | None = None) -> str:
    if now is not None and event.end <= now:
        message = gettext(lang, "The day started at {time} on {date}.")
    else:
        message = gettext(lang, "The day starts at {time} on {date}.")
    text = message.format(time=fmt_time(event.start, lang), date=fmt_date(event.start, lang))
    arrival = arrival_item(event)
    if arrival and arrival.start < event.start.time():
        text += " " + gettext(lang, "Arrival is from {time} ({title}).").format(
            time=fmt_time(event.item_start(arrival), lang), title=arrival.title
        )
    return text


def end_answer(event: Event, lang: Lang, now: datetime | None = None) -> str:
    if now is not None and event.end <= now:
        message = gettext(lang, "The day ended at {time} on {date}.")
    else:
        message = gettext(lang, "The day ends at {time} on {date}.")
    return message.format(time=fmt_time(event.end, lang), date=fmt_date(event.end, lang))


def arrival_answer(event: Event, lang: Lang, now: datetime | None = None) -> str:
    arrival = arrival_item(event)
    if arrival is None:
        return start_answer(event, lang, now)
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


def venue_answer(
    event: Event, lang: Lang, now: datetime | None = None, named: bool = True
) -> str | None:
    """Where: the place and address, or online (said once, with how to join)."""
    venue = event.venue
    if venue is None:
        return None
    if venue.online and not (venue.name or venue.address):
        return online_answer(event, lang, now)
    past = now is not None and event.end <= now
    place = place_text(event, lang)
    if named and past:
        text = gettext(lang, "{title} was held at {place}.").format(title=event.title, place=place)
    elif named:
        text = gettext(lang, "{title} is held at {place}.").format(title=event.title, place=place)
    elif past:
        text = gettext(lang, "It was held at {place}.").format(place=place)
    else:
        text = gettext(lang, "It is held at {place}.").format(place=place)
    if venue.online:
        text += " " + gettext(lang, "You can also take part online.")
    return text


def online_answer(event: Event, lang: Lang, now: datetime | None = None) -> str:
    """An online event: that it is online, and how to join where the source says."""
    venue = event.venue
    past = now is not None and event.end <= now
    details = venue.online_details if venue is not None else None
    if details and lang == "da" and ONLINE_WORDS.search(details):
        return details  # "Temamødet holdes online via Zoom." says it: online is said once
    text = gettext(lang, "It was held online.") if past else gettext(lang, "It is held online.")
    return f"{text} {details}" if details else text


def joined(*texts: str | None) -> str:
    """Texts joined into one answer, each sentence said once."""
    kept: list[str] = []
    for text in texts:
        for sentence in sentences(text or ""):
            key = _sentence_key(sentence)
            if any(key in _sentence_key(k) for k in kept):
                continue  # said already, in these words or more
            # A longer sentence that says a kept one and more takes its place.
            kept = [k for k in kept if _sentence_key(k) not in key] + [sentence]
    return " ".join(kept)


def _sentence_key(sentence: str) -> str:
    return " ".join(sentence.casefold().rstrip(".!").split())


def signup_how_answer(event: Event, lang: Lang, now: datetime) -> str | None:
    """How to sign up, as the source says it, with the deadline; or that it is too late."""
    registration = event.registration
    if registration is None:
        return None
    deadline = registration.deadline_at
    if deadline is not None and now > deadline:
        return deadline_answer(event, lang, now)
    # Said the same in a chat and in an e-mail reply: writing it to the bot signs one up.
    parts = [gettext(lang, 'You can sign up by writing "sign me up" to me.')]
    if registration.how:
        parts.append(registration.how)
    elif registration.url:
        parts.append(gettext(lang, "Or use the link: {url}").format(url=registration.url))
    elif registration.email:
        parts.append(gettext(lang, "Or write to {email}.").format(email=registration.email))
    shown = deadline_text(event, lang)
    if shown is not None:
        parts.append(
            gettext(lang, "The deadline for signing up is {deadline}.").format(deadline=shown)
        )
    return " ".join(parts)


def choose_session_answer(event: Event, lang: Lang) -> str | None:
    """How and when participants choose their session, where the source says it."""
    registration = event.registration
    if registration is None or not registration.sessions:
        return None
    if registration.choose_session == "at_signup":
        return gettext(lang, "You choose your session when you sign up.")
    if registration.choose_session == "on_the_day":
        return gettext(lang, "You choose your session on the day.")
    return None


def deadline_text(event: Event, lang: Lang) -> str | None:
    """The signup deadline as people say it: a date, with the time only where one is set."""
    registration = event.registration
    if registration is None or registration.deadline is None:
        return None
    if isinstance(registration.deadline, datetime):
        return fmt_datetime(registration.deadline, lang)
    return fmt_date(registration.deadline, lang)


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
    note = price.note or ""
    if note.strip(". ").casefold() == text.strip(". ").casefold():
        note = ""  # the note says what the sentence says ("Det er gratis at deltage.")
    return " ".join(t for t in (text, note) if t)


def capacity_answer(event: Event, lang: Lang) -> str | None:
    capacity = event.registration.capacity if event.registration else None
    if capacity is None:
        return None
    return gettext(lang, "There is room for {n} participants.").format(n=capacity)


def audience_answer(event: Event, lang: Lang, named: bool = True) -> str | None:
    if not event.audience:
        return None
    if named:
        return gettext(lang, "{title} is for: {audience}.").format(
            title=event.title, audience=event.audience.rstrip(".")
        )
    return gettext(lang, "It is for: {audience}.").format(audience=event.audience.rstrip("."))


def organiser_answer(event: Event, lang: Lang, named: bool = True) -> str:
    if named:
        return gettext(lang, "{title} is organised by {organiser}.").format(
            title=event.title, organiser=event.organiser
        )
    return gettext(lang, "It is organised by {organiser}.").format(organiser=event.organiser)


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
    text = gettext(lang, "{title} ({time}): {names}.").format(
        title=item.title.rstrip("."),
        time=fmt_time(event.item_start(item), lang),
        names=speakers_text(people, lang),
    )
    # What the programme says of them ("Videohilsen fra ... Astrid Krag"): how they take part.
    about = [s for s in sentences(item.description or "") if any(p.name in s for p in people)]
    return f"{text} {about[0]}" if about else text


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
    lines = [header.format(n=count_word(len(sessions), lang))]
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


def fact_answer(fact: Fact, keys: Sequence[str], lang: Lang = "da") -> str:
    if lang == "en" and fact.text_en:
        return relevant_sentences(fact.text_en, keys, limit=3) or fact.text_en
    return relevant_sentences(fact.text, keys, limit=3) or fact.text


def speakers_answer(event: Event, lang: Lang, past: bool = False) -> str | None:
    """Everyone who speaks or performs in the programme or a session, each named once."""
    seen: dict[str, SpeakerRef] = {}
    for speakers in [i.speakers for i in event.programme] + [s.speakers for s in event.sessions]:
        for speaker in speakers:
            if speaker.part.value in ("speaker", "host", "panel", "performer"):
                seen.setdefault(speaker.name, speaker)
    if not seen:
        return None
    names = speakers_text(list(seen.values()), lang)
    if past:
        return gettext(lang, "The speakers were: {names}.").format(names=names)
    return gettext(lang, "The speakers are: {names}.").format(names=names)


NUMBER_WORDS = {
    "da": ("nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti"),
    "en": ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
}


def count_word(n: int, lang: Lang) -> str:
    """A small count in words ("fire workshops"), as people say it; larger ones in digits."""
    words = NUMBER_WORDS.get(lang, NUMBER_WORDS["da"])
    return words[n] if 0 <= n < len(words) else str(n)


def people_answer(event: Event, lang: Lang) -> str | None:
    """The people the source names, with their roles (an event without a timed programme)."""
    if not event.people:
        return None
    return join_names([speaker_text(p) for p in event.people], lang) + "."


def chairs_answer(event: Event, lang: Lang, sessions: bool = False) -> str | None:
    """Who chairs or facilitates the programme, or (``sessions``) the sessions."""
    lines: list[str] = []
    for item in event.programme:
        people = [s for s in item.speakers if s.part.value in ("moderator", "facilitator")]
        if people:
            lines.append(f"{item.title.rstrip('.')}: {speakers_text(people, lang)}")
    if sessions:
        lines = []
        for session in event.sessions:
            people = [s for s in session.speakers if s.part.value in ("moderator", "facilitator")]
            if people:
                lines.append(f"{session.title.rstrip('.')}: {speakers_text(people, lang)}")
    if not lines:
        return None
    return "\n".join(lines)


def at_clock_answer(event: Event, items: Sequence[ProgrammeItem], clock: time, lang: Lang) -> str:
    """What is on at a given time: the item running then, or when the programme begins."""
    current = [i for i in items if i.start <= clock]
    if not current:
        return programme_starts(event, items[0], lang)
    return item_at_answer(event, current[-1], lang, ())


def now_next_answer(
    event: Event, items: Sequence[ProgrammeItem], now: datetime, lang: Lang, wants_next: bool
) -> str:
    """On the day: what is on now, or next; on another day, when the day is and begins."""
    local = now.astimezone(TZ)
    if local.date() != event.day:
        return not_today(event, items[0], lang)
    started = [i for i in items if event.item_start(i) <= local]
    upcoming = [i for i in items if event.item_start(i) > local]
    if wants_next:
        if not upcoming:
            return no_more_items(lang)
        return item_at_answer(event, upcoming[0], lang, ())
    if not started:
        return programme_starts(event, items[0], lang)
    return item_at_answer(event, started[-1], lang, ())


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


def partly_passed_text(lang: Lang) -> str:
    return gettext(
        lang, "The rest of your question I have passed on to the secretariat, who will answer you."
    )


def empty_text(lang: Lang) -> str:
    return gettext(lang, "Please write your question, for example: When is lunch?")


def greeting_text(lang: Lang) -> str:
    return gettext(
        lang,
        "Hello! Ask me about the time, place, programme or signup deadline, "
        "or write that you want to sign up or cancel.",
    )


def decline_text(event: Event, lang: Lang) -> str:
    return gettext(lang, "Thank you for letting us know that you will not come to {title}.").format(
        title=event.title
    )


def thanks_text(lang: Lang) -> str:
    return gettext(lang, "You are welcome.")
