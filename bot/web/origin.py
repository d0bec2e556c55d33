"""Where a request comes from: refuse posts that another site's page makes the browser send.

The form token is the real guard against such posts (``bot.web.sessions``); this is the second
one, from what browsers say themselves: ``Sec-Fetch-Site`` (cross-site for a post from another
site's page) and ``Origin`` (the posting page's site). A chat embedded in a frame posts from its
own page, so it is same-origin too. Requests without these headers (old browsers, tests) are
left to the token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request


def origin_of(url: str) -> str | None:
    """'https://Kommune.dk/temadag?x' -> 'https://kommune.dk'; None for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def own_origins(request: Request, public_url: str | None) -> set[str]:
    """The server's own origins: as the request reached it, and its public address."""
    found = {origin_of(str(request.base_url)), origin_of(public_url or "")}
    return {origin for origin in found if origin}


def from_this_site(request: Request, public_url: str | None) -> bool:
    """Whether the browser says the request comes from the server's own pages."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin_of(origin) in own_origins(request, public_url)
