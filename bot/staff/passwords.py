"""Staff passwords: argon2id hashes (argon2-cffi), and what a password must be.

Only the hash is stored, with its own salt and parameters, so a stronger setting later rehashes
a password at its next sign-in. Checking takes the same time whether or not the account exists
(a fixed hash stands in for a missing one), so the time of an answer tells nothing. Hashing is
deliberately slow (tens of milliseconds), so callers on the event loop run it in a thread.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_CHARS = 10
MAX_CHARS = 200

_hasher = PasswordHasher()


def password_problem(password: str) -> str | None:
    """Why a password cannot be used ("short", "long"), or None."""
    if len(password) < MIN_CHARS:
        return "short"
    if len(password) > MAX_CHARS:
        return "long"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _stand_in() -> str:
    """A hash to check against when there is none, so a missing account takes as long."""
    return _hasher.hash("no account has this password")


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (always False without one)."""
    try:
        ok = _hasher.verify(stored or _stand_in(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored is not None


def needs_rehash(stored: str) -> bool:
    """Whether the hash was made with weaker settings than today's."""
    return _hasher.check_needs_rehash(stored)
