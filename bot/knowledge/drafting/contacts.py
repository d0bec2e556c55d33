"""Whom to ask: names with their e-mail addresses and phone numbers.

Each paragraph is read in order: a person ("Lene Kristin Kamp, lkk@vejenkom.dk, eller Camilla
Fyhn Milland, cfm@vejenkom.dk"), or an office under a label ("Spørgsmål om tilmelding: KL's
kursusadministration, kursus@...", "For spørgsmål kan du kontakte Sekretariat for Nordjysk
Socialaftale:", "Secretariat: hello@..."), owns the addresses and numbers that follow it, up to
the next person or office; a signature ("Anne Kirstine Bach" / "Konsulent" / "Tlf. 87 22 41 09" /
"akb@...") is a person on a line of their own with the lines under it. A number counts as a
phone where a word says so ("tlf.", "mobil", "ring"), where it has +45, or in such a contact
paragraph when it is written as a Danish phone number ("87 22 41 09", "87224109"). What they are
asked about is the paragraph's own words ("For tilmelding og yderligere information spørg ...").
The same person written twice ("Lene K. Kamp" and "Lene Kristin Kamp") is one contact, with a
note.

An address without a person or an office, and lines the draft leaves out (the header and note of
whoever forwarded the invitation), give no contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import N_
from bot.knowledge.drafting.model import ContactDraft, Found, Note
from bot.knowledge.drafting.names import Named, find_names
from bot.knowledge.drafting.roles import role_after, role_before
from bot.knowledge.drafting.text import Entry, blocks

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = r"(?:(?:\+|00)\s?45[\s-]?)?(?:\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}|\d{4}[ -]?\d{4})"
PHONE = re.compile(
    r"(?i)(?:\b(?:tlf|telefon|phone|tel|mobil|mobile|mob|ring|sms|på|on|nr|direkte)\b\.?:?\s*)"
    rf"(?P<number>{_NUMBER})(?![\d])(?!\s\d{{1,3}}\b)"
)
# A number without a word before it: with +45, or in a paragraph of contact details.
_BARE_PHONE = re.compile(
    rf"(?<![\w+.,/:-])(?<!\d\s)(?P<number>{_NUMBER})(?![\w.,/:-]\d)(?![\d])(?!\s\d{{1,3}}\b)"
)
# "tlf. 21 43 60 9B": a number with a character no one can read; it is left out, and said
_DAMAGED_PHONE = re.compile(
    r"(?i)\b(?:tlf|telefon|phone|tel|mobil|mobile)\b\.?:?\s*(?P<number>(?:[0-9A-Z]{2}\s?){3}[0-9A-Z]{2})\b"
)
_NOT_PHONE = re.compile(r"(?i)\b(?:cvr|ean|se-?nr|konto|reg|id|møde-id|meeting\s+id|kode|pin)\W*$")
_OFFICE = re.compile(
    r"(?i)\b(?:kontakte|kontakt|spørg|henvend\s+dig\s+til|skriv\s+til|ring\s+til|contact)\s+"
    r"(?P<name>[A-ZÆØÅ][^:,.@\n]{2,80}?)\s*(?::|,|$|\bpå\b|\bpr\.)"
)
# "Spørgsmål om tilmelding og betaling: KL's kursusadministration, ...": an office after a label
_LABELLED_OFFICE = re.compile(
    r"^(?P<label>[^:@\d]{3,60}):\s*(?P<name>[^,@\d:]{2,60}?)\s*(?:,|\s[–-]\s|$)"
)
_CONTACT_LABEL = re.compile(
    r"(?i)spørgsmål|kontakt|henvendelse|hjælp|support|information|tilmelding|questions?|"
    r"contact|help|enquir|practical|praktisk"
)
_ABOUT = re.compile(
    r"(?i)\bfor\s+(?P<about>[^,.:]{3,60}?)\s+(?:kan\s+(?:du|i)\s+)?(?:spørg\w*|kontakt\w*|ring\w*|"
    r"skriv\w*|henvend\w*|contact)"
)
_SIGNUP = re.compile(r"(?i)\btilmeld\w*|\bregist\w*|\bsign\s?up")
# Words before a name that say whom to turn to.
_TURN_TO = re.compile(
    r"(?i)(?:kontakt\w*|rettes\s+til|ring\s+til|skriv\s+til|henvend\w*\s+(?:dig\s+)?til|"
    r"spørg|contact|til|to|hos)\s+(?:[a-zæøå-]+\s+){0,4}$"
)


@dataclass
class _Owner:
    name: str
    entry: Entry
    role: str | None
    person: bool


def _phones(text: str, contact_paragraph: bool) -> list[tuple[int, str]]:
    found = [(m.start("number"), m["number"].strip()) for m in PHONE.finditer(text)]
    for match in _BARE_PHONE.finditer(text):
        number = match["number"].strip()
        if any(abs(match.start("number") - at) < 4 for at, _n in found):
            continue
        if _NOT_PHONE.search(text[: match.start()]) or re.fullmatch(
            r"(?:19|20)\d\d\s?-\s?(?:19|20)\d\d", number
        ):
            continue
        if number.startswith(("+", "00")) or contact_paragraph:
            found.append((match.start("number"), number))
    return sorted(found)


def _people_in(text: str, signature: bool) -> list[Named]:
    """The people a contact line names: a known first name, or a name after "kontakt", "ring
    til", or standing first on its line (a signature)."""
    found = list(find_names(text))
    for named in find_names(text, introduced=True):
        if any(n.start <= named.start < n.end for n in found):
            continue
        alone = not text[: named.start].strip() and (
            signature or re.match(r"\s*(?:,|$)", text[named.end :])
        )
        if alone or _TURN_TO.search(text[: named.start]):
            found.append(named)
    return sorted(found, key=lambda n: n.start)


# "Secretariat: hello@...", "Sekretariatet: kontakt@...": an office that is its own label
_MAILBOX = re.compile(r"^(?P<label>[^:@\d]{3,40}):\s*[\w.+-]+@")
_OFFICE_WORD = re.compile(
    r"(?i)sekretariat|secretariat|kontor|office|support|helpdesk|servicedesk|administration|"
    r"kundeservice|reception"
)


# "Practical questions: events@...": a mailbox for questions, named by its label (a sign-up
# mailbox under "Tilmelding:" is not whom to ask)
_ASK_LABEL = re.compile(
    r"(?i)spørgsmål|kontakt|henvendelse|hjælp|support|questions?|contact|help|enquir|practical|"
    r"praktisk"
)
# "Questions can be sent to the council's secretariat at ...", "Spørgsmål kan rettes til
# sekretariatet på ...": an office asked by its kind
_ASK_OFFICE = re.compile(
    r"(?i)\b(?:rettes|sendes|stilles|sent|send|directed|addressed)\s+(?:til|to)\s+(?:the\s+)?"
    r"(?P<name>[\w'’ -]{0,40}?(?:sekretariat\w*|secretariat|kontor\w*|office))\s+(?:at|på|via)\b"
)


def _office_in(text: str) -> tuple[int, str] | None:
    match = _MAILBOX.match(text)
    if (
        match
        and (_OFFICE_WORD.search(match["label"]) or _ASK_LABEL.search(match["label"]))
        and not find_names(match["label"])
    ):
        return match.start("label"), match["label"].strip()
    match = _ASK_OFFICE.search(text)
    if match and not find_names(match["name"]):
        name = match["name"].strip()
        return match.start("name"), name[:1].upper() + name[1:]
    match = _LABELLED_OFFICE.match(text)
    if match and _CONTACT_LABEL.search(match["label"]) and not find_names(match["name"]):
        name = match["name"].strip(" .")
        if name and name[0].isupper() and not EMAIL.search(name):
            return match.start("name"), name
    match = _OFFICE.search(text)
    if match and not find_names(match["name"]):
        return match.start("name"), match["name"].strip()
    return None


def find_contacts(
    entries: list[Entry], skip: set[int] | None = None
) -> tuple[list[ContactDraft], set[int]]:
    """The contacts the source gives, and the entries they were read from (``skip``: entries
    to leave alone)."""
    contacts: list[ContactDraft] = []
    used: set[int] = set()
    index = {id(e): i for i, e in enumerate(entries)}
    split: list[list[Entry]] = []
    for whole in blocks(entries):
        for column in _columns(whole):
            for entry in column:
                index.setdefault(id(entry), index[id(_source_of(whole, entry))])
            split.append(column)
    for block in split:
        block = [e for e in block if index[id(e)] not in (skip or set())]
        joined = " ".join(e.text for e in block)
        labelled = any(_office_in(e.text) for e in block)
        bare = labelled and bool(_BARE_PHONE.search(joined))
        if not block or not (
            EMAIL.search(joined) or PHONE.search(joined) or "+45" in joined or bare
        ):
            continue
        about = _ABOUT.search(joined)
        role = about["about"].strip().casefold() if about else None
        if role is None and _SIGNUP.search(joined):
            role = "tilmelding"
        contact_paragraph = bool(EMAIL.search(joined) or PHONE.search(joined) or bare)
        owner: _Owner | None = None
        for k, entry in enumerate(block):
            text = entry.text
            if k and not _carries(block[k - 1].text, text):
                owner = None  # a line of its own ("KKR Hovedstaden · Sekretariatet · kkr@...")
            tokens: list[tuple[int, str, object]] = []
            # a name alone on its line begins a signature, unless one has begun
            alone = len(text.split()) <= 4 and (owner is None or not owner.person)
            for named in _people_in(text, alone):
                tokens.append((named.start, "person", named))
            office = _office_in(text)
            if office is not None and not any(
                office[0] <= n.start < office[0] + len(office[1])
                for _a, kind, n in tokens
                if kind == "person" and isinstance(n, Named)
            ):
                tokens.append((office[0], "office", office[1]))
            for match in EMAIL.finditer(text):
                tokens.append((match.start(), "email", match.group(0).rstrip(".")))
            for at, number in _phones(text, contact_paragraph):
                tokens.append((at, "phone", number))
            for match in _DAMAGED_PHONE.finditer(text):
                number = match["number"]
                if re.search(r"[A-Za-z]", number) and sum(c.isdigit() for c in number) >= 6:
                    tokens.append((match.start("number"), "damaged", number))
            tokens.sort(key=lambda t: t[0])
            found_here = False
            for _at, kind, value in tokens:
                if kind == "person" and isinstance(value, Named):
                    personal, _end = role_after(text, value.end)
                    personal = _personal(personal) or role_before(text, value.start)
                    if personal is None and not text[value.end :].strip(" ,"):
                        personal = _role_below(block, k)
                    owner = _Owner(value.name, entry, personal, True)
                elif kind == "office" and isinstance(value, str):
                    owner = _Owner(value, entry, None, False)
                elif kind == "damaged" and owner is not None and isinstance(value, str):
                    contact = _contact(contacts, owner.name, owner.entry)
                    contact.unsure = Note.of(
                        N_(
                            'the phone number "{number}" has a character that cannot be read; '
                            "it is left out"
                        ),
                        number=value,
                    )
                elif owner is not None and isinstance(value, str):
                    contact = _contact(contacts, owner.name, owner.entry)
                    if owner.role and contact.role is None and role is None:
                        contact.role = owner.role
                    if role and (contact.role is None or len(role) > len(contact.role)):
                        contact.role = role
                    if kind == "email":
                        if all(e.value != value for e in contact.emails):
                            contact.emails.append(Found(value, entry.line))
                    elif contact.phone is None:
                        contact.phone = Found(value, entry.line)
                    found_here = True
            if found_here:
                used.add(index[id(entry)])
    return _merged(contacts), used


_DETAIL_WORDS = re.compile(
    r"(?i)^(?:[\s·|:,;/–-]|tlf\.?|telefon|tel\.?|mobil|mobile|phone|e-?mail|mail|på|eller|or|"
    r"direkte|og|and)*"
)
_JOINING = frozenset("og eller samt på til and or at on via hos".split())


def _columns(block: list[Entry]) -> list[list[Entry]]:
    """A signature set in two columns ("Karen Munk        Jonas Ravn" / "Sekretariatschef
    Fuldmægtig" / ...) as two signatures, one under the other; other paragraphs as they are.
    A line with nothing in the left column (indented far in) belongs to the right one."""
    first = next((e for e in block if "\t" in e.text), None)
    if first is None or first.text.count("\t") != 1 or block.index(first) > 1:
        return [block]
    left_name, right_name = first.text.split("\t")
    if not (_people_in(left_name, True) and _people_in(right_name, True)):
        return [block]
    left: list[Entry] = []
    right: list[Entry] = []
    for entry in block:
        if "\t" in entry.text:
            a, b = entry.text.split("\t", 1)
            left.append(Entry(entry.line, a.strip()))
            right.append(Entry(entry.line, b.strip()))
        elif len(entry.line.text) - len(entry.line.text.lstrip()) >= 8 and block.index(entry):
            right.append(entry)
        else:
            left.append(entry)
    return [left, right]


def _source_of(block: list[Entry], entry: Entry) -> Entry:
    """The entry of the paragraph that a column's entry was cut from."""
    return next((e for e in block if e is entry), None) or next(
        e for e in block if e.line is entry.line
    )


def _carries(before: str, text: str) -> bool:
    """Whom the line before was about is whom this line's details are about: it goes on from
    the line before, or holds nothing but details ("ah@... · mobil 41 85 20 17")."""
    last = before.rstrip().split()[-1].casefold() if before.strip() else ""
    if before.rstrip().endswith((",", ";")) or last in _JOINING:
        return True
    first = min(
        [m.start() for m in EMAIL.finditer(text)] + [at for at, _n in _phones(text, True)],
        default=None,
    )
    if first is None:
        return True
    return _DETAIL_WORDS.match(text[:first]).end() >= first  # type: ignore[union-attr]


def _personal(role: str | None) -> str | None:
    """A person's role as the contact line writes it, up to their address or number."""
    kept = []
    for part in re.split(r",\s*", role or ""):
        if re.search(r"[\d@]|\b(?:tlf|telefon|mail|e-mail|phone|mobil)\b", part, re.IGNORECASE):
            break
        kept.append(part)
    return ", ".join(kept) or None


def _role_below(block: list[Entry], k: int) -> str | None:
    """A signature's role: the lines under the name, up to its phone or address."""
    parts: list[str] = []
    for entry in block[k + 1 : k + 4]:
        text = entry.text.strip()
        if EMAIL.search(text) or re.search(r"\d{2}\s?\d{2}", text) or find_names(text):
            break
        if len(text.split()) > 8:
            break
        parts.append(text)
    return ", ".join(parts) or None


def _contact(contacts: list[ContactDraft], name: str, entry: Entry) -> ContactDraft:
    for contact in contacts:
        if contact.name.value == name:
            return contact
    contact = ContactDraft(Found(name, entry.line))
    contacts.append(contact)
    return contact


def same_person(a: str, b: str) -> bool:
    """ "Lene K. Kamp" and "Lene Kristin Kamp": the same first and last name, middle names that
    agree where both are written."""
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wb) < 2 or wa[0] != wb[0] or wa[-1] != wb[-1]:
        return False
    ma, mb = wa[1:-1], wb[1:-1]
    if not ma or not mb:
        return True
    return all(
        x[0] == y[0] and (x.rstrip(".") == y.rstrip(".") or x.endswith(".") or y.endswith("."))
        for x, y in zip(ma, mb, strict=False)
    )


def _merged(contacts: list[ContactDraft]) -> list[ContactDraft]:
    kept: list[ContactDraft] = []
    for contact in contacts:
        twin = next((k for k in kept if same_person(k.name.value, contact.name.value)), None)
        if twin is None:
            kept.append(contact)
            continue
        names = (twin.name.value, contact.name.value)
        if len(contact.name.value) > len(twin.name.value):
            twin.name = Found(contact.name.value, twin.name.line)
        for email in contact.emails:
            if all(e.value != email.value for e in twin.emails):
                twin.emails.append(email)
        twin.phone = twin.phone or contact.phone
        if contact.role and (twin.role is None or len(contact.role) > len(twin.role)):
            twin.role = contact.role
        if names[0] != names[1]:
            twin.note = Note.of(
                N_('The source writes the name both as "{a}" and as "{b}".'),
                a=names[0],
                b=names[1],
            )
        if len(twin.emails) > 1:
            twin.unsure = Note.of(
                N_(
                    "one person with two addresses in the source ({addresses}); check which is "
                    "right"
                ),
                addresses=", ".join(e.value for e in twin.emails),
            )
    return kept
