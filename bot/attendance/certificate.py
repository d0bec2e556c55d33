"""A certificate of participation (PDF), for those checked in at an event, on request.

Asked for in the chat or by e-mail ("kan jeg få et kursusbevis?") or made by staff at the desk.
Only a registration that was checked in at the door gets one: the certificate says the person
took part, and the check-in is the record of that. When it was asked for is kept on the
check-in's row (in the person's data report, erased and expired with it).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.attendance.models import Checkin
from bot.i18n import Lang, fmt_date, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import place_text, when_text
from bot.registrations.identity import Identity
from bot.registrations.service import RegistrationService
from bot.storage import Database

PDF = "application/pdf"
# What people call it, in Danish and English.
ASKS = re.compile(
    r"kursusbevis|deltagerbevis|deltagelsesbevis|deltagercertifikat|"
    r"certificate of (?:attendance|participation)|(?:attendance|participation) certificate",
    re.IGNORECASE,
)


def asks_for_certificate(text: str) -> bool:
    return ASKS.search(text) is not None


@dataclass(frozen=True)
class Certificate:
    """The certificate of one person for one event: the PDF and its file name."""

    event: Event
    name: str
    pdf: bytes
    filename: str


def certificate_pdf(name: str, event: Event, lang: Lang, issued: datetime) -> bytes:
    """One A4 page: who took part in what, when and where, and who organised it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _ = translator(lang).gettext
    title = _("Certificate of participation")
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    page.setTitle(f"{title}: {name}, {event.title}")
    page.setAuthor(event.organiser)
    page.setSubject(event.title)
    width, height = A4
    middle = width / 2
    lines: list[tuple[str, int, str]] = [
        ("Helvetica-Bold", 30, title),
        ("Helvetica", 14, ""),
        ("Helvetica-Bold", 22, name),
        ("Helvetica", 14, _("has taken part in")),
        ("Helvetica-Bold", 18, event.title),
        ("Helvetica", 14, when_text(event, lang)),
    ]
    place = place_text(event, lang)
    if place:
        lines.append(("Helvetica", 14, place))
    lines += [
        ("Helvetica", 14, ""),
        ("Helvetica", 14, _("Organised by {organiser}").format(organiser=event.organiser)),
        ("Helvetica", 11, _("Issued {date}").format(date=fmt_date(issued, lang, weekday=False))),
    ]
    y = height - 200
    for font, size, text in lines:
        page.setFont(font, size)
        # Long titles and places are wrapped rather than run off the page.
        for part in _wrapped(text, font, size, width - 120):
            page.drawCentredString(middle, y, part)
            y -= size * 1.6
    page.showPage()
    page.save()
    return out.getvalue()


def _wrapped(text: str, font: str, size: int, room: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in text.split():
        tried = f"{current} {word}".strip()
        if current and stringWidth(tried, font, size) > room:
            lines.append(current)
            current = word
        else:
            current = tried
    return [*lines, current] if current or not lines else lines


async def certificate_for(
    db: Database,
    registrations: RegistrationService,
    events: Callable[[str], Event | None],
    who: Identity,
    *,
    about: str | None,
    lang: Lang,
    now: datetime,
) -> Certificate | None:
    """The person's certificate for the event they were checked in at (the one ``about``, if
    they were, else the latest); None when they were checked in at none."""
    infos = await registrations.registrations_of(who, now=now, include_past=True)
    if not infos:
        return None
    async with db.session() as session:
        came = set(
            await session.scalars(
                select(Checkin.registration_id).where(
                    Checkin.registration_id.in_([i.id for i in infos]),
                    Checkin.checked_in_at.is_not(None),
                )
            )
        )
    attended = [
        (event, info)
        for info in infos
        if info.id in came and (event := events(info.event_slug)) is not None
    ]
    if not attended:
        return None
    chosen = [pair for pair in attended if pair[0].id == about] or attended
    event, info = max(chosen, key=lambda pair: pair[0].start)
    return await issue(db, event, info.id, info.name, lang=lang, now=now)


async def issue(
    db: Database, event: Event, registration_id: int, name: str, *, lang: Lang, now: datetime
) -> Certificate:
    """The certificate of a registration that was checked in, with the request recorded."""
    async with db.transaction() as session:
        await session.execute(
            update(Checkin)
            .where(Checkin.registration_id == registration_id)
            .values(certificate_at=now)
        )
    _ = translator(lang).gettext
    filename = _("certificate-{event}.pdf").format(event=event.id)
    return Certificate(event, name, certificate_pdf(name, event, lang, now), filename)


def certificate_text(certificate: Certificate | None, lang: Lang) -> str:
    """What goes with the certificate, or the polite refusal."""
    _ = translator(lang).gettext
    if certificate is not None:
        return _("Here is your certificate of participation for {title}.").format(
            title=certificate.event.title
        )
    return _(
        "I can only give a certificate of participation to those who were checked in at the "
        "event. If you took part and think this is a mistake, please contact the secretariat."
    )
