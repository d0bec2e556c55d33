"""The email policy the mail channel parses and builds messages with.

It is ``email.policy.default`` with one change: each header's class is made once. The standard
library's header registry builds a new class for every header it parses or sets (two per header
set on a message), which made building one reply cost milliseconds; the classes it would build
are the same every time, so the messages and their bytes are exactly those of
``policy.default``.
"""

from __future__ import annotations

from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry


class _CachedRegistry(HeaderRegistry):
    """A header registry that keeps the class it makes for each kind of header (a few dozen:
    kept by kind, not by name, since incoming mail may carry any names)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[type, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        kind = self.registry.get(name.lower(), self.default_class)
        made = self._made.get(kind)
        if made is None:
            made = self._made[kind] = type("_" + kind.__name__, (kind, self.base_class), {})
        return made


MAIL_POLICY = policy.default.clone(header_factory=_CachedRegistry())
