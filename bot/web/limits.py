"""Rate limits (token buckets per key) and the limit on the size of a request.

Rate limits: token buckets per key (a chat session, a client address), kept in memory.

A bucket holds up to ``burst`` tokens and gains ``rate`` a second; each message takes one. A
person typing never runs dry; a script sending a hundred messages a second gets a polite "you
are writing very fast" after the first few, and only its own bucket empties, so other chats are
answered as usual. The buckets of keys not seen for a while are forgotten (least recently used
first), so memory stays bounded whatever the number of visitors. One process serves the web
chat, so memory is the right place; the limits are about load, not about money.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets by key; :meth:`take` says whether the key may act now."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, key: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            self._buckets.move_to_end(key)
        return bucket

    def allows(self, key: str) -> bool:
        """Whether ``key`` has a token now (none is taken)."""
        return self._bucket(key).tokens >= 1.0

    def take(self, key: str) -> bool:
        """Take a token for ``key``; False (and nothing taken) when there is none."""
        bucket = self._bucket(key)
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def wait_seconds(self, key: str) -> float:
        """How long until ``key`` has a token again."""
        bucket = self._bucket(key)
        return max(0.0, (1.0 - bucket.tokens) / self.rate)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` gets the 413 page, unread.

    Told by Content-Length before anything is read, or while reading a body sent in chunks;
    the handler never sees more than ``max_bytes``. ``larger`` names the few addresses that
    take more (an invitation uploaded at the desk), each with its own limit and 413 page: a
    path, or a prefix ending in "/". (They are behind the desk's sign-in, which answers before
    a body is read.)
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        page: Callable[[], Response],
        larger: Mapping[str, tuple[int, Callable[[], Response]]] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.page = page
        self.larger = dict(larger or {})

    def _limit(self, path: str) -> tuple[int, Callable[[], Response]]:
        for where, limit in self.larger.items():
            if path == where or (where.endswith("/") and path.startswith(where)):
                return limit
        return self.max_bytes, self.page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes, page = self._limit(str(scope.get("path", "")))
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            await page()(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            await page()(scope, receive, send)
