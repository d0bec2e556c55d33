"""The participant list as CSV for staff, made to open correctly in Danish Excel.

Danish Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark, and splits
columns on semicolons (the comma is the decimal sign), so the file has both. Registered people
come first in signup order, then the waiting list in order with each person's place. Text that
Excel would run as a formula (starting with = + - @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.clock import TZ
from bot.i18n import Lang, translator
from bot.knowledge.schema import Event
from bot.registrations.models import RegistrationStatus
from bot.registrations.results import RegistrationInfo
from bot.registrations.rules import find_session

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ORDER = {
    RegistrationStatus.REGISTERED: 0,
    RegistrationStatus.WAITLISTED: 1,
    RegistrationStatus.CANCELLED: 2,
}


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _stamp(value: datetime | None) -> str:
    # Copenhagen wall time, in a form Danish Excel reads as a date and time.
    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def export_csv(
    infos: Sequence[RegistrationInfo], event: Event | None, *, lang: Lang = "da"
) -> bytes:
    """The rows as CSV bytes: UTF-8 with BOM, ';' between columns, CRLF line ends."""
    _ = translator(lang).gettext
    status_names = {
        RegistrationStatus.REGISTERED: _("registered"),
        RegistrationStatus.WAITLISTED: _("waiting list"),
        RegistrationStatus.CANCELLED: _("cancelled"),
    }
    header = [
        _("Status"),
        _("Waiting list no."),
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Session"),
        _("Needs"),
        _("Signed up"),
        _("Channel"),
        _("Cancelled"),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    rows = sorted(infos, key=lambda i: (ORDER[i.status], i.position or 0, i.created_at, i.id))
    for info in rows:
        session = find_session(event, info.session_key) if event else None
        writer.writerow(
            [
                status_names[info.status],
                info.position or "",
                _cell(info.name),
                _cell(info.email),
                _cell(info.organisation),
                _cell(f"{session.key}: {session.title}" if session else info.session_key),
                _cell(info.needs),
                _stamp(info.created_at),
                info.channel,
                _stamp(info.cancelled_at),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
