"""The event as a whole: title, kind, organiser, audience, when and where.

Labels and headings lead where the source has them ("Tid:", "Sted", "Deltagere", "When:",
"Venue:"); otherwise sentences of known forms do ("X inviterer til ...", "som X holder",
"Temadagen er målrettet ...", "holdes virtuelt den ..."). The day is the date that stands with
the event's hours, or under a "Tid"/"Dato" label, or in a sentence that announces the event
("... inviterer til netværksdag tirsdag den 21. januar kl. 10-14"), never a date from a line
about the deadline or when the page was updated; where other dates stand nearly as well and
nothing announces the one taken (minutes of a meeting), it is marked unsure. A day without a year
gets its year only from its weekday, near the years the text (or else the e-mail's "Sendt:"
header) names, and is then marked unsure. The hours may also be said in prose ("Vi starter
torsdag kl. 10.00 og slutter fredag kl. 13.00").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.clock import at
from bot.i18n import N_
from bot.knowledge.drafting.dates import (
    WEEKDAY_NAMES_DA,
    WEEKDAYS,
    DateMention,
    TimeRange,
    find_dates,
    find_times,
    leading_time,
    year_from_weekday,
    years_in,
)
from bot.knowledge.drafting.model import Found, ItemDraft, Note, VenueDraft
from bot.knowledge.drafting.text import Entry, paragraphs, sentences

LABELS: dict[str, str] = {
    "when": r"tidspunkt|tid|dato|hvornår|dato og tid|dato og tidspunkt|when|date|time|"
    r"date and time|dag og tid",
    "where": r"sted|adresse|lokation|mødested|hvor|venue|location|where|place|address|"
    r"mødelokale|lokale",
    "audience": r"deltagere|målgruppe|målgruppen|for hvem|hvem kan deltage|hvem|audience|who|"
    r"participants|target group|for",
    "registration": r"tilmelding|tilmeldingsfrist|frist|registration|sign up|sign-up|register|"
    r"deadline|tilmelding og pris|tilmelding og kontakt",
    "contact": r"kontakt|kontaktperson|kontaktpersoner|spørgsmål|yderligere information|"
    r"contact|contacts|questions|information|mere information",
    "programme": r"program|programme|dagsorden|agenda|dagens program|schedule|"
    r"program for dagen|programmet",
    "price": r"pris|deltagerpris|deltagergebyr|gebyr|betaling|price|fee|fees|cost|"
    r"deltagerbetaling|deltagelse|prices",
    "organiser": r"arrangør|arrangører|afsender|arrangeret af|organiser|organizer|organisers|"
    r"organizers|host|hosted by|vært|værter|arrangeres af",
}
_LABEL_RES = {k: re.compile(rf"(?i)^(?:{v})\s*:?$") for k, v in LABELS.items()}
_LABEL_LINE = {k: re.compile(rf"(?i)^(?:{v})\s*:\s*(?P<value>.+)$") for k, v in LABELS.items()}

DEADLINE_WORDS = re.compile(
    r"(?i)\b(?:senest|frist|tilmeldingsfrist\w*|sidste frist|deadline|register by|"
    r"registration closes|no later than|sign up by|inden den|tilmelding inden|svar senest|"
    r"tilmeld dig inden|svar udbedes|reply by|please reply|respond by|rsvp by|before)\b"
)
_MEET_IN = re.compile(
    r"(?i)^(?:[\wæøå]+\s+){0,3}?(?:mødes|holdes|afholdes|foregår|finder\s+sted|meet|is\s+held|"
    r"will\s+be\s+held|takes\s+place)\s+(?:i|på|at|in)\s+"
)
_STALE = re.compile(
    r"(?i)\b(?:opdateret|dateret|publiceret|udgivet|skrevet den|updated|published|posted|"
    r"kilde:|source:)"
)
_ONLINE = re.compile(
    r"(?i)\b(?:virtuel\w*|online|zoom|teams|webinar\w*|livestream\w*|streames|streaming|"
    r"digitalt møde|på nettet|via link)\b"
)
EVENT_TYPES = (
    "temadag", "konference", "visionsdag", "temamøde", "netværksmøde", "dialogmøde", "ældredag",
    "årsmøde", "seminar", "webinar", "workshop", "kursus", "fyraftensmøde", "informationsmøde",
    "borgermøde", "stormøde", "netværksdag", "inspirationsdag", "messe", "festival", "høring",
    "studietur", "træf", "konferencedag", "fagdag", "temaaften", "dialogdag", "kickoff",
    "conference", "symposium", "summit", "meeting", "event",
)  # fmt: skip
_ADDRESS = re.compile(
    r"(?P<street>[A-ZÆØÅ][\w.æøåÆØÅé'-]*(?:\s[\w.æøåÆØÅé'-]+){0,4}?\s\d{1,4}\s?[A-Za-z]?"
    r"(?:\s*-\s*\d{1,4})?(?:,\s*\d+\.?\s*(?:sal|th|tv|mf)\.?)?)\s*,?\s*"
    r"(?P<post>(?:DK-)?\d{4})\s+(?P<city>[A-ZÆØÅ][\wæøå]+(?:\s[A-ZÆØÅ][\wæøå]+)?"
    r"(?:\s(?:SØ|SV|NV|NØ|[SVNØCKM])(?![\wæøåÆØÅ]))?)"
)


@dataclass(frozen=True)
class Section:
    """Lines under a label: "Sted: X" and the lines of its paragraph, or a heading's paragraph."""

    kind: str
    indexes: tuple[int, ...]
    first: str  # the value on the label's own line, if any


def sections(entries: list[Entry]) -> list[Section]:
    found: list[Section] = []
    for i, entry in enumerate(entries):
        text = entry.text.strip()
        if not text:
            continue
        for kind, pattern in _LABEL_LINE.items():
            match = pattern.match(text)
            if match and len(text.split(":")[0]) < 30:
                more = []
                for j in range(i + 1, min(i + 4, len(entries))):
                    nxt = entries[j].text.strip()
                    if not nxt or any(p.match(nxt) for p in _LABEL_LINE.values()):
                        break
                    if any(p.match(nxt) for p in _LABEL_RES.values()):
                        break
                    more.append(j)
                found.append(Section(kind, (i, *more), match["value"].strip()))
                break
        else:
            for kind, pattern in _LABEL_RES.items():
                if pattern.match(text) and (entry.heading or _alone(entries, i) or len(text) < 25):
                    body: list[int] = []
                    j = i + 1
                    while j < len(entries) and entries[j].blank:
                        j += 1
                    while j < len(entries) and not entries[j].blank and len(body) < 6:
                        if any(p.match(entries[j].text.strip()) for p in _LABEL_RES.values()):
                            break
                        body.append(j)
                        j += 1
                    if body:
                        found.append(Section(kind, tuple(body), ""))
                    break
    return found


def _alone(entries: list[Entry], i: int) -> bool:
    return (i == 0 or entries[i - 1].blank) and (i + 1 >= len(entries) or entries[i + 1].blank)


# -- title ------------------------------------------------------------------------------------

_GENERIC = re.compile(
    r"(?i)^(?:invitation|indbydelse|program|programme|save the date|nyhed|news|velkommen|"
    r"pressemeddelelse|husk)\s*[:!.]?$"
)
_SALUTATION = re.compile(r"(?i)^(?:kære|dear|hej|hi|hello|goddag)\b")
_BREADCRUMB = re.compile(r"\S\s+[›»>/]\s+\S.*\s[›»>/]\s")  # "Forside › Arrangementer › Temadag"
_TITLE_PREFIX = re.compile(
    r"(?i)^(?:program\s+(?:til|for)|invitation\s+til|indbydelse\s+til|invitation\s+to|"
    r"velkommen\s+til|til)\s+"
)


def find_title(entries: list[Entry]) -> tuple[Found[str] | None, Found[str] | None, set[int]]:
    """The title (the first heading-like paragraph) and the subtitle under it."""
    used: set[int] = set()
    title: Found[str] | None = None
    subtitle_parts: list[str] = []
    subtitle_line = None
    i = 0
    while i < len(entries):
        if entries[i].blank:
            i += 1
            continue
        j = i
        block: list[int] = []
        while j < len(entries) and not entries[j].blank:
            block.append(j)
            j += 1
        texts = [entries[k].text.strip() for k in block]
        joined = " ".join(texts)
        headingish = (
            len(block) <= 3
            and len(joined) <= 140
            and not re.search(r"[a-zæøå]{3,}\.$", joined)
            and "@" not in joined
            and not leading_time(joined)
        )
        if (
            re.match(r"(?i)^(?:kilde|source)\s*:", texts[0])
            or re.match(r"^https?://", joined)
            or _SALUTATION.match(texts[0])
            or _BREADCRUMB.search(joined)
        ):
            i = j
            continue
        if title is None:
            if _GENERIC.match(joined):
                used.update(block)
                i = j
                continue
            if not headingish:
                break
            text = _TITLE_PREFIX.sub("", joined).strip(" –-:")
            if text:
                title = Found(text[0].upper() + text[1:], entries[block[0]].line)
                used.update(block)
        else:
            if (
                not headingish
                or find_dates(joined)
                or find_times(joined)
                or len(subtitle_parts) >= 2
            ):
                break
            subtitle_parts.append(joined.strip(" –-"))
            subtitle_line = subtitle_line or entries[block[0]].line
            used.update(block)
        i = j
    subtitle = Found(" – ".join(subtitle_parts), subtitle_line) if subtitle_parts else None
    return title, subtitle, used


def event_word(word: str) -> str | None:
    """The kind of event a word names: "temadagen" → "temadag", "handicaprådsdialogdag"."""
    word = word.casefold()
    for kind in EVENT_TYPES:
        if word in (kind, kind + "en", kind + "et", kind + "n") or (
            len(word) > len(kind) + 2 and word.endswith(kind) and kind.endswith(("dag", "møde"))
        ):
            return kind if word.startswith(kind) else word
    return None


def find_event_type(title: str | None, entries: list[Entry]) -> Found[str] | None:
    def search(text: str) -> str | None:
        for word in re.findall(r"[\wæøåÆØÅ-]+", text.casefold()):
            found = event_word(word)
            if found:
                return found
        return None

    if title:
        found = search(title)
        if found:
            line = next((e.line for e in entries if title.split()[0] in e.text), None)
            return Found(found, line)
    for entry in entries:
        found = search(entry.text)
        if found and found not in ("event", "meeting", "workshop"):
            return Found(found, entry.line)
    return None


# -- organiser and audience ---------------------------------------------------------------------

_PREPOSITIONS = frozenset(
    "i på sammen derfor her nu igen også for hermed derfor endelig in on at".split()
)
_INVITES = re.compile(
    r"(?P<head>[^.!?]{0,120}?)\b(?P<verb>inviterer|indbyder|invites|afholder|arrangerer|hosts|"
    r"organises|organizes)\b(?P<tail>[^.!?]{0,160})"
)
_BY = re.compile(
    r"(?i)(?:arrangør(?:er)?|arrangeret af|arrangeres af|afholdes af|organised by|organized by|"
    r"hosted by|afsender)\s*:?\s*(?P<org>[^.\n;]{3,100})"
)
_HOLDS = re.compile(
    r"\bsom\s+(?P<org>[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+){0,3})\s+(?:holder|afholder|arrangerer)\b"
)


_SUBJECT_HOLDS = re.compile(
    r"(?:^|[.!?]\s+)(?P<org>[A-ZÆØÅ][\wæøå-]+(?:\s+(?:og\s+)?[A-ZÆØÅ][\wæøå-]+){0,5})\s+"
    r"(?:holder|afholder|arrangerer|inviterer\s+til|hosts|holds|organises|organizes)\b"
)


def _org(text: str) -> str:
    text = re.split(r"\s+(?:til|to|for|om|a|an|the)\s+|,|\.|:", text.strip(), maxsplit=1)[0]
    return text.strip(" ,.")


def _organisation_like(text: str) -> bool:
    """ "KKR Syddanmark og Region Syddanmark", "Ældrerådet og Ældre Sagen Langeland", "DACAPO":
    names of bodies, not "Oplægsholderne"."""
    from bot.knowledge.drafting.names import ORG_WORDS

    words = text.split()
    capitals = [w for w in words if w[:1].isupper()]
    return (
        len(capitals) >= 2
        or any(w.casefold().strip(",.") in ORG_WORDS for w in words)
        or any(w.isupper() and len(w) >= 2 for w in words)
        or any(
            w.casefold().endswith(
                ("rådet", "styrelsen", "sekretariatet", "forbundet", "foreningen")
            )
            for w in words
        )
    )


def find_organiser(entries: list[Entry], labelled: list[Section]) -> Found[str] | None:
    for section in labelled:
        if section.kind == "organiser":
            value = section.first or entries[section.indexes[0]].text
            return Found(value.strip(" ,."), entries[section.indexes[0]].line)
    for paragraph in paragraphs(entries):
        text = paragraph.text
        if re.match(r"(?i)^(?:kilde|source)\s*:", text):
            continue
        match = _BY.search(text)
        if match:
            return Found(_org(match["org"]), paragraph.line_at(match.start()))
        match = _HOLDS.search(text) or _SUBJECT_HOLDS.search(text)
        if match and _organisation_like(match["org"]):
            return Found(match["org"], paragraph.line_at(match.start()))
        for sentence_match in re.finditer(r"[^.!?]+[.!?]?", text):
            sentence = sentence_match.group(0)
            for match in _INVITES.finditer(sentence):
                head = match["head"].strip()
                words = head.split()
                if words and words[0].casefold() in _PREPOSITIONS:
                    org = _org(match["tail"])  # "I Langeland Kommune inviterer Ældrerådet ... til"
                else:
                    org = _org(head.split(",")[-1]) if head else ""
                if org and org[0].isupper() and len(org.split()) <= 10 and _organisation_like(org):
                    return Found(org, paragraph.line_at(sentence_match.start() + match.start()))
    return None


_AUDIENCE = re.compile(
    r"(?i)\b(?:er\s+målrettet|henvender\s+sig\s+til|er\s+relevant\s+for|er\s+for|"
    r"er\s+åben\s+for|inviteres|alle\s+er\s+velkomne|is\s+(?:aimed\s+at|for|open\s+to)|"
    r"everyone\s+is\s+welcome|målgruppen\s+er)\b"
)


def find_audience(entries: list[Entry], labelled: list[Section]) -> Found[str] | None:
    for section in labelled:
        if section.kind == "audience":
            texts = [section.first] if section.first else []
            texts += [entries[i].text for i in section.indexes if entries[i].text != section.first]
            texts = [t for t in texts if t and not re.match(r"(?i)^(?:deltagere|for)\s*:?$", t)]
            if texts and len(" ".join(texts)) < 300:
                return Found(" ".join(texts).strip(), entries[section.indexes[0]].line)
    for paragraph in paragraphs(entries):
        parts = sentences(paragraph.text)
        for k, sentence in enumerate(parts):
            if _AUDIENCE.search(sentence) and not DEADLINE_WORDS.search(sentence):
                text = sentence
                if k + 1 < len(parts) and re.search(r"(?i)\bogså\b.*\bvelkomne?\b", parts[k + 1]):
                    text += " " + parts[k + 1]
                else:
                    after = _next_paragraph(entries, paragraph)
                    if after and re.search(r"(?i)\bogså\b.*\bvelkomne?\b", after):
                        text += " " + after
                return Found(text, paragraph.line_at(paragraph.text.find(sentence)))
    return None


def _next_paragraph(entries: list[Entry], paragraph: object) -> str | None:
    found = paragraphs(entries)
    for k, other in enumerate(found):
        if other == paragraph and k + 1 < len(found):
            first = sentences(found[k + 1].text)
            return first[0] if first else None
    return None


# -- when -----------------------------------------------------------------------------------------


@dataclass
class When:
    start: Found[datetime] | None = None
    end: Found[datetime] | None = None
    day: date | None = None
    missing: list[Note] | None = None


# "KKR inviterer ... til netværksdag tirsdag den 21. januar", "Temadagen afholdes den ...": the
# sentence that announces an event and gives its day
_ANNOUNCES = re.compile(
    r"(?i)\b(?:inviterer|indbyder|afholdes|afholder|holdes|holder|finder\s+sted|invites?|"
    r"is\s+held|will\s+be\s+held|takes\s+place|hosts?)\b"
)


def _sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of a text that holds ``text[start:end]``."""
    opening = max((m.end() for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ])", text[:start])), default=0)
    closing = re.search(r"[.!?](?:\s+[A-ZÆØÅ]|\s*$)", text[end:])
    return text[opening : end + closing.start() + 1 if closing else len(text)]


def announces(text: str, mention: DateMention) -> bool:
    """The date stands in a sentence that announces an event ("inviterer til netværksdag
    tirsdag den 21. januar kl. 10-14")."""
    sentence = _sentence_at(text, mention.start, mention.end)
    words = re.findall(r"[\wæøåÆØÅ-]+", sentence)
    return bool(_ANNOUNCES.search(sentence)) and any(event_word(w) for w in words)


def _candidates(
    entries: list[Entry], labelled: list[Section], programme_lines: set[int]
) -> list[tuple[int, int, DateMention]]:
    """(score, entry index, date) of every date that may be the event's."""
    when_lines = {i for s in labelled if s.kind == "when" for i in s.indexes}
    found: list[tuple[int, int, DateMention]] = []
    for i, entry in enumerate(entries):
        text = entry.text
        if not text or _STALE.search(text):
            continue
        for mention in find_dates(text):
            clause = text[max(0, mention.start - 60) : mention.end + 40]
            if DEADLINE_WORDS.search(clause):
                continue
            score = 0
            if find_times(text[mention.end : mention.end + 60]):
                score += 4
            if i in when_lines:
                score += 3
            if mention.year is not None:
                score += 2
            if mention.weekday is not None:
                score += 1
            if i < 12:
                score += 1
            if re.search(
                r"(?i)\b(?:holdes|afholdes|finder sted|mødtes|mødes|er|takes place|"
                r"will be held|on)\b",
                text,
            ):
                score += 1
            if i in programme_lines:
                score -= 3
            if announces(text, mention):
                score += 4
            found.append((score, i, mention))
    return found


def find_when(
    entries: list[Entry],
    labelled: list[Section],
    programme: list[ItemDraft],
    programme_lines: set[int],
    mail_years: list[int] | None = None,
) -> When:
    """The event's start and end. ``mail_years``: the years of the e-mail's own dates (its
    "Sendt:" header), for a weekday without a year when the text itself names none."""
    when = When(missing=[])
    assert when.missing is not None
    candidates = _candidates(entries, labelled, programme_lines)
    if not candidates:
        return when
    candidates.sort(key=lambda c: (-c[0], c[1]))
    _score, index, mention = candidates[0]
    entry = entries[index]
    all_years = years_in("\n".join(e.text for e in entries)) or list(mail_years or [])
    unsure: Note | None = None
    day = mention.exact
    if mention.contradicts_weekday:
        found = mention.on(mention.year or 0)
        unsure = Note.of(
            N_("the source gives {weekday} and a date that is not a {weekday}"),
            weekday=WEEKDAY_NAMES_DA[mention.weekday or 0],
        )
        day = found
    if day is None and mention.year is None:
        # the same day written elsewhere with its year
        for _s, _i, other in candidates:
            if other.year and (other.day, other.month) == (mention.day, mention.month):
                day = other.exact
                break
    if day is None and mention.year is None:
        inferred = year_from_weekday(mention, all_years)
        if inferred is not None:
            day = inferred.value
            others = ", ".join(str(y) for y in inferred.alternatives) or "-"
            unsure = Note.of(
                N_(
                    "the source gives no year; {year} is set because {date} was a {weekday} "
                    "that year (also in {others})"
                ),
                year=day.year,
                date=f"{day.day}/{day.month}",
                weekday=WEEKDAY_NAMES_DA[day.weekday()],
                others=others,
            )
    if day is None:
        when.missing.append(
            Note.of(
                N_("the year of the event (it says {text!r} without a year)"),
                text=entry.text[mention.start : mention.end],
            )
        )
        return when
    when.day = day
    unsure = unsure or _rivalled(candidates, entries, day)
    last_day = None
    if mention.last_day:
        try:
            last_day = date(day.year, day.month, mention.last_day)
        except ValueError:
            last_day = None
    times = _times_after(entry.text, mention)
    time_line = entry
    if times is None and index + 1 < len(entries) and not entries[index + 1].blank:
        # the hours at the start of the next line: "... on Tuesday 12 March 2024,\n9:30 am"
        nxt = entries[index + 1]
        if len(entry.text) - mention.end < 15:
            early = [t for t in find_times(nxt.text) if t.begin < 12 and t.end is not None]
            if early:
                times, time_line = early[0], nxt
    if times is None:
        times, time_line = _times_near(entries, index, labelled, programme_lines, day)
    start_time: time | None = None
    end_time: time | None = None
    time_unsure: Note | None = None
    end_line = None
    if times is not None:
        start_time, end_time = times.start, times.end
    elif programme:
        first = next((p for p in programme if p.day is None or p.day.value == day), programme[0])
        start_time = first.start.value
        time_line = Entry(first.start.line, "") if first.start.line else entry
        if first.kind == "arrival":
            time_unsure = Note.of(
                N_(
                    "the source gives no start time; this is the programme's first item "
                    "({title}), which may be before the event itself begins"
                ),
                title=first.title.value,
            )
    if start_time is None:
        when.missing.append(Note.of(N_("the time the event begins")))
    else:
        when.start = Found(at(day, start_time), time_line.line, unsure or time_unsure)
    if end_time is None and programme:
        last = programme[-1]
        last_day_value = last.day.value if last.day else day
        if last.end is not None:
            end_time, end_line = last.end.value, last.end.line
            if last.day:
                last_day = last_day_value
        elif last.kind == "end":
            end_time, end_line = last.start.value, last.start.line
            if last.day:
                last_day = last_day_value
    if end_time is None:
        hint = ""
        if programme:
            hint = (
                programme[-1].start.value.strftime("%H.%M") + " (" + programme[-1].title.value + ")"
            )
        when.missing.append(
            Note.of(N_("the time the event ends (the programme's last item: {last})"), last=hint)
            if hint
            else Note.of(N_("the time the event ends"))
        )
    elif when.start is not None:
        end_day = last_day or day
        other_day = times is not None and times.end_weekday is not None and end_line is None
        if other_day and times is not None and end_day.weekday() != times.end_weekday:
            # "til fredag kl. 14" and no friday among the event's days: not read
            said = time_line.text[times.begin : times.finish]
            when.missing.append(Note.of(N_("the day the event ends (it says {text!r})"), text=said))
            return when
        ends = at(end_day, end_time)
        if ends <= when.start.value:
            when.missing.append(Note.of(N_("a time the event ends after it begins")))
        else:
            when.end = Found(ends, end_line or time_line.line, unsure)
    return when


def _rivalled(
    candidates: list[tuple[int, int, DateMention]], entries: list[Entry], day: date
) -> Note | None:
    """Said when another date in the source stands nearly as much like the event's as the one
    taken (minutes with a meeting, a hearing and the next meeting), and no sentence announces
    the event with the one taken: it is then a choice, and the draft says so. The days next to
    it (a second day of the event on a line of its own) are no rivals."""
    score, index, mention = candidates[0]
    if announces(entries[index].text, mention):
        return None

    def near(other: DateMention) -> bool:
        found = other.on(other.year or day.year)
        return found is not None and abs((found - day).days) <= 3

    others = [
        entries[i].text[other.start : other.end]
        for s, i, other in candidates[1:]
        if s >= max(score - 1, 4) and not near(other)
    ]
    if not others:
        return None
    return Note.of(
        N_(
            "the source gives other dates that may be the event's ({others}); nothing ties "
            "this one to the event more than them: check the day"
        ),
        others="; ".join(dict.fromkeys(others)),
    )


_BEGINS = re.compile(r"(?i)\b(?:starter|begynder|åbner|starts?|begins?|opens?)\s+$")
_ENDS = re.compile(r"(?i)\b(?:slutter|ender|afsluttes|sluttes|ends?|finishes|closes)\s+$")
_WEEKDAY_WORD = re.compile(
    r"(?i)(?:(?:på\s+|on\s+)?(?P<weekday>"
    + "|".join(w for w in WEEKDAYS if len(w) > 4)
    + r")\s+)?(?:(?:at|ca\.?)\s+)?$"
)


# who begins and ends: the event itself, not one of its parts ("Workshoppen starter kl. 13")
_THE_EVENT = re.compile(
    r"(?i)^\W*(?:vi|we|dagen|the\s+day|arrangementet|the\s+event|mødet|programmet)\b"
)


def starts_and_ends(text: str, day: date) -> TimeRange | None:
    """The hours of a sentence that says when the event begins and when it ends ("Vi starter
    torsdag kl. 10.00 og slutter fredag kl. 13.00 efter frokost"); a weekday named with the
    start must be the event's day, one named with the end is the day it ends on."""
    for sentence in sentences(text):
        words = re.findall(r"[\wæøåÆØÅ-]+", sentence)
        if not (_THE_EVENT.match(sentence) or (words and event_word(words[0]))):
            continue
        begins: list[tuple[TimeRange, int | None]] = []
        ends: list[tuple[TimeRange, int | None]] = []
        for found in find_times(sentence):
            if found.end is not None:
                continue
            before = sentence[max(0, found.begin - 40) : found.begin]
            weekday = _WEEKDAY_WORD.search(before)
            assert weekday is not None  # every part of it is optional
            verb = before[: weekday.start()]
            named = WEEKDAYS[weekday["weekday"].casefold()] if weekday["weekday"] else None
            if _BEGINS.search(verb):
                begins.append((found, named))
            elif _ENDS.search(verb):
                ends.append((found, named))
        if len(begins) == 1 and len(ends) == 1:
            (first, first_day), (last, last_day) = begins[0], ends[0]
            if first_day is not None and first_day != day.weekday():
                return None
            offset = text.find(sentence)
            return TimeRange(
                first.start,
                last.start,
                offset + first.begin,
                offset + last.finish,
                end_weekday=last_day,
            )
    return None


def _times_after(text: str, mention: DateMention) -> TimeRange | None:
    """The hours written with the date: "den 31. maj 2024 fra 11.00-14.30"."""
    for found in find_times(text):
        if found.begin >= mention.end - 1 and found.begin - mention.end < 40:
            return found
    return None


def _times_near(
    entries: list[Entry],
    index: int,
    labelled: list[Section],
    programme_lines: set[int],
    day: date,
) -> tuple[TimeRange | None, Entry]:
    """The event's hours elsewhere: under a "Tid" label, in a sentence that says when it starts
    and when it ends, or a "kl. 14.00-17.00" in a sentence."""
    for section in labelled:
        if section.kind == "when":
            for i in section.indexes:
                for found in find_times(entries[i].text):
                    if found.end is not None:
                        return found, entries[i]
    for i, entry in enumerate(entries):
        told = starts_and_ends(entry.text, day) if i not in programme_lines else None
        if told is not None:
            return told, entry
    for i in sorted(range(len(entries)), key=lambda k: abs(k - index)):
        if i in programme_lines or leading_time(entries[i].text):
            continue
        text = entries[i].text
        if DEADLINE_WORDS.search(text):
            continue
        for found in find_times(text):
            if found.end is not None and re.search(r"(?i)\bkl\.?|fra|from|\d[.:]\d\d\s*[-–]", text):
                return found, entries[i]
    return None, entries[index]


# -- where ----------------------------------------------------------------------------------------


def find_venue(
    entries: list[Entry], labelled: list[Section], title: str | None, skip: set[int]
) -> VenueDraft | None:
    venue = VenueDraft()
    for section in labelled:
        if section.kind != "where":
            continue
        texts = ([section.first] if section.first else []) + [
            entries[i].text for i in section.indexes if entries[i].text.strip() != section.first
        ]
        lines = [entries[section.indexes[0]].line] * (1 if section.first else 0) + [
            entries[i].line for i in section.indexes if entries[i].text.strip() != section.first
        ]
        k = 0
        while k < len(texts):
            text, line = texts[k], lines[k]
            k += 1
            if _label_only(text):
                continue
            if not _ADDRESS.search(text) and k < len(texts) and _POSTAL_LINE.match(texts[k]):
                text, k = f"{text}, {texts[k]}", k + 1  # "Åboulevarden 70" / "8000 Aarhus C"
            address = _ADDRESS.search(text)
            if address:
                head = text[: address.start()].strip(" ,")
                venue.address = Found(_address(address), line)
                if head and venue.name is None:
                    venue.name = Found(head, line)
            elif venue.name is None and k <= 3 and not _ONLINE.search(text):
                venue.name = Found(text.strip(" ,"), line)
        break
    if venue.address is None:
        chosen = _where_address(entries, skip)
        if chosen is not None:
            i, address = chosen
            entry = entries[i]
            venue.address = Found(_address(address), entry.line)
            # the name stands in the address's own cell of a table row ("26.03.2025 | 13:00 |
            # Kulturværket, Vesterbro 60, 9000 Aalborg"), or ends the line above when the
            # sentence runs on to the address ("... i Ringsted Kulturhus, Sal 1," / "Nørregade 5")
            head = entry.text[: address.start()].split("\t")[-1].strip(" ,")
            head_line = entry.line
            if not head and i > 0 and entries[i - 1].text.rstrip().endswith(","):
                head, head_line = entries[i - 1].text.strip(" ,"), entries[i - 1].line
            place = re.search(
                r"\b(?:på|i|at|in)\s+([A-ZÆØÅ][^,.]+?(?:,\s*[^,.\d]+\s\d{1,3})?)\s*$", head
            )
            # "Vi mødes i mødelokale 2 på Horsens Bibliotek": the place, not the sentence
            head = _MEET_IN.sub("", head)
            dated = bool(find_dates(head) or find_times(head))
            if head and len(head.split()) <= 8 and not dated and venue.name is None:
                venue.name = Found(re.sub(r"^(?:i|på|at|in)\s+", "", head), head_line)
            elif place and venue.name is None:
                venue.name = Found(place[1], head_line)
            elif venue.name is None and i > 0 and 0 < len(entries[i - 1].text) <= 60:
                previous = entries[i - 1].text.strip(" ,")
                if not re.search(r"[.:]$", previous) and not find_times(previous):
                    venue.name = Found(
                        previous,
                        entries[i - 1].line,
                        Note.of(N_("the line above the address, taken as the place's name")),
                    )
    best: tuple[int, str, Entry | None, int] | None = None
    for paragraph in paragraphs(entries)[:40]:
        for sentence in sentences(paragraph.text):
            if not _ONLINE.search(sentence) or DEADLINE_WORDS.search(sentence):
                continue
            strong = re.search(
                r"(?i)\b(?:holdes|afholdes|foregår|finder sted|is held|takes place|via|link|"
                r"tilgås|streames|deltage online|join)\b",
                sentence,
            )
            score = 2 if strong else (1 if len(sentence.split()) > 4 else 0)
            line = paragraph.line_at(paragraph.text.find(sentence))
            if best is None or score > best[0]:
                best = (score, sentence, None, line.number)
                venue.online = Found(True, line)
                if score > 0:
                    venue.online_details = Found(sentence, line)
    if venue.name is None and venue.address is None and title:
        match = re.search(
            r"\bpå\s+(?P<place>[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+){0,2})", title
        )
        if match and not find_dates(match["place"]):
            venue.name = Found(
                match["place"],
                entries[0].line if entries else None,
                Note.of(
                    N_('the place is read from the title ("på {place}")'), place=match["place"]
                ),
            )
    if venue.name is None and venue.address is None and venue.online is None:
        return None
    return venue


def _where_address(entries: list[Entry], skip: set[int]) -> tuple[int, re.Match[str]] | None:
    """The address of the place: written after "i"/"på" or with the day and hours, before the
    sender's address at the head of a letter (the first paragraph, with no day in it)."""
    best: tuple[int, int, re.Match[str]] | None = None
    first_block_end = next((i for i, e in enumerate(entries) if e.blank and i), len(entries))
    for i, entry in enumerate(entries):
        address = _ADDRESS.search(_with_postal_line(entries, i))
        if i in skip or not address or "@" in entry.text:
            continue
        head = entry.text[: address.start()]
        above = next((entries[k].text for k in range(i - 1, -1, -1) if entries[k].text), "")
        score = 0
        if re.match(r"(?i)\s*(?:i|på|at|in)\s", head) or re.search(r"\s(?:i|på)\s+[A-ZÆØÅ]", head):
            score += 2
        if find_dates(head) or find_times(head) or find_dates(above) or find_times(above):
            score += 2
        if i < first_block_end:
            score -= 1
        if best is None or score > best[0]:
            best = (score, i, address)
    return (best[1], best[2]) if best else None


_POSTAL_LINE = re.compile(r"^(?:DK-)?\d{4}\s+[A-ZÆØÅ][\wæøå]+(?:\s[A-ZÆØÅ][\wæøå]*)*\s*$")


def _with_postal_line(entries: list[Entry], i: int) -> str:
    """An entry's text, with the next line joined when that line holds the postcode and town of
    an address it begins ("Hjallesevej 97" / "5230 Odense M")."""
    text = entries[i].text
    if i + 1 < len(entries) and _POSTAL_LINE.match(entries[i + 1].text.strip()):
        joined = f"{text.rstrip(' ,')}, {entries[i + 1].text.strip()}"
        if _ADDRESS.search(joined) and not _ADDRESS.search(text):
            return joined
    return text


def _label_only(text: str) -> bool:
    return bool(_LABEL_RES["where"].match(text.strip()))


def _address(match: re.Match[str]) -> str:
    return f"{match['street'].strip()}, {match['post']} {match['city']}"
