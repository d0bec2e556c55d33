"""What is said about needs arranged in time: to staff (their language) and to the participant
(theirs). Plain and short; a participant hears only that something was arranged for them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.arranging.summary import Count, Person, Summary
from bot.i18n import Lang, fmt_date, fmt_datetime, translator
from bot.knowledge.schema import Event
from bot.registrations.identity import EMAIL
from bot.registrations.needs import DIET, OTHER, SIGN_LANGUAGE, WRITING_INTERPRETER, need_label

# How much of a person's own words a staff note or a file shows of one need.
WORDS_SHOWN = 200


def arranged_text(event: Event, kind: str, lang: Lang) -> str:
    """To the participant: 'Vi har bestilt tegnsprogstolk til dig til <event>.'"""
    _ = translator(lang).gettext
    if kind == SIGN_LANGUAGE:
        text = _("We have booked a sign-language interpreter for you for {title}.")
    elif kind == WRITING_INTERPRETER:
        text = _("We have booked a writing interpreter for you for {title}.")
    else:
        text = _("We have arranged this for you for {title}: {need}.")
    return text.format(title=event.title, need=need_label(kind, lang))


def arranged_subject(event: Event, lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Arranged for you: {title}").format(title=event.title)


def _words(words: str | None) -> str:
    if not words:
        return ""
    text = " ".join(words.split())
    return text if len(text) <= WORDS_SHOWN else text[: WORDS_SHOWN - 1] + "…"


def alert_note(
    event: Event,
    people: Sequence[tuple[Person, Sequence[str]]],
    days_left: int,
    lang: Lang,
    channel: str,
    desk_link: str | None,
) -> tuple[str, str]:
    """To staff: which needs booked ahead are to be booked now, for whom: (subject, text)."""
    _ = translator(lang).gettext
    lines = [
        _("To be booked for {title} ({date}):").format(
            title=event.title, date=fmt_date(event.start, lang, weekday=False)
        )
    ]
    for person, kinds in people:
        for kind in kinds:
            need = next((n for n in person.needs if n.kind == kind), None)
            words = _words(need.words if need else None)
            line = f"- {person.name}: {need_label(kind, lang)}"
            lines.append(line + (f" (“{words}”)" if words else ""))
    lines.append(
        _("The event is in {count} working days.").format(count=days_left)
        if days_left != 1
        else _("The event is in 1 working day.")
    )
    if desk_link:
        lines.append(_("Mark it as arranged at the desk: {link}").format(link=desk_link))
    if channel != EMAIL:  # the staff chat, where that command is
        lines.append(_("Write /needs {event} for all needs of the event.").format(event=event.id))
    subject = _("To be booked: interpreter for {title}").format(title=event.title)
    return subject, "\n".join(lines)


def summary_text(event: Event, summary: Summary, lang: Lang) -> str:
    """The event's needs as one message for the staff chat (with its command to mark one)."""
    _ = translator(lang).gettext
    head = _("Needs for {title}").format(title=event.title)
    if not summary.people:
        return head + "\n\n" + _("Nobody has stated any needs.")
    counts = [count_line(c, lang) for c in summary.counts]
    blocks = [head, "\n".join(counts)]
    for person in summary.people:
        lines = [f"{person.name} (#{person.registration_id})"]
        if person.waiting:
            lines[0] += " – " + _("on the waiting list")
        lines.append(seats_text(person, lang))
        for need in person.needs:
            state = (
                _("arranged {when}").format(when=fmt_datetime(need.arranged_at, lang))
                if need.arranged_at
                else _("not arranged")
            )
            words = _words(need.words)
            line = f"- {need_label(need.kind, lang)}: {state}"
            lines.append(line + (f" (“{words}”)" if words else ""))
        blocks.append("\n".join(lines))
    blocks.append(
        _("Mark a need as arranged: /arranged {event} NUMBER NEED").format(event=event.id)
    )
    return "\n\n".join(blocks)


def count_line(count: Count, lang: Lang) -> str:
    """'Tegnsprogstolk: 2 (ordnet: 1)'."""
    _ = translator(lang).gettext
    label = need_label(count.kind, lang)
    return _("{need}: {count} (arranged: {arranged})").format(
        need=label[:1].upper() + label[1:], count=count.people, arranged=count.arranged
    )


def seats_text(person: Person, lang: Lang) -> str:
    """'Pladser: 2 (med Jonna Kristensen)'."""
    _ = translator(lang).gettext
    text = _("Seats: {count}").format(count=person.seats)
    names = [n for n in person.companions if n]
    if names:
        text += " " + _("(with {names})").format(names=", ".join(names))
    return text


def venue_words(kind: str, words: str | None) -> str:
    """What the venue reads of a need in the person's words: only what it acts on (food, and
    what the person asked for in their own terms); the rest is the kind alone."""
    return _words(words) if kind in (DIET, OTHER) else ""
