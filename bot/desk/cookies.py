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

from bot.web.sessions import SessionKeys

COOKIE = "deltagerbot_desk"
PATH = "/desk"
# The browser may keep it as long as a session can last; the server decides long before.
MAX_AGE = 60 * 60 * 12


def desk_cookie(key: bytes) -> SessionKeys:
    """The desk's cookie keys: the shared mechanism with the desk's name, path and label."""
    return SessionKeys(key, name=COOKIE, path=PATH, max_age=MAX_AGE, scope="desk-", strict=True)
