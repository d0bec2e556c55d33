"""What the check-in page says, in the staff's language (Danish first).

The result of a check-in is one short sentence, read out by screen readers (the page's live
region and its title): who was checked in, when someone already was, or that a code is unknown.
"""

from __future__ import annotations

from datetime import datetime

from bot.attendance import CheckIn, CheckInOutcome
from bot.i18n import Lang, fmt_time, translator


def clock_time(value: datetime, lang: Lang) -> str:
    """'9.42' (Danish, as said aloud) or '9:42'."""
    text = fmt_time(value, lang)
    return text[1:] if text[0] == "0" and text[1].isdigit() else text


def page_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "back": _("Back to the participants"),
        "heading": _("Check-in"),
        "code_heading": _("Check in with the code"),
        "code_label": _("Code from the QR code or the confirmation"),
        "code_hint": _("Scan the QR code with the camera, or type or paste the code."),
        "check_in": _("Check in"),
        "scan": _("Scan with the camera"),
        "stop_scan": _("Stop the camera"),
        "camera_label": _("The camera's picture"),
        "no_camera": _("The camera could not be started. Type the code instead."),
        "list_heading": _("Check in by name"),
        "name": _("Name"),
        "organisation": _("Organisation"),
        "status": _("Status"),
        "nobody": _("Nobody is registered."),
        "summary": _("Attendance"),
        "certificate": _("Certificate of participation (PDF)"),
        "evaluation": _("The evaluation after the day: results"),
    }


def checked_in_at(lang: Lang, at: datetime) -> str:
    _ = translator(lang).gettext
    return _("Checked in at {time}").format(time=clock_time(at, lang))


def result_text(lang: Lang, result: CheckIn) -> str:
    _ = translator(lang).gettext
    if result.outcome is CheckInOutcome.CHECKED_IN:
        return _("{name} is checked in.").format(name=result.name)
    if result.outcome is CheckInOutcome.ALREADY and result.at is not None:
        return _("{name} is already checked in, at {time}.").format(
            name=result.name, time=clock_time(result.at, lang)
        )
    return _("The code is not known.")


def attendance_lines(lang: Lang, checked_in: int, registered: int, ended: bool) -> list[str]:
    """'Tjekket ind: 3 af 20', then those not (yet) come: after the day, the no-shows."""
    _ = translator(lang).gettext
    lines = [_("Checked in: {count} of {total}").format(count=checked_in, total=registered)]
    missing = max(registered - checked_in, 0)
    if ended:
        lines.append(_("Did not come: {count}").format(count=missing))
    else:
        lines.append(_("Not checked in yet: {count}").format(count=missing))
    return lines
