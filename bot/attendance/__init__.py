"""The day itself: each registration's check-in code, and who was checked in at the door.

- ``codes``: the code (random, nothing personal in it), as written and as a QR code.
- ``models``: the ``registration_checkins`` table: a registration's code and when it was used.
- ``service``: a code for a registration, checking in by code or from the list, attendance.
"""

from bot.attendance.codes import format_code, qr_png
from bot.attendance.service import Attendance, CheckIn, CheckInOutcome, EventAttendance

__all__ = [
    "Attendance",
    "CheckIn",
    "CheckInOutcome",
    "EventAttendance",
    "format_code",
    "qr_png",
]
