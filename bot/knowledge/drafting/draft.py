"""One invitation to one draft: the readers of each part, in order, over the source's lines."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz

from bot.i18n import N_
from bot.knowledge.drafting import forwarding
from bot.knowledge.drafting.access import find_access
from bot.knowledge.drafting.contacts import find_contacts
from bot.knowledge.drafting.event import (
    find_audience,
    find_event_type,
    find_organiser,
    find_title,
    find_venue,
    find_when,
    sections,
)
from bot.knowledge.drafting.model import (
    Draft,
    FactDraft,
    Found,
    Note,
    PersonDraft,
    SpeakerDraft,
    VenueDraft,
)
from bot.knowledge.drafting.names import find_names, first_name, is_role_word
from bot.knowledge.drafting.ocr import (
    damaged,
    known_words,
    one_damage,
    repair,
    repair_numbers,
    repair_ones,
    rn_damage,
)
from bot.knowledge.drafting.programme import find_programme
from bot.knowledge.drafting.reading import Document
from bot.knowledge.drafting.registration import find_registration
from bot.knowledge.drafting.roles import role_after
from bot.knowledge.drafting.text import Entry, blocks

_PART_ABOUT = {
    "speaker": N_("Speaks at {time}: {title}."),
    "moderator": N_("Moderates at {time}: {title}."),
    "host": N_("Hosts at {time}: {title}."),
    "panel": N_("On the panel at {time}: {title}."),
    "facilitator": N_("Facilitates at {time}: {title}."),
    "performer": N_("Performs at {time}: {title}."),
}
_SESSION_ABOUT = {
    "speaker": N_("Speaks in {label}: {title}."),
    "moderator": N_("Moderates {label}: {title}."),
    "facilitator": N_("Facilitates {label}: {title}."),
    "host": N_("Hosts {label}: {title}."),
    "panel": N_("On the panel in {label}: {title}."),
    "performer": N_("Performs in {label}: {title}."),
}


def slugify(text: str) -> str:
    text = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text)
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "arrangement"


_PAGE_NUMBER = re.compile(
    r"(?i)^(?:[-–(]?\s*\d{1,3}\s*[-–)]?|(?:side|page)\s+\d{1,3}(?:\s*(?:af|of|/)\s*\d{1,3})?)$"
)


def _noise(items: list[Entry]) -> set[int]:
    """Slide noise and running headers: lines repeated on page after page (with their page
    number or without), a page's number standing alone at its top or foot, and letters without
    words."""

    def shape(text: str) -> str:  # a running header or footer, without its page number
        return re.sub(
            r"[\s|–-]*(?:(?:side|page)\s+)?\d{1,3}(?:\s*(?:af|of|/)\s*\d{1,3})?$",
            "",
            text.strip().casefold(),
        )

    counts = Counter(shape(e.text) for e in items if e.text.strip())
    pages: dict[int, list[int]] = {}
    for i, entry in enumerate(items):
        if entry.line.page is not None and not entry.blank:
            pages.setdefault(entry.line.page, []).append(i)
    ends = (
        {i for found in pages.values() for i in (found[0], found[-1])} if len(pages) > 1 else set()
    )
    shapes: dict[str, list[int]] = {}
    for i, entry in enumerate(items):
        if entry.text.strip():
            shapes.setdefault(shape(entry.text), []).append(i)
    noise: set[int] = set()
    for i, entry in enumerate(items):
        text = entry.text.strip()
        if not text:
            continue
        letters = re.sub(r"[^A-Za-zÆØÅæøå]", "", text)
        count = counts[shape(text)]
        if shape(text) != text.casefold() and not re.search(r"[|·•]|\S+\s+\S+\s+\S+", shape(text)):
            count = 1  # "Session 1", "Session 2": numbered parts, no running header
        # on the first or last line of every page it stands on: a running header or footer
        at_end = all(k in ends for k in shapes[shape(text)])
        repeated = (
            count >= 2 and (text.isupper() or count >= 3 or at_end) and len(text.split()) <= 12
        )
        junk = (len(letters) <= 1 and not re.search(r"\d", text)) or re.fullmatch(
            r"(.)\1{4,}", letters
        ) is not None
        page_number = i in ends and _PAGE_NUMBER.match(text) is not None
        if repeated or junk or page_number:
            noise.add(i)
    return noise


def draft_document(document: Document, slug: str | None = None) -> Draft:
    """Read every fact the invitation gives into a draft."""
    items = entries_of(document)
    draft = Draft(source=document.name, id=slug or "")
    noise = _noise(items)
    if len(noise) >= len([e for e in items if not e.blank]) / 2:
        noise = set()
    subject = forwarding.subject(items)
    mail_years = forwarding.mail_years(items)
    for i in sorted(noise | forwarding.around_invitation(items)):
        if not items[i].blank:
            draft.left_out.append(items[i].line)
            items[i] = Entry(items[i].line, "")
    repairs: dict[int, list[tuple[str, str]]] = {}
    numbers: dict[int, list[tuple[str, str]]] = {}
    ones: dict[int, list[tuple[str, str]]] = {}  # a "1" among letters read as an "l"
    for i, entry in enumerate(items):
        fixed, changes = repair_numbers(entry.text)
        if changes:
            numbers[i] = repairs[i] = changes
            items[i] = Entry(entry.line, fixed, entry.heading)
    whole = "\n".join(e.text for e in items)
    if one_damage(whole) >= 3:  # "ti1", "Sjae11and": recognition's l, more than once
        for i, entry in enumerate(items):
            fixed, changes = repair_ones(entry.text)
            if changes:
                ones[i] = repairs[i] = repairs.get(i, []) + changes
                items[i] = Entry(entry.line, fixed, entry.heading)
        whole = "\n".join(e.text for e in items)
    letters = damaged(whole)
    if letters or rn_damage(whole) >= 2 or ones:
        draft.notes.append(
            Note.of(
                N_(
                    "the text has lost its æ, ø and å (it was recognised from slides or a scan); "
                    "words are repaired where the repair is certain, and each is named"
                )
                if letters
                else N_(
                    "the text was recognised from slides or a scan and has damaged words; they "
                    "are repaired where the repair is certain, and each is named"
                )
            )
        )
        known = known_words(whole)
        for i, entry in enumerate(items):
            fixed, changes = repair(entry.text, letters, known)
            if changes:
                repairs[i] = repairs.get(i, []) + changes
                items[i] = Entry(entry.line, fixed, entry.heading)
    labelled = sections(items)
    title, subtitle, title_used = find_title(items)
    if title is None and subject is not None:
        title = Found(
            subject[1],
            subject[0].line,
            Note.of(N_("the source has no title of its own; this is the e-mail's subject")),
        )
    draft.title, draft.subtitle = title, subtitle
    for found, index in ((title, min(title_used, default=-1)),):
        if found is not None and index in repairs:
            found.unsure = _repaired(repairs[index])
    programme = find_programme(items, None)
    when = find_when(items, labelled, programme.items, programme.used, mail_years)
    if when.day is not None:
        # day headings without a year ("Torsdag den 11. april") take the event's year
        again = find_programme(items, when.day)
        if any(i.day for i in again.items) and not any(i.day for i in programme.items):
            programme = again
            when = find_when(items, labelled, programme.items, programme.used, mail_years)
    registration, registration_used = find_registration(items, labelled, when.day)
    registration.sessions = programme.sessions
    draft.registration = registration
    contacts, contact_used = find_contacts(items)
    draft.contacts = contacts
    draft.programme = programme.items
    venue_skip = programme.used | contact_used
    draft.venue = find_venue(items, labelled, title.value if title else None, venue_skip)
    access = find_access(items)
    if not access.empty:
        draft.venue = draft.venue or VenueDraft()
        draft.venue.access = access.fields
    draft.organiser = find_organiser(items, labelled)
    if draft.organiser is None:
        office = next((c for c in contacts if not find_names(c.name.value)), None)
        if office is not None:
            draft.organiser = Found(
                office.name.value,
                office.name.line,
                Note.of(N_("the source names no organiser; this is the office it says to contact")),
            )
    draft.audience = find_audience(items, labelled)
    draft.event_type = find_event_type(title.value if title else None, items)
    draft.start, draft.end = when.start, when.end
    draft.kind = "event" if (when.day is not None or programme.items) else "background"
    if not draft.id:
        base = slugify(title.value if title else document.name.rsplit(".", 1)[0])
        year = str(when.day.year) if when.day else ""
        draft.id = base if not year or base.endswith(year) else f"{base}-{year}"
    _people(draft, programme.moderators, items)
    used = title_used | programme.used | registration_used | contact_used | _section_lines(labelled)
    _facts(draft, items, used, repairs)
    _mark_repaired(draft, {items[i].line.number: c for i, c in numbers.items()})
    # a date read from a word repaired ("apri1" → "april"), and an address: marked as well
    _mark_repaired(draft, {items[i].line.number: c for i, c in ones.items()}, programme=False)
    _mark_repaired_items(draft, {items[i].line.number: c for i, c in repairs.items()})
    _missing(draft, when.missing or [])
    return draft


def _mark_repaired(
    draft: Draft, lines: dict[int, list[tuple[str, str]]], programme: bool = True
) -> None:
    """Every date, time, number and address read from a line whose digits were repaired is
    marked unsure, with the repair (``programme``: the programme's times too)."""

    def mark(found: Found[Any] | None) -> None:
        if found is not None and found.line is not None and found.line.number in lines:
            found.unsure = found.unsure or Note.of(
                N_("read from digits damaged by text recognition ({changes}); check it"),
                changes=", ".join(f"{a} → {b}" for a, b in lines[found.line.number]),
            )

    for found in (draft.start, draft.end, draft.registration.deadline):
        mark(found)
    for item in draft.programme if programme else []:
        mark(item.start)
        mark(item.end)
        mark(item.day)
    if draft.venue is not None:
        mark(draft.venue.address)
    for contact in draft.contacts:
        mark(contact.phone)


def _mark_repaired_items(draft: Draft, lines: dict[int, list[tuple[str, str]]]) -> None:
    """Programme items and contacts read from repaired lines say so."""
    for item in draft.programme:
        line = item.title.line
        if item.unsure is None and line is not None and line.number in lines:
            item.unsure = _repaired(lines[line.number])
    if not lines:
        return
    for contact in draft.contacts:
        # an address read with a "1" among letters as an "l" ("1efr@...examp1e.dk") names them
        changes = [
            (a, b)
            for e in contact.emails
            if e.line is not None
            for a, b in lines.get(e.line.number, [])
            if b in e.value
        ]
        if contact.unsure is None and changes:
            contact.unsure = _repaired(changes)
        damaged_address = [e.value for e in contact.emails if "rn" in e.value.split("@")[0]]
        if contact.unsure is None and damaged_address:
            contact.unsure = Note.of(
                N_(
                    'the text was recognised from a scan, and an "rn" in {address} may stand '
                    'for "m"; check the address'
                ),
                address=damaged_address[0],
            )


def entries_of(document: Document) -> list[Entry]:
    from bot.knowledge.drafting.text import entries

    return entries(document.lines)


def _repaired(changes: list[tuple[str, str]]) -> Note:
    return Note.of(
        N_("words damaged by text recognition, repaired: {changes}"),
        changes=", ".join(f"{a} → {b}" for a, b in changes),
    )


def _section_lines(labelled: Sequence[object]) -> set[int]:
    from bot.knowledge.drafting.event import Section

    found: set[int] = set()
    for section in labelled:
        if isinstance(section, Section) and section.kind in ("when", "where", "audience"):
            found.update(section.indexes)
    return found


def _people(draft: Draft, moderators: Sequence[object], items: list[Entry]) -> None:
    """Everyone named with a part, once, with what they do."""
    from bot.knowledge.drafting.people import Speaking

    people: dict[str, PersonDraft] = {}

    def person(speaker: SpeakerDraft) -> PersonDraft:
        found = people.get(speaker.name)
        if found is None:
            found = PersonDraft(speaker.name, speaker.line, speaker.role)
            people[speaker.name] = found
        elif speaker.role and not found.role:
            found.role = speaker.role
        return found

    for item in draft.programme:
        for speaker in item.speakers:
            person(speaker).about.append(
                Note.of(
                    _PART_ABOUT.get(speaker.part, _PART_ABOUT["speaker"]),
                    time=item.start.value.strftime("%H.%M"),
                    title=item.title.value,
                )
            )
    for session in draft.registration.sessions:
        label = ("workshop " if session.kind == "workshop" else "session ") + session.key
        for speaker in session.speakers:
            person(speaker).about.append(
                Note.of(
                    _SESSION_ABOUT.get(speaker.part, _SESSION_ABOUT["speaker"]),
                    label=label,
                    title=session.title.value,
                )
            )
    for moderator in moderators:
        if isinstance(moderator, Speaking):
            found = person(
                SpeakerDraft(moderator.name, moderator.role, "moderator", moderator.line)
            )
            found.about.append(Note.of(N_("Moderates the day.")))
    # people introduced with a role in running text: "Anja Kammacher, adjunkt fra ..., fortæller"
    contact_names = {c.name.value for c in draft.contacts}
    attending = False  # minutes: who was at the meeting takes no part in the event
    for entry in items:
        labelled = re.match(r"^[\w ]{2,25}:", entry.text)
        went_on = attending and bool(entry.text) and not labelled
        attending = bool(_ATTENDANCE.match(entry.text)) or went_on
        if attending:
            continue
        for named in find_names(entry.text):
            if named.name in people or named.name in contact_names:
                continue
            if any(fuzz.ratio(named.name, known) >= 90 for known in people):
                continue  # the same person spelt another way
            if "@" in entry.text[named.end : named.end + 40]:
                continue
            if _CANCELLED.search(re.split(r"[.!?](?:\s|$)", entry.text[named.end :])[0]):
                continue  # "Hanne Vestergaard, ..., kan desværre ikke deltage": no part
            role, _ = role_after(entry.text, named.end)
            if role and first_name(role):
                continue  # "Pia Krusborg, Thomas Lerche": the next name of a list, no role
            if (
                not role
                and named.known
                and re.match(r"\s*(?:[.,;]|\s[a-zæøå])", entry.text[named.end :])
            ):
                # the name goes on in the sentence; at a line's end its address may follow
                role = _role_just_before(entry.text, named.start)
            if role and not re.search(r"\d", role):
                people[named.name] = PersonDraft(named.name, entry.line, role)
    draft.people = list(people.values())


# a role straight before a name in running text: "Hjemmeplejechef Kim Vestergaard fortæller",
# "debat, som ledes af næstformand i Handicaprådet Lise Thomsen"
_ROLE_BEFORE = re.compile(
    r"(?:^|[\s,(])(?P<role>[\wæøåÆØÅ-]+(?:\s+(?:i|for|ved|på|of|at)\s+[A-ZÆØÅ][\wæøå-]+)?)\s+$"
)


def _role_just_before(text: str, start: int) -> str | None:
    match = _ROLE_BEFORE.search(text[:start])
    if match is None or not is_role_word(match["role"].split()[0]):
        return None
    return match["role"]


# a person said not to come after all: "kan desværre ikke deltage", "har meldt afbud"
_CANCELLED = re.compile(
    r"(?i)\b(?:kan\s+(?:desværre\s+)?ikke\s+(?:deltage|komme|være\s+med)|er\s+(?:desværre\s+)?"
    r"forhindret|har\s+(?:desværre\s+)?meldt\s+afbud|har\s+måttet\s+melde\s+afbud|"
    r"(?:is|are)\s+(?:unfortunately\s+)?unable\s+to\s+(?:attend|come|take\s+part)|"
    r"can(?:not|'t)\s+(?:attend|come|take\s+part)|has\s+(?:had\s+to\s+)?cancel+ed)\b"
)

# the lines of minutes that list who met: "Til stede: ...", "Afbud: ...", "Present: ..."
_ATTENDANCE = re.compile(
    r"(?i)^\s*(?:til\s+stede|fremmødte|afbud|fraværende|referent|mødeleder|present|"
    r"apologies|absent|attendees|in\s+attendance|minutes\s+taken\s+by)\s*:"
)

_FACT_KINDS = (
    (r"\b(?:parkering|p-plads|parkere)", "parking"),
    (r"\b(?:transport|kørsel|bus|tog|offentlig transport|hentet)", "transport"),
    (r"\b(?:teleslynge)", "hearing-loop"),
    (r"\b(?:tolk|tegnsprog)", "interpreter"),
    (r"\b(?:kørestol|handicapvenlig|elevator|tilgængelig)", "accessibility"),
    (r"\b(?:overnatning|hotelværelse)", "accommodation"),
    (r"\b(?:allergi|vegetar|diæt|kost)", "diet"),
    (r"\b(?:formål|formålet)", "purpose"),
)


def _facts(
    draft: Draft, items: list[Entry], used: set[int], repairs: dict[int, list[tuple[str, str]]]
) -> None:
    heading: str | None = None
    index = {id(e): i for i, e in enumerate(items)}
    for block in blocks(items):
        positions = [index[id(e)] for e in block]
        free = [e for e, i in zip(block, positions, strict=True) if i not in used]
        if not free:
            continue
        text = " ".join(e.text.strip() for e in free)
        if re.match(r"(?i)^(?:kilde|source)\s*:", text):
            continue
        words = text.split()
        if len(free) == 1 and len(words) <= 8 and not text.rstrip().endswith((".", "?", "!")):
            if not re.search(r"\d", text):
                heading = text.rstrip(":")
            if len(words) <= 5:
                continue
        if len(words) < 4 or (len(words) < 10 and not text.rstrip().endswith((".", "?", "!"))):
            continue
        topic = heading or " ".join(words[:4]).rstrip(".,:")
        if re.match(r"(?i)^formålet\b", text):
            topic = "formål"
        kind = None
        for pattern, found_kind in _FACT_KINDS:
            if re.search(pattern, text.casefold()):
                kind = found_kind
                break
        changes = [
            c
            for e, i in zip(block, positions, strict=True)
            if e in free
            for c in repairs.get(i, [])
        ]
        draft.facts.append(
            FactDraft(
                topic=topic,
                text=text,
                line=free[0].line,
                kind=kind,
                unsure=_repaired(changes) if changes else None,
            )
        )


def _missing(draft: Draft, when_missing: list[Note]) -> None:
    if draft.kind == "background":
        draft.notes.append(
            Note.of(
                N_(
                    "the source names no day for an event, so this is drafted as background "
                    "knowledge; if it is an event, change kind to event and add start and end"
                )
            )
        )
        return
    if draft.title is None:
        draft.missing["title"] = Note.of(N_("a title"))
    if draft.organiser is None:
        draft.missing["organiser"] = Note.of(N_("who organises the event"))
    for note in when_missing:
        key = "end" if "end" in note.template else "start"
        draft.missing.setdefault(key, note)
    if draft.start is None:
        draft.missing.setdefault("start", Note.of(N_("when the event begins")))
    if draft.end is None:
        draft.missing.setdefault("end", Note.of(N_("when the event ends")))
    venue = draft.venue
    if venue is None or not (venue.name or venue.address or venue.online):  # access alone
        draft.missing["venue"] = Note.of(N_("where the event is held"))
    elif venue.address is None and not venue.online:
        draft.missing["venue.address"] = Note.of(N_("the address"))
    if draft.registration.deadline is None:
        draft.missing["registration.deadline"] = Note.of(N_("a deadline for signing up"))
    if draft.registration.price is None:
        draft.missing["registration.price"] = Note.of(N_("a price, or that it is free"))
    if draft.registration.capacity is None:
        draft.missing["registration.capacity"] = Note.of(N_("how many places there are"))
    if not draft.contacts:
        draft.missing["contacts"] = Note.of(N_("whom to contact"))
    if not draft.programme:
        draft.missing["programme"] = Note.of(N_("a programme with times"))
    if draft.audience is None:
        draft.missing["audience"] = Note.of(N_("whom the event is for"))
