"""Security headers on every response, with a strict Content-Security-Policy.

The pages load nothing but their own style sheet and script (no inline script or style, no
other site), post forms only to themselves, and may be shown in a frame only by the sites
named in ``BOT_WEB_ALLOWED_ORIGINS`` (``frame-ancestors``). Pages and answers are personal, so
they are never cached; the static files set their own caching.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.origin import origin_of


def content_security_policy(allowed_origins: Sequence[str]) -> str:
    """The policy for every page; frames only on the allowed sites (and the server itself)."""
    ancestors = " ".join(["'self'", *sorted({o for o in map(origin_of, allowed_origins) if o})])
    return policy(frame_ancestors=ancestors)


def policy(*, frame_ancestors: str) -> str:
    """Everything from this server only, nothing inline; framed only by ``frame_ancestors``."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


class SecurityHeaders:
    """ASGI middleware: adds the headers below unless the response set its own."""

    def __init__(self, app: ASGIApp, allowed_origins: Sequence[str] = ()) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(allowed_origins),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Cache-Control": "no-store",
        }
        if not allowed_origins:
            self.headers["X-Frame-Options"] = "SAMEORIGIN"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
