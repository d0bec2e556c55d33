"""The browser's session: a random id in a signed cookie, and the form token that goes with it.

The cookie holds only a random id (32 bytes from ``secrets``) and its HMAC under the server's
key, so an id cannot be made up or guessed, and nothing personal ever leaves the server. It is
HttpOnly (no script reads it), SameSite=Lax, and Secure when the page is served over HTTPS. A
chat embedded in another site's page is a third-party frame, where browsers send only cookies
marked SameSite=None; over HTTPS with embedding allowed the cookie is therefore SameSite=None,
Secure and Partitioned (CHIPS): it is kept per embedding site, so one site never sees another's
chat.

Every POST carries a form token (CSRF), an HMAC of the session id under a separate label: a
page of another site cannot read it, so it cannot post in the person's name. It never expires
on its own; a new session gets a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "deltagerbot_chat"
# Long enough for a chat that goes on across the weeks before an event.
COOKIE_MAX_AGE = 60 * 60 * 24 * 120


@dataclass(frozen=True)
class SessionKeys:
    """Signs and checks one kind of session cookie, and its form tokens, with the server's key.

    The web chat's cookie is the default; the desk's has its own name, path, lifetime, label
    (``scope``: so one cookie's value is refused as the other's) and SameSite=Strict.
    """

    key: bytes
    # Set the cookie for third-party frames (SameSite=None; Partitioned) when served securely.
    embeddable: bool = False
    name: str = COOKIE
    path: str = "/"
    max_age: int = COOKIE_MAX_AGE
    scope: str = ""
    strict: bool = False

    def _mac(self, label: str, value: str) -> str:
        message = f"{self.scope}{label}:{value}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:43]

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(32)

    def read(self, request: Request) -> str | None:
        """The session id of a valid cookie, else None."""
        raw = request.cookies.get(self.name, "")
        session_id, _sep, mac = raw.partition(".")
        if not session_id or len(session_id) > 64 or not mac:
            return None
        if not hmac.compare_digest(mac, self._mac("session", session_id)):
            return None
        return session_id

    def set(self, response: Response, session_id: str, *, secure: bool) -> None:
        """Put the session's cookie on the response."""
        cross_site = secure and self.embeddable
        same_site = "None" if cross_site else "Strict" if self.strict else "Lax"
        # Written out by hand: the standard library knows Partitioned only from Python 3.14.
        # The value is URL-safe base64 and hex, which a cookie holds as it is.
        attributes = [
            f"{self.name}={session_id}.{self._mac('session', session_id)}",
            f"Max-Age={self.max_age}",
            f"Path={self.path}",
            "HttpOnly",
            f"SameSite={same_site}",
        ]
        if secure:
            attributes.append("Secure")
        if cross_site:
            attributes.append("Partitioned")
        response.headers.append("set-cookie", "; ".join(attributes))

    def form_token(self, session_id: str) -> str:
        return self._mac("form", session_id)

    def token_ok(self, session_id: str | None, token: object) -> bool:
        """Whether ``token`` is the form token of this session."""
        if not session_id or not isinstance(token, str) or not token:
            return False
        return hmac.compare_digest(token, self.form_token(session_id))


def served_securely(request: Request, public_url: str | None) -> bool:
    """HTTPS as the browser sees it (the proxy's X-Forwarded-Proto, or the public address)."""
    return request.url.scheme == "https" or bool(public_url and public_url.startswith("https:"))
