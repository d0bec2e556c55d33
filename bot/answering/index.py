"""The search index over the knowledge base, built once when the knowledge is loaded.

Each source is cut into units that a question can be about (a programme item, a session, a
person, a contact, a fact, a question-and-answer entry, and the event itself), each unit holding
the stems of its text with a weight per field: a word in a title says more than one in a
description. Lookups are exact on stems, or partial where a typed word is the start or end of a
compound in the text ("frokost" in "frokostpause"), but never the other way round: a question
about "handicapvenlig adgang" is not covered by a text that only says "handicap".
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.answering.lexicon import (
    CUES,
    DATE_WORDS,
    ITEM_KIND_WORDS,
    PART_WORDS,
    QUESTION_WORDS,
    RELATED_WORDS,
    SESSION_WORDS,
    STOPWORDS_DA,
    STOPWORDS_EN,
)
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import (
    QA,
    Background,
    Contact,
    Event,
    Fact,
    Person,
    ProgrammeItem,
    Session,
    SpeakerRef,
)
from bot.understanding.text import Vocabulary, clean, stem, tokens

UnitKind = Literal["event", "item", "session", "person", "contact", "fact", "faq"]
UnitRef = Event | Background | ProgrammeItem | Session | Person | Contact | Fact | QA

TITLE, NAME, ROLE, KEYWORD, BODY = 3.0, 2.5, 2.0, 2.0, 1.0
PARTIAL = 0.6
MIN_PARTIAL = 4
# A unit must match at least this well (a title or name word, roughly) to be what is asked about.
UNIT_THRESHOLD = 2.0


def words_of(text: str | None) -> list[str]:
    """Tokens of a knowledge text, in the same form as a question's."""
    return tokens(clean(text)) if text else []


@dataclass
class Unit:
    """One answerable piece of a source, with weighted stems."""

    kind: UnitKind
    source_id: str
    ref: UnitRef
    weights: dict[str, float] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    qwords: set[str] = field(default_factory=set)

    def add(self, text: str | None, weight: float) -> None:
        for word in words_of(text):
            if word.isalpha():
                self.words.add(word)
            key = stem(word)
            if self.weights.get(key, 0.0) < weight:
                self.weights[key] = weight


def _add_speakers(unit: Unit, speakers: Iterable[SpeakerRef]) -> None:
    for speaker in speakers:
        unit.add(speaker.name, NAME)
        unit.add(speaker.role, ROLE)


def _units_of_event(event: Event) -> list[Unit]:
    units: list[Unit] = []
    head = Unit("event", event.id, event)
    for text, weight in (
        (event.title, TITLE),
        (event.subtitle, TITLE),
        (" ".join(event.aliases), TITLE),
        (event.event_type, TITLE),
        (event.organiser, ROLE),
        (event.audience, ROLE),
        (event.summary, BODY),
    ):
        head.add(text, weight)
    if event.venue:
        head.add(event.venue.name, ROLE)
        head.add(event.venue.address, ROLE)
        head.add(event.venue.online_details, BODY)
    units.append(head)
    for item in event.programme:
        unit = Unit("item", event.id, item)
        unit.add(item.title, TITLE)
        _add_speakers(unit, item.speakers)
        unit.add(item.description, BODY)
        unit.add(item.note, BODY)
        units.append(unit)
    for session in event.sessions:
        unit = Unit("session", event.id, session)
        unit.add(f"{session.kind} {session.key}", TITLE)
        unit.add(session.title, TITLE)
        _add_speakers(unit, session.speakers)
        unit.add(session.description, BODY)
        units.append(unit)
    for person in event.people:
        unit = Unit("person", event.id, person)
        unit.add(person.name, NAME)
        unit.add(person.role, ROLE)
        unit.add(person.organisation, ROLE)
        unit.add(person.about, BODY)
        units.append(unit)
    for contact in event.contacts:
        unit = Unit("contact", event.id, contact)
        unit.add(contact.name, NAME)
        unit.add(contact.role, ROLE)
        unit.add(" ".join(contact.emails), ROLE)
        units.append(unit)
    return units


def _name_texts(source: Event | Background) -> list[str | None]:
    texts: list[str | None] = [source.title, *source.aliases, source.organiser]
    if isinstance(source, Event):
        texts += [source.event_type]
        if source.venue is not None:
            texts += [source.venue.name, source.venue.address]
    return texts


def _units_of_notes(source: Event | Background) -> list[Unit]:
    units: list[Unit] = []
    for fact in source.facts:
        unit = Unit("fact", source.id, fact)
        unit.add(fact.topic, KEYWORD)
        unit.add(" ".join(fact.keywords), KEYWORD)
        unit.add(fact.text, BODY)
        units.append(unit)
    for qa in source.faq:
        unit = Unit("faq", source.id, qa)
        unit.qwords = {
            QUESTION_WORDS[w] for q in qa.questions for w in words_of(q)[:2] if w in QUESTION_WORDS
        }
        unit.add(" ".join(qa.questions), TITLE)
        unit.add(" ".join(qa.keywords), KEYWORD)
        unit.add(qa.answer, BODY)
        units.append(unit)
    return units


class StemSet:
    """A set of stems that also finds the compounds a stem starts or ends ("frokost" in
    "frokostpause", "pause" in "frokostpause"), but never the shorter word inside a longer one."""

    def __init__(self, stems: Iterable[str]) -> None:
        self.stems = sorted(set(stems))
        self._members = set(self.stems)
        self._reversed = sorted(s[::-1] for s in self.stems)

    def expand(self, key: str) -> list[tuple[str, float]]:
        """The stems ``key`` matches, with 1.0 for itself and PARTIAL for a compound."""
        found: list[tuple[str, float]] = [(key, 1.0)] if key in self._members else []
        if len(key) < MIN_PARTIAL or not key.isalpha():
            return found
        for ordered, probe, flip in ((self.stems, key, False), (self._reversed, key[::-1], True)):
            lo = bisect.bisect_left(ordered, probe)
            while lo < len(ordered) and ordered[lo].startswith(probe):
                if ordered[lo] != probe:
                    found.append((ordered[lo][::-1] if flip else ordered[lo], PARTIAL))
                lo += 1
        return found


class SourceIndex:
    """The units of one source and the stems they contain."""

    def __init__(self, source: Event | Background) -> None:
        self.source = source
        self.units = _units_of_event(source) if isinstance(source, Event) else []
        if isinstance(source, Background):
            head = Unit("event", source.id, source)
            head.add(source.title, TITLE)
            head.add(" ".join(source.aliases), TITLE)
            head.add(source.organiser, ROLE)
            head.add(source.summary, BODY)
            self.units.append(head)
        self.units.extend(_units_of_notes(source))
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, unit in enumerate(self.units):
            for key, weight in unit.weights.items():
                self.postings[key].append((i, weight))
        self.stems = StemSet(self.postings)
        n = len(self.units)
        self.idf = {k: math.log(1 + n / len(p)) for k, p in self.postings.items()}
        # The words that name the source itself (title, aliases, kind, place, organiser): a
        # question holding them is about the source, not about a part of it.
        self.names: frozenset[str] = frozenset(
            stem(word) for text in _name_texts(source) for word in words_of(text)
        )
        # What finds the source from a message: its names (and subtitle), weighted as in the
        # head unit; never its summary or audience ("Invitationen henvender sig til ..." does
        # not make every "Re: Invitationen" about that event).
        weights = self.units[0].weights if self.units else {}
        named = self.names | {stem(w) for w in words_of(getattr(source, "subtitle", None))}
        self.identity: dict[str, float] = {k: w for k, w in weights.items() if k in named}
        # The same without the kind of event ("temadag", "konference"): the words that say which
        # event, not that it is one.
        kind_words = {stem(w) for w in words_of(getattr(source, "event_type", None))}
        self.specific_names: frozenset[str] = frozenset(
            k for k in self.names if len(k) >= 4 and k not in kind_words and not k.isdigit()
        )
        if isinstance(source, Event):
            self.identity[str(source.start.year)] = TITLE

    def expand(self, key: str) -> list[tuple[str, float]]:
        """Stems of this source that ``key`` matches: itself, or compounds it starts or ends."""
        return self.stems.expand(key)

    def covers(self, key: str) -> bool:
        return bool(self.expand(key))

    def score_units(self, keys: Iterable[str]) -> dict[int, float]:
        """Relevance of each unit to the given stems, weighted by how rare each stem is."""
        scores: dict[int, float] = defaultdict(float)
        for key in set(keys):
            best: dict[int, float] = {}
            for matched, factor in self.expand(key):
                idf = self.idf[matched]
                for i, weight in self.postings[matched]:
                    value = weight * factor * idf
                    if value > best.get(i, 0.0):
                        best[i] = value
            for i, value in best.items():
                scores[i] += value
        return scores


def _lexicon_words() -> set[str]:
    words: set[str] = set(STOPWORDS_DA) | set(STOPWORDS_EN) | set(QUESTION_WORDS) | DATE_WORDS
    for cue_words in CUES.values():
        words.update(cue_words)
    for english, danish in RELATED_WORDS.items():
        words.add(english)
        words.update(danish)
    words.update(ITEM_KIND_WORDS)
    words.update(PART_WORDS)
    words.update(SESSION_WORDS)
    return {w for word in words for w in tokens(word)}


LEXICON_WORDS = frozenset(_lexicon_words())
CUE_STEMS: dict[str, frozenset[str]] = {
    intent: frozenset(stem(w) for word in words for w in tokens(word))
    for intent, words in CUES.items()
}
ALL_CUE_STEMS = frozenset(s for stems in CUE_STEMS.values() for s in stems)
STOP_STEMS = frozenset(stem(w) for w in STOPWORDS_DA | STOPWORDS_EN)


class KnowledgeIndex:
    """Indices for every source, the shared vocabulary, and what finds a source from a question.

    Sources are found by their names through an inverted index of identity words, so the cost
    of a question without an event follows the question, not the number of events.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.sources = {sid: SourceIndex(source) for sid, source in kb.sources.items()}
        words: set[str] = set(LEXICON_WORDS)
        self.identity_postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for sid, source_index in self.sources.items():
            for unit in source_index.units:
                words.update(unit.words)
            for key, weight in source_index.identity.items():
                self.identity_postings[key].append((sid, weight))
        self.vocabulary = Vocabulary(words)
        n = max(len(self.sources), 1)
        self.identity_idf = {k: math.log(1 + n / len(p)) for k, p in self.identity_postings.items()}
