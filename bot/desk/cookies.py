"""The desk's cookie: a random id under the server's key, apart from the web chat's in every way.

Its own name (``deltagerbot_desk``), its own path (``/desk``, so no other page of the server
gets it), HttpOnly, SameSite=Strict (no other site's page or link makes the browser send it),
Secure over HTTPS, and its own label in the HMAC, so even the web chat's cookie value copied
into it is refused. The id means something only while a row of ``desk_sessions`` holds its
hash (``bot.staff``): before sign-in it is just what the form token is bound to, and signing
in always gives a new id (a planted id never becomes a session).

The form token (CSRF) is an HMAC of the id under another label: a page of another site cannot
read it, so it cannot post a form in a staff member's name, and one browser's token is worthless
with another's cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "deltagerbot_desk"
PATH = "/desk"
# The browser may keep it as long as a session can last; the server decides long before.
MAX_AGE = 60 * 60 * 12


@dataclass(frozen=True)
class DeskCookie:
    """Signs and checks the desk's cookie and form tokens with the server's key."""

    key: bytes

    def _mac(self, label: str, value: str) -> str:
        return hmac.new(self.key, f"desk-{label}:{value}".encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(32)

    def read(self, request: Request) -> str | None:
        """The id of a valid cookie, else None."""
        raw = request.cookies.get(COOKIE, "")
        browser_id, _sep, mac = raw.partition(".")
        if not browser_id or len(browser_id) > 64 or not mac:
            return None
        if not hmac.compare_digest(mac, self._mac("session", browser_id)):
            return None
        return browser_id

    def set(self, response: Response, browser_id: str, *, secure: bool) -> None:
        attributes = [
            f"{COOKIE}={browser_id}.{self._mac('session', browser_id)}",
            f"Max-Age={MAX_AGE}",
            f"Path={PATH}",
            "HttpOnly",
            "SameSite=Strict",
        ]
        if secure:
            attributes.append("Secure")
        response.headers.append("set-cookie", "; ".join(attributes))

    def form_token(self, browser_id: str) -> str:
        return self._mac("form", browser_id)

    def token_ok(self, browser_id: str | None, token: object) -> bool:
        """Whether ``token`` is the form token of this browser's id."""
        if not browser_id or not isinstance(token, str) or not token:
            return False
        return hmac.compare_digest(token, self.form_token(browser_id))
