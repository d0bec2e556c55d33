"""The programme: items that begin with a clock time, and the sessions or workshops to choose.

An item is a line that starts with a time or a range ("10.30 Ankomst", "12.00 - 12.30",
"14:25 - 14.40", "16.00<tab>Velkomst ved ..."), its title on the same line or, when the line holds
only the time, on the next one; between two such items, also a short title with its hours in
brackets ("Lunch (12.15–13.00)"). The lines up to the next item are its speakers ("v. ...",
"Ordstyrer: ...") and its description. A line with a date and no time ("Onsdag den 11. marts")
between items starts another day of a two-day programme.

Sessions are lines such as "Workshop 1: Title v/ Name, role", "Session 2" (title on the next
line) or "Spor A – Title". The same key again later ("Uddybende om de fire workshops") adds its
description and facilitators. The item whose lines hold the sessions runs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from bot.i18n import N_
from bot.knowledge.drafting.dates import find_dates, find_times, leading_time, year_same_as
from bot.knowledge.drafting.model import Found, ItemDraft, Note, SessionDraft, SpeakerDraft
from bot.knowledge.drafting.names import MARKERS, find_names
from bot.knowledge.drafting.people import (
    Speaking,
    is_speaker_line,
    listed_names,
    named_in,
    part_of,
    person_line,
    speakers_in,
    title_cut,
)
from bot.knowledge.drafting.sessions import SESSION_RE, SessionHead, session_heads
from bot.knowledge.drafting.text import Entry, sentences

# "Ordstyrer:", "Moderator på dagen:", "Ordstyrer begge dage:": the day's moderator
_MODERATOR_LINE = re.compile(r"(?i)^(?:ordstyrer|moderator)(?:\s+[^:\n]{1,20})?\s*:")
_DAY_HEADING = re.compile(r"(?i)^(?:dag|day)\s*\d\b")
_FIELD_LABEL = re.compile(
    r"(?i)^(?:hvor|hvornår|sted|tid|dato|tilmelding|pris|kontakt|where|when|venue|place|date|"
    r"time|price|registration|contact)\s*:"
)
_SECTION = re.compile(
    r"(?i)^(?:kontakt\w*|tilmelding|praktisk\w*|pris|sted|baggrund\w*|om\s+\w+|program\w*|"
    r"contact|registration|practical|venue|about|agenda)\b"
)

_KINDS: tuple[tuple[str, str], ...] = (
    (r"\b(?:ankomst|registrering|indskrivning|morgenmad|morgenkaffe|arrival|registration|"
     r"check-in)\b", "arrival"),
    (r"\b(?:velkomst|velkommen|åbning|welcome|opening)\b", "welcome"),
    (r"\b(?:frokost|middag|aftensmad|spisning|lunch|dinner|sandwich)", "meal"),
    (r"\b(?:pause|kaffepause|kaffe|break|coffee)\b", "break"),
    (r"\b(?:paneldebat|panel|afsluttende replikker)", "panel"),
    (r"\b(?:workshops?|værksted)", "workshop"),
    (r"\b(?:sessioner|sessions?|spor|parallel)", "session"),
    (r"\b(?:opsamling|plenum|plenary|fælles drøftelse)", "plenary"),
    (r"\b(?:dialog|drøftelse|borddrøftelse|arbejde ved bordene|gruppearbejde|group work|"
     r"discussion)", "dialogue"),
    (r"\b(?:afrunding|tak for i dag|afslutning|opsummering|closing|wrap-up|farvel)", "closing"),
    (r"^(?:slut|end|farvel|hjemrejse|dagen slutter)\b", "end"),
    (r"\b(?:oplæg|foredrag|keynote|talk|presentation|præsentation|videohilsen|indlæg)", "talk"),
)  # fmt: skip


def item_kind(title: str, has_speakers: bool) -> str:
    lowered = title.casefold()
    for pattern, kind in _KINDS:
        if re.search(pattern, lowered):
            return kind
    return "talk" if has_speakers else "other"


@dataclass
class Programme:
    items: list[ItemDraft] = field(default_factory=list)
    sessions: list[SessionDraft] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # entry indexes the programme took
    session_lines: set[int] = field(default_factory=set)  # those the sessions took
    moderators: list[Speaking] = field(default_factory=list)  # of the whole day
    session_heads: dict[int, SessionHead] = field(default_factory=dict)  # by entry index
    titles_above: str | None = None  # a text line right above the first time standing alone


def _is_heading(entries: list[Entry], i: int) -> bool:
    """A short line standing alone, without a full stop: a heading such as "Baggrund"."""
    entry = entries[i]
    if entry.heading:
        return True
    text = entry.text.strip()
    if not text or len(text) > 70 or text.endswith((".", ",", ";", "?", "!")) or "@" in text:
        return False
    if leading_time(text) or SESSION_RE.match(text) or re.match(r"^[\w ]+:\s*\S", text):
        return False
    before = i == 0 or entries[i - 1].blank
    after = i + 1 >= len(entries) or entries[i + 1].blank
    return before and after


def _time_line(entry: Entry) -> tuple[time, time | None, str] | None:
    if entry.blank:
        return None
    found = leading_time(entry.text)
    if found is None:
        return None
    span, rest = found
    end = span.end
    # a table with the end time in a cell of its own: "10.00<tab>10.30<tab>Velkomst"
    if end is None and rest:
        second = leading_time(rest)
        if second is not None and second[0].end is None and second[0].start > span.start:
            end, rest = second[0].start, second[1]
    if re.match(r"(?i)^(?:tilmelding|frist|senest|deadline)", rest):
        return None
    return span.start, end, rest


# "Lunch (12.15–13.00)": an item with its hours after its title, in brackets; in a numbered
# agenda ("1. Velkomst (16.00-16.10)") the title may be longer
_TRAILING = re.compile(
    r"^(?:(?P<number>\d{1,2})[.)]\s+)?(?P<title>[^\d()\t]{2,80}?)\s*\((?P<hours>[^()]{5,30})\)\s*$"
)


def _trailing_time(entry: Entry) -> tuple[time, time | None, str] | None:
    """An item between two others that gives its hours after its title: a short title and a
    range of hours in brackets, nothing else."""
    match = _TRAILING.match(entry.text.strip())
    if match is None or entry.blank:
        return None
    if match["number"] is None and len(match["title"]) > 40:
        return None
    found = find_times(match["hours"])
    if len(found) != 1 or found[0].end is None or find_dates(match["hours"]):
        return None
    if match["hours"][: found[0].begin].strip() or match["hours"][found[0].finish :].strip():
        return None
    return found[0].start, found[0].end, match["title"].strip()


def _day_of(entry: Entry, event_day: date | None) -> date | None:
    """A day heading between items: "Onsdag den 11. marts 2027", "Dag 2 – torsdag 12. marts"
    (without a year: the event's year, when the weekday agrees)."""
    text = entry.text
    if entry.blank or len(text) > 60 or leading_time(text):
        return None
    dates = find_dates(text)
    if len(dates) != 1 or find_times(text):
        return None
    rest = (text[: dates[0].start] + text[dates[0].end :]).strip(" :–-,")
    if len(rest.split()) > 3 or re.search(r"(?i)frist|senest|deadline|tilmeld|pris", rest):
        return None
    if dates[0].exact is not None:
        return dates[0].exact
    if event_day is not None and dates[0].year is None:
        inferred = year_same_as(dates[0], event_day)
        return inferred.value if inferred else None
    return None


def find_programme(entries: list[Entry], event_day: date | None) -> Programme:
    """The programme items and sessions in the source."""
    programme = Programme()
    programme.sessions = _sessions(entries, programme)
    starts = [i for i, e in enumerate(entries) if _time_line(e)]
    # a numbered agenda with each item's hours after its title counts wherever it stands
    numbered = [i for i, e in enumerate(entries) if _numbered_trailing(e)]
    if len(numbered) >= 2:
        starts = sorted({*starts, *numbered})
    if len(starts) < 2:
        return programme
    trailing = {i for i in range(starts[0], starts[-1]) if _trailing_time(entries[i])}
    starts = sorted({*starts, *trailing})
    from_heading: set[int] = set()  # the items whose hours stand after their title
    day: Found[date] | None = None
    days: list[tuple[int, Found[date]]] = []
    for i, entry in enumerate(entries):
        found_day = _day_of(entry, event_day) if starts[0] - 3 <= i <= starts[-1] else None
        if found_day is not None and (event_day is None or found_day != event_day or days):
            days.append((i, Found(found_day, entry.line)))
    session_lines = programme.session_lines
    previous: time | None = None
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else _last_item_stop(entries, i, strict=True)
        for index, found in days:
            if index < i:
                day = found
        start, end, rest = _time_line(entries[i]) or _trailing_time(entries[i])  # type: ignore[misc]
        programme.used.add(i)
        day_lines = {index for index, _found in days}
        region = [j for j in range(i + 1, stop) if not entries[j].blank and j not in day_lines]
        alone = not rest and bool(region) and not _time_line(entries[region[0]])
        if alone and _FIELD_LABEL.match(entries[region[0]].text):
            continue  # a time alone above "Hvor: ..." is some sentence's end, not an item's
        if alone:
            title_index = region.pop(0)
            rest = entries[title_index].text
            programme.used.add(title_index)
        item = _item(entries[i], start, end, rest, region, entries, session_lines, programme)
        _mark_unsure_time(item, entries, i, alone, starts[0] == i, programme)
        if day is not None and len(days) > 0:
            item.day = day
        if previous is not None and start < previous and not (days and day is not None):
            item.start.unsure = Note.of(
                N_("this time is earlier than the item before it; check the order and the day")
            )
        previous = start
        programme.items.append(item)
        if _time_line(entries[i]) is None:
            from_heading.add(id(item))
    _one_slot(programme, from_heading)
    _sessions_to_item(programme)
    _listed_choices(programme)
    _same_time_notes(programme.items)
    _last_moderator(programme, entries, starts)
    return programme


# "Borgerdialog ved bordene – vælg selv et bord, når du kommer: bolig, job og uddannelse, fritid"
_CHOICE_LIST = re.compile(
    r"(?i)\b(?:vælg|vælger|choose|pick)\b[^:.]{0,50}:\s*(?P<list>[^:.;]{3,120}?)\.?\s*$"
)


def _listed_choices(programme: Programme) -> None:
    """An item that lists what to choose between after a colon, with no keys, when the source
    has no sessions of its own: each a session, numbered in the order they stand (and said)."""
    if programme.sessions:
        return
    for item in programme.items:
        line = item.start.line
        match = _CHOICE_LIST.search(line.text) if line else None
        if match is None or item.sessions:
            continue
        parts = [p.strip() for p in re.split(r",\s*|\s+(?:eller|or)\s+", match["list"])]
        if len(parts) < 2 or any(not p or len(p.split()) > 4 for p in parts):
            continue
        note = Note.of(
            N_(
                "the source prints no number or letter for the sessions; they are numbered in "
                "the order they stand"
            )
        )
        for number, part in enumerate(parts, start=1):
            title = part[0].upper() + part[1:]
            programme.sessions.append(
                SessionDraft(str(number), "session", Found(title, line, note))
            )
        item.sessions = [s.key for s in programme.sessions]
        return


def _numbered_trailing(entry: Entry) -> bool:
    match = _TRAILING.match(entry.text.strip())
    return bool(match and match["number"] and _trailing_time(entry))


def _one_slot(programme: Programme, from_heading: set[int]) -> None:
    """A heading that gives a slot's hours ("Afternoon – parallel sessions (12:00–13:30)") and
    a row under it with the same hours are one item, the heading's: what the row lists (its
    cells "1. Title" as sessions, the people under them) is the slot's, not a second item."""
    kept: list[ItemDraft] = []
    for item in programme.items:
        holder = kept[-1] if kept else None
        if (
            holder is not None
            and id(holder) in from_heading
            and holder.start.value == item.start.value
            and (holder.end.value if holder.end else None) == (item.end.value if item.end else None)
            and holder.day == item.day
        ):
            _fold_into(holder, item, programme)
            continue
        kept.append(item)
    programme.items = kept


def _fold_into(holder: ItemDraft, row: ItemDraft, programme: Programme) -> None:
    line = row.start.line
    cells = [c.strip() for c in (line.text if line else "").split("\t")[1:] if c.strip()]
    heads = [re.match(r"^(\d{1,2}|[A-H])[.)]\s+(\S.*)$", c) for c in cells]
    known = {s.key for s in programme.sessions}
    if len(cells) >= 2 and all(heads) and not holder.sessions:
        kind = "workshop" if holder.kind == "workshop" else "session"
        drafts = [
            SessionDraft(h[1].upper(), kind, Found(_tidy_title(h[2]), line))
            for h in heads
            if h is not None and h[1].upper() not in known
        ]
        # the people under the row, one to a cell, in the cells' order
        if len(row.speakers) == len(drafts):
            for session, speaker in zip(drafts, row.speakers, strict=True):
                session.speakers.append(speaker)
        else:
            holder.speakers.extend(row.speakers)
        programme.sessions.extend(drafts)
        holder.sessions = [d.key for d in drafts]
        return
    holder.speakers.extend(
        s for s in row.speakers if all(h.name != s.name for h in holder.speakers)
    )
    said = " ".join(
        t for t in (row.title.value, row.description.value if row.description else "") if t
    )
    if said:
        before = holder.description.value + " " if holder.description else ""
        holder.description = Found(before + said, row.title.line)


def _mark_unsure_time(
    item: ItemDraft, entries: list[Entry], i: int, alone: bool, first: bool, programme: Programme
) -> None:
    """A range whose end cannot be read ("11.45-1": 13.00, or a slip?) and a time standing alone
    between two lines (is its title the line above or the one below?) are marked unsure."""
    found = leading_time(entries[i].text)
    if found is not None and found[0].twelve_hour:
        item.start.unsure = Note.of(
            N_('the source writes "{text}", read on the 12-hour clock as {start}-{end}; check it'),
            text=found[0].twelve_hour,
            start=item.start.value.strftime("%H.%M"),
            end=item.end.value.strftime("%H.%M") if item.end else "",
        )
    if found is not None and found[0].unread_end:
        item.start.unsure = Note.of(
            N_(
                'the source writes "{text}"; the end is left out, as it can be read more than '
                "one way"
            ),
            text=found[0].unread_end,
        )
    above = entries[i - 1] if i > 0 else None
    title_like = (
        above is not None
        and not above.blank
        and i - 1 not in programme.used
        and not (above.heading or len(above.text) > 80 or above.text.rstrip().endswith(":"))
    )
    if alone and first and above is not None and title_like:
        programme.titles_above = above.text
    if programme.titles_above and item.unsure is None and (alone or not item.title.value):
        item.unsure = Note.of(
            N_(
                'the time stands on a line of its own, and the line above it ("{above}") may be '
                "its title; the draft takes the line under it: check which it belongs to"
            ),
            above=entries[i - 1].text,
        )


def _sessions_to_item(programme: Programme) -> None:
    """Sessions listed after the programme belong to its one workshop or session item."""
    if not programme.sessions:
        return
    keys = [s.key for s in programme.sessions]
    holders = [i for i in programme.items if i.sessions]
    slots = [i for i in programme.items if i.kind in ("workshop", "session") and not i.sessions]
    if len(slots) != 1:
        return
    if not holders or all(h.kind not in ("workshop", "session") for h in holders):
        for holder in holders:
            holder.sessions = []
        slots[0].sessions = keys


def _last_item_stop(entries: list[Entry], i: int, strict: bool = False) -> int:
    """The last item's lines end at the next heading or section ("Kontakt:"); ``strict``: at
    the first blank line after its title, unless the next paragraph names who takes part."""
    titled = bool(_time_line(entries[i]) and _time_line(entries[i])[2])  # type: ignore[index]
    for j in range(i + 1, len(entries)):
        if _is_heading(entries, j) or (
            entries[j - 1].blank and _SECTION.match(entries[j].text) and ":" in entries[j].text
        ):
            return j
        if strict and entries[j].blank:
            if not titled:
                titled = True  # the title stands on the line after the time
                continue
            nxt = next((k for k in range(j + 1, len(entries)) if not entries[k].blank), None)
            if nxt is None or not is_speaker_line(entries[nxt].text):
                return j
    return len(entries)


def _item(
    entry: Entry,
    start: time,
    end: time | None,
    rest: str,
    region: list[int],
    entries: list[Entry],
    session_lines: set[int],
    programme: Programme,
) -> ItemDraft:
    title_text, remainder = _split_title(rest)
    speakers: list[Speaking] = []
    description: list[str] = []
    described_at = None
    if remainder:
        found = speakers_in(remainder, entry.line) or listed_names(remainder, entry.line, "panel")
        speakers.extend(found)
        left = _without_speakers(remainder, found)
        if left:
            description.append(left)
            described_at = entry.line
    if not remainder and MARKERS.search(title_text):
        speakers.extend(speakers_in(title_text, entry.line))
    if not speakers:
        # people named without a marker: "Welcome – Chair of the Committee, Marianne Friis"
        first = next(iter(named_in(title_text, entry.line)), None)
        cut = title_cut(title_text, first.start) if first else None
        if first is not None and cut:
            speakers.extend(named_in(title_text, entry.line, floor=cut + 2))
            title_text = _tidy_title(title_text[:cut])
    keys: list[str] = []
    for j in region:
        other = entries[j]
        programme.used.add(j)
        if j in session_lines:
            head = programme.session_heads.get(j)
            key = head.key if head else None
            if key and key in {s.key for s in programme.sessions} and key not in keys:
                keys.append(key)
            continue
        text = other.text
        if (
            _MODERATOR_LINE.match(text)
            and j == region[-1]
            and (
                programme.moderators is not None
                and item_kind(title_text, True) in ("closing", "end")
            )
        ):
            programme.moderators.extend(speakers_in(text, other.line, "moderator"))
            continue
        if is_speaker_line(text):
            found = speakers_in(text, other.line)
            speakers.extend(found)
            left = _without_speakers(text, found)
            if left and len(left.split()) >= 3:
                description.append(text)
                described_at = described_at or other.line
            continue
        if person_line(text) and not MARKERS.search(text):
            speakers.extend(named_in(text, other.line))  # "Senior Adviser Henrik Sand, ..."
            continue
        speakers.extend(speakers_in(text, other.line))
        description.append(text)
        described_at = described_at or other.line
    kind = item_kind(title_text, bool(speakers))
    if kind == "workshop" and not keys and re.search(r"(?i)session", title_text):
        kind = "session"
    drafts: list[SpeakerDraft] = []
    for s in speakers:
        part = s.part
        if part == "speaker" and kind in ("welcome", "closing"):
            part = "host"
        if part == "speaker" and kind == "panel":
            part = "panel"
        if all(d.name != s.name or d.part != part for d in drafts):
            drafts.append(SpeakerDraft(s.name, s.role, part, s.line))
    item = ItemDraft(
        start=Found(start, entry.line),
        end=Found(end, entry.line) if end else None,
        title=Found(title_text, entry.line),
        kind=kind,
        speakers=drafts,
        sessions=keys,
    )
    if description:
        item.description = Found(" ".join(description), described_at)
    return item


def _is_part_sentence(text: str, speaking: Speaking) -> bool:
    return speaking.part in ("facilitator", "moderator", "host") or bool(
        MARKERS.match(text[max(0, speaking.start - 12) : speaking.start].strip() + " ")
    )


_TITLE_CUT = re.compile(
    r"\s+(?=(?:(?:ved|v\.|oplæg\s+(?:ved|af)|foredrag\s+(?:ved|af)|videohilsen\s+fra|"
    r"indslag\s+(?:ved|af)|(?:faciliteres|ledes|facilitated|led)\s+(?:af|by)|by|with|"
    r"presented\s+by)[\s/]|v\.?\s*/|"
    r"(?:ordstyrer|moderator|facilitator|speaker|taler)\s*:))",
    re.IGNORECASE,
)


def _split_title(text: str) -> tuple[str, str]:
    """An item's title and what follows it on its line (speakers, a description)."""
    text = text.strip()
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    if len(cells) > 1:
        title, _ = _split_title(cells[0])
        return title, " ".join(cells[1:])
    parts = sentences(text)
    first = parts[0] if parts else text
    rest = text[len(first) :].strip()
    for cut in _TITLE_CUT.finditer(first):
        after = first[cut.end() :]
        marker = MARKERS.match(after)
        clause = re.split(r"[.?!;]\s", after[marker.end() :] if marker else after)[0]
        if find_names(clause, introduced=True) and cut.start() > 0:
            head = first[: cut.start()].strip(" ,–-:")
            if len(head.split()) >= 1:
                return _tidy_title(head), (first[cut.start() :] + " " + rest).strip()
    # "Title? Ulrik Wilbek, Formand ..." : a question, then people
    question = re.match(r"^(.+?\?)\s+(.+)$", first)
    if question and find_names(question[2][:60]):
        return _tidy_title(question[1]), (question[2] + " " + rest).strip()
    return _tidy_title(first), rest


def _tidy_title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" :–-")
    if text.endswith(".") and not re.search(
        r"(?i)\b(?:ca|bl\.a|adm|dr|mag|ph\.d|fx|mv|etc|inkl|ekskl|jf|nr|kl|min)\.$", text
    ):
        text = text[:-1]
    return text


def _without_speakers(text: str, found: list[Speaking]) -> str:
    """What a line says besides its markers, names and roles."""
    if not found:
        return text.strip()
    from bot.knowledge.drafting.roles import role_after

    begins = [s.begin if s.begin >= 0 else s.start for s in found]
    head = text[: min(begins)].strip(" ,.–-")
    last = max(s.end for s in found)
    for s in found:
        if s.end == last:
            _, last = role_after(text, s.end)
    tail = text[last:].strip(" ,.–-")
    parts = [p for p in (head, tail) if len(p.split()) >= 3]
    return ". ".join(p.rstrip(".") for p in parts) + ("." if parts else "") if parts else ""


def _same_time_notes(items: list[ItemDraft]) -> None:
    for k, item in enumerate(items):
        for other in items[:k]:
            same_day = (item.day.value if item.day else None) == (
                other.day.value if other.day else None
            )
            if same_day and other.start.value == item.start.value and item.note is None:
                clock = item.start.value.strftime("%H.%M")
                item.note = Note.of(
                    N_('The source has this item begin at {time}, as "{other}" does.'),
                    time=clock,
                    other=other.title.value,
                )
                item.unsure = Note.of(
                    N_(
                        "two items begin at {time} in the source; check whether they run at "
                        "the same time"
                    ),
                    time=clock,
                )
                # the time itself may be either item's: it is marked, not only the item
                item.start.unsure = item.start.unsure or item.unsure
                if item.end is not None:
                    item.end.unsure = item.end.unsure or item.unsure
                break


def _last_moderator(programme: Programme, entries: list[Entry], starts: list[int]) -> None:
    """A day's moderator named after the programme ("Ordstyrer: Peter Pietras")."""
    if programme.moderators or not programme.items:
        return
    stop = _last_item_stop(entries, starts[-1])
    for j in range(stop - 1, starts[-1], -1):
        text = entries[j].text
        if _MODERATOR_LINE.match(text):
            last = programme.items[-1]
            if last.kind in ("closing", "end") or len(last.speakers) == 0:
                found = speakers_in(text, entries[j].line, "moderator")
                programme.moderators.extend(found)
                last.speakers = [s for s in last.speakers if s.name not in {f.name for f in found}]
                if last.description and last.description.value.strip() == text.strip():
                    last.description = None
            break


# -- sessions -----------------------------------------------------------------------------------


def _sessions(entries: list[Entry], programme: Programme) -> list[SessionDraft]:
    found: dict[str, SessionDraft] = {}
    programme.session_heads = session_heads(entries)
    heads = sorted(programme.session_heads)
    if not heads:
        return []
    regions: dict[str, list[list[int]]] = {}
    for n, i in enumerate(heads):
        head = programme.session_heads[i]
        key, kind = head.key, head.kind
        stop = heads[n + 1] if n + 1 < len(heads) else len(entries)
        region: list[int] = []
        for j in range(i + 1, stop):
            heading = _is_heading(entries, j) and not entries[j].text.startswith("Oplæg")
            section = bool(_SECTION.match(entries[j].text)) and len(entries[j].text) <= 30
            if (
                _time_line(entries[j])
                or (heading and region and n + 1 == len(heads))
                or (section and entries[j - 1].blank)
            ):
                break
            if not entries[j].blank:
                region.append(j)
        rest = head.rest
        line = entries[i].line
        programme.session_lines.add(i)
        if not rest and region:
            title_index = region.pop(0)
            rest = entries[title_index].text
            programme.session_lines.add(title_index)
        session = found.get(key)
        title, remainder = _split_title(rest) if rest else ("", "")
        speakers = speakers_in(remainder, line) if remainder else []
        extra = _without_speakers(remainder, speakers) if remainder else ""
        if session is None:
            if not title:
                continue
            numbered = (
                Note.of(
                    N_(
                        "the source prints no number or letter for the sessions; they are "
                        "numbered in the order they stand"
                    )
                )
                if head.numbered
                else None
            )
            session = SessionDraft(key, kind, Found(title, line, numbered))
            found[key] = session
            more = sentences(rest)[1:] if len(sentences(rest)) > 1 and not speakers else []
            if extra or more:
                session.description = Found(" ".join([extra, *more]).strip(), line)
        for s in speakers:
            if _known(session.speakers, s.name):
                continue
            if all((d.name, d.part) != (s.name, s.part) for d in session.speakers):
                session.speakers.append(SpeakerDraft(s.name, s.role, s.part, s.line))
        regions.setdefault(key, []).append(region)
    _scrambled(found, regions, entries)
    for key, session in found.items():
        texts: list[str] = []
        first_line = None
        for region in regions.get(key, []):
            for j in region:
                programme.used.add(j)
                programme.session_lines.add(j)
                text = entries[j].text
                if is_speaker_line(text):
                    for s in speakers_in(text, entries[j].line):
                        if _known(session.speakers, s.name):
                            continue
                        if all((d.name, d.part) != (s.name, s.part) for d in session.speakers):
                            session.speakers.append(SpeakerDraft(s.name, s.role, s.part, s.line))
                    continue
                for s in speakers_in(text, entries[j].line):
                    if _known(session.speakers, s.name):
                        continue
                    if s.part in ("facilitator", "moderator") and all(
                        d.name != s.name for d in session.speakers
                    ):
                        session.speakers.append(SpeakerDraft(s.name, s.role, s.part, s.line))
                texts.append(text)
                first_line = first_line or entries[j].line
        if texts:
            before = session.description.value + " " if session.description else ""
            session.description = Found(
                (before + " ".join(texts)).strip(),
                session.description.line if session.description else first_line,
                session.description.unsure if session.description else None,
            )
    for i in heads:
        programme.used.add(i)
    return list(found.values())


def _scrambled(
    found: dict[str, SessionDraft], regions: dict[str, list[list[int]]], entries: list[Entry]
) -> None:
    """Sessions listed with their titles first and their contents after the last one, in the
    same order: each block of contents (it begins with who speaks) goes to its session."""
    keys = list(found)
    if len(keys) < 2 or any(len(regions.get(k, [])) != 1 for k in keys):
        return
    if any(regions[k][0] for k in keys[:-1]):
        return
    last = regions[keys[-1]][0]
    groups: list[list[int]] = []
    for j in last:
        text = entries[j].text
        starts_group = is_speaker_line(text) and part_of(text, "speaker") == "speaker"
        if starts_group and (
            not groups or any(not is_speaker_line(entries[x].text) for x in groups[-1])
        ):
            groups.append([j])
        elif groups:
            groups[-1].append(j)
        else:
            return
    if len(groups) != len(keys):
        return
    for key, group in zip(keys, groups, strict=True):
        regions[key] = [group]
        session = found[key]
        session.description = Found(
            "",
            entries[group[0]].line,
            Note.of(
                N_(
                    "the source lists the sessions' titles first and their contents after them; "
                    "the contents are given to the sessions in the order they stand"
                )
            ),
        )


def _known(speakers: list[SpeakerDraft], name: str) -> bool:
    """A name already there, perhaps spelt another way ("Lone Aagaard" / "Lone Agaard")."""
    from rapidfuzz import fuzz

    return any(s.name != name and fuzz.ratio(s.name, name) >= 90 for s in speakers)
