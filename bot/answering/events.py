"""Which event a message is about: the one it names, or else the ones still to come.

Events are found by their names (title, aliases, kind, place, organiser, year) through an
inverted index, so the cost follows the message, not the number of events. A message names an
event when it names it clearly better than any other; ``find_event`` is stricter still, because a
channel uses it to decide what a signup is for.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.answering.analysis import Query, analyse
from bot.answering.index import KnowledgeIndex
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Background, Event

# How well a message must name an event (title words, place, year) to be about it.
IDENTITY_MIN = 2.5
# Sources named nearly as well as the best (this share of its score) compete with it.
CLOSE_NAMES = 0.6


class EventFinder:
    """Finds sources by the names a message gives them."""

    def __init__(self, kb: KnowledgeBase, index: KnowledgeIndex) -> None:
        self.kb = kb
        self.index = index

    def named(self, context: Query) -> Event | Background | None:
        """The one source a message clearly names (title words, place, year), if any."""
        ranked = self.ranking(context)
        if (
            ranked
            and ranked[0][1] >= IDENTITY_MIN
            and (len(ranked) == 1 or ranked[1][1] < CLOSE_NAMES * ranked[0][1])
        ):
            return self.kb.sources[ranked[0][0]]
        return None

    def ranking(self, query: Query) -> list[tuple[str, float]]:
        """Sources by how well the message names them (title words, place, year, organiser)."""
        scores: dict[str, float] = defaultdict(float)
        for key in set(query.identity):
            idf = self.index.identity_idf.get(key, 0.0)
            for sid, weight in self.index.identity_postings.get(key, ()):
                scores[sid] += weight * idf
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def find_event(self, text: str) -> str | None:
        """The event a text names (an e-mail subject, say), when it clearly names exactly one.

        Unlike answering, this never falls back to "the only event coming up": a channel uses
        it to decide what a signup is for, and a guess there is a wrong registration.
        """
        ranked = [
            (sid, score)
            for sid, score in self.ranking(analyse(text, self.index.vocabulary))
            if sid in self.kb.events
        ]
        if not ranked or ranked[0][1] < IDENTITY_MIN:
            return None
        if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
            return None
        return ranked[0][0]

    def pools(
        self, context: Query, now: datetime
    ) -> tuple[list[Event], list[Event], list[Background]]:
        """For a message naming no one source: the events to come (soonest first), the past
        ones (latest first) and the background sources, among those it names at all."""
        ranked = self.ranking(context)
        if ranked and ranked[0][1] >= IDENTITY_MIN:
            top = ranked[0][1]
            pool = [self.kb.sources[sid] for sid, score in ranked if score >= CLOSE_NAMES * top]
        else:
            pool = list(self.kb.sources.values())
        events = [s for s in pool if isinstance(s, Event)]
        coming = sorted((e for e in events if e.end >= now), key=lambda e: e.start)
        past = sorted((e for e in events if e.end < now), key=lambda e: e.start, reverse=True)
        return coming, past, [s for s in pool if isinstance(s, Background)]
