"""Check-in codes: twelve random characters, shown in three groups ("K7QF-M2XP-9RTA").

The code is all a QR code holds and all the door needs: random (60 bits, from ``secrets``), so
nobody can guess another person's, and nothing personal in it. Its alphabet leaves out the
letters and digits that look alike (0/O, 1/I), so it can be read aloud and typed from paper.
"""

from __future__ import annotations

import io
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4
# What people type for the characters left out.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(code: str) -> str:
    """'K7QFM2XP9RTA' as 'K7QF-M2XP-9RTA', for reading and typing."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The stored form of a code as scanned, typed or pasted (spaces, dashes and case aside);
    None when it cannot be one."""
    text = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def qr_png(code: str) -> bytes:
    """The code as a QR picture: large, with a wide quiet zone, so a phone reads it from paper or
    a screen. It holds the written code and nothing else."""
    import segno

    out = io.BytesIO()
    segno.make(format_code(code), error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()
