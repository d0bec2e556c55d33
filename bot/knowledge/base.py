"""The loaded knowledge base: events and background sources by id."""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.schema import Background, Event


class KnowledgeBase:
    """All sources, validated and cross-checked; read-only once built."""

    def __init__(self, sources: Sequence[Event | Background]) -> None:
        self.sources: dict[str, Event | Background] = {s.id: s for s in sources}
        self.events: dict[str, Event] = {s.id: s for s in sources if isinstance(s, Event)}
        self.backgrounds: dict[str, Background] = {
            s.id: s for s in sources if isinstance(s, Background)
        }

    def __len__(self) -> int:
        return len(self.sources)

    def get(self, slug: str) -> Event | Background | None:
        return self.sources.get(slug)

    def event(self, slug: str) -> Event | None:
        return self.events.get(slug)
