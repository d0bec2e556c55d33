"""Whom to ask: names with their e-mail addresses and phone numbers.

Each address or number belongs to the person named before it on its line ("Lene Kristin Kamp,
lkk@vejenkom.dk, eller Camilla Fyhn Milland, cfm@vejenkom.dk"), else to the office the paragraph
names ("For spørgsmål kan du kontakte Sekretariat for Nordjysk Socialaftale:"). What they are asked
about is the paragraph's own words ("For tilmelding og yderligere information spørg ..."). The
same person written twice ("Lene K. Kamp" and "Lene Kristin Kamp") is one contact, with a note.
"""

from __future__ import annotations

import re

from bot.i18n import N_
from bot.knowledge.drafting.model import ContactDraft, Found, Note
from bot.knowledge.drafting.text import Entry, blocks, find_names, role_after

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?i)(?:\b(?:tlf|telefon|phone|tel|mobil|mobile|ring|sms|på|on|nr)\b\.?:?\s*)"
    r"(?P<number>(?:\+45\s?)?(?:\d{2}\s?\d{2}\s?\d{2}\s?\d{2}|\d{4}\s\d{4}))(?![\d])"
)
_OFFICE = re.compile(
    r"(?i)\b(?:kontakte|kontakt|spørg|henvend\s+dig\s+til|skriv\s+til|ring\s+til|contact)\s+"
    r"(?P<name>[A-ZÆØÅ][^:,.@\n]{2,80}?)\s*(?::|,|$|\bpå\b|\bpr\.)"
)
_ABOUT = re.compile(
    r"(?i)\bfor\s+(?P<about>[^,.:]{3,60}?)\s+(?:kan\s+(?:du|i)\s+)?(?:spørg\w*|kontakt\w*|ring\w*|"
    r"skriv\w*|henvend\w*|contact)"
)
_SIGNUP = re.compile(r"(?i)\btilmeld\w*|\bregist\w*|\bsign\s?up")


def find_contacts(entries: list[Entry]) -> tuple[list[ContactDraft], set[int]]:
    contacts: list[ContactDraft] = []
    used: set[int] = set()
    index = {id(e): i for i, e in enumerate(entries)}
    for block in blocks(entries):
        joined = " ".join(e.text for e in block)
        if not EMAIL.search(joined) and not PHONE.search(joined):
            continue
        about = _ABOUT.search(joined)
        role = about["about"].strip().casefold() if about else None
        if role is None and _SIGNUP.search(joined):
            role = "tilmelding"
        office: str | None = None
        for entry in block:
            text = entry.text
            match = _OFFICE.search(text)
            if match and not find_names(match["name"]):
                office = match["name"].strip()
            found_here = False
            for kind, match in [("email", m) for m in EMAIL.finditer(text)] + [
                ("phone", m) for m in PHONE.finditer(text)
            ]:
                start = match.start("number") if kind == "phone" else match.start()
                names = [n for n in find_names(text[:start])]
                name = names[-1].name if names else None
                personal = None
                if names:
                    personal, _ = role_after(text, names[-1].end)
                    parts = re.split(r",\s*", personal or "")
                    kept = []
                    for part in parts:
                        if re.search(r"[\d@]|\b(?:tlf|telefon|mail|e-mail|phone)\b", part):
                            break
                        kept.append(part)
                    personal = ", ".join(kept) or None
                if name is None:
                    name = office or _name_above(block, entry)
                if name is None:
                    continue
                contact = _contact(contacts, name, entry)
                if personal and contact.role is None and role is None:
                    contact.role = personal
                if role and (contact.role is None or len(role) > len(contact.role)):
                    contact.role = role
                if kind == "email":
                    address = match.group(0).rstrip(".")
                    if all(e.value != address for e in contact.emails):
                        contact.emails.append(Found(address, entry.line))
                elif contact.phone is None:
                    contact.phone = Found(match["number"].strip(), entry.line)
                found_here = True
            if found_here or (match and office):
                used.add(index[id(entry)])
    return _merged(contacts), used


def _name_above(block: list[Entry], entry: Entry) -> str | None:
    position = block.index(entry)
    if position == 0:
        return None
    above = block[position - 1].text.strip()
    names = find_names(above)
    if names:
        return names[-1].name
    return None


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
        twin.note = Note.of(
            N_('The source writes the name both as "{a}" and as "{b}".'), a=names[0], b=names[1]
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
