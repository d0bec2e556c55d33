"""What a question asks: its words in canonical form, intent cues, times, and topic words.

The analysis does not look at any particular event; deciding what is covered and what the answer
is happens in ``core``. Everything here works on the canonical form of the words, so "hvornaar"
and "tilmeldningsfristen" are read as "hvornår" and "tilmeldingsfristen".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from bot.answering.index import ALL_CUE_STEMS, CUE_STEMS, STOP_STEMS
from bot.answering.lexicon import (
    ABBREVIATION_PATTERNS,
    AUDIENCE_PATTERNS,
    CANCEL_PATTERNS,
    DATE_PATTERNS,
    DATE_WORDS,
    DEADLINE_PATTERNS,
    DECLINE_PATTERNS,
    HOW_MANY_PATTERNS,
    ITEM_KIND_WORDS,
    PART_WORDS,
    QUESTION_WORDS,
    RELATED_WORDS,
    SESSION_WORDS,
    SIGNUP_PATTERNS,
    STOPWORDS_DA,
    STOPWORDS_EN,
    VENUE_PATTERNS,
    WHEN_PATTERNS,
)
from bot.answering.text import Vocabulary, clean, is_clock, stem, tokens
from bot.knowledge.schema import ItemKind

# Words that name the kind of event: no topic in context, but they help to find the event.
EVENT_TYPE_WORDS = frozenset(
    stem(w)
    for w in (
        "temadag",
        "konference",
        "visionsdag",
        "dialogmøde",
        "seminar",
        "møde",
        "webinar",
        "socialaftale",
        "rammeaftale",
    )
)
_SESSION_REF = re.compile(
    r"\b(?:session|workshop|spor)(?:en|pen|s)?\s*(?:nr\.?\s*|nummer\s*)?(\d+|[a-h])\b"
)
_CLOCK_AFTER_KL = re.compile(r"\b(?:kl|klokken|at)\.?\s*(\d{1,2})(?:[.:](\d{2}))?\b")


def _compile(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


_PATTERNS = {
    "signup": _compile(SIGNUP_PATTERNS),
    "cancel": _compile(CANCEL_PATTERNS),
    "deadline": _compile(DEADLINE_PATTERNS),
    "decline": _compile(DECLINE_PATTERNS),
    "date": _compile(DATE_PATTERNS),
    "audience": _compile(AUDIENCE_PATTERNS),
    "venue": _compile(VENUE_PATTERNS),
    "when": _compile(WHEN_PATTERNS),
    "how_many": _compile(HOW_MANY_PATTERNS),
    "abbreviation": _compile(ABBREVIATION_PATTERNS),
}


@dataclass
class Query:
    """A question taken apart."""

    text: str
    words: list[str]
    stems: list[str]
    content: list[str] = field(default_factory=list)
    topic: list[tuple[str, ...]] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)
    cues: dict[str, int] = field(default_factory=dict)
    patterns: set[str] = field(default_factory=set)
    qword: str | None = None
    clock: time | None = None
    kinds: set[ItemKind] = field(default_factory=set)
    kind_words: list[tuple[str, ItemKind]] = field(default_factory=list)
    parts: set[str] = field(default_factory=set)
    dates: list[str] = field(default_factory=list)
    session_key: str | None = None
    mentions_session: bool = False

    @property
    def empty(self) -> bool:
        return not self.words

    def has(self, intent: str) -> bool:
        return self.cues.get(intent, 0) > 0 or intent in self.patterns


def analyse(question: str, vocabulary: Vocabulary) -> Query:
    """Take a question apart into canonical words, cues and topic words."""
    text = clean(question)
    raw = tokens(text)
    words = [vocabulary.canonical(w) or w for w in raw]
    canonical_text = " ".join(words)
    query = Query(text=canonical_text, words=words, stems=[stem(w) for w in words])

    cues: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str]] = set()
    for word, key in zip(words, query.stems, strict=True):
        for intent, stems in CUE_STEMS.items():
            if key in stems and (intent, key) not in seen:
                seen.add((intent, key))
                cues[intent] += 1
        if word in QUESTION_WORDS and query.qword is None:
            query.qword = QUESTION_WORDS[word]
        if word in ITEM_KIND_WORDS:
            kind = ITEM_KIND_WORDS[word]
            query.kinds.add(kind)
            for alternative in (word, *RELATED_WORDS.get(word, ())):
                query.kind_words.append((stem(alternative), kind))
        if word in PART_WORDS:
            query.parts.add(PART_WORDS[word])
        if word in SESSION_WORDS or key in {stem(w) for w in SESSION_WORDS}:
            query.mentions_session = True
    query.cues = dict(cues)
    for name, compiled in _PATTERNS.items():
        if any(p.search(canonical_text) for p in compiled):
            query.patterns.add(name)

    if "how_many" in query.patterns:
        query.qword = "how_many"
    elif "when" in query.patterns and query.qword in (None, "what", "which"):
        query.qword = "when"
    # "Who closes the day?" asks for the person of the closing item, not the time it ends.
    if query.qword == "who":
        for cue, kind in (
            ("end", ItemKind.CLOSING),
            ("start", ItemKind.WELCOME),
            ("arrival", ItemKind.ARRIVAL),
        ):
            if cue in query.cues:
                query.kinds.add(kind)
                query.kind_words.append((cue, kind))
                del query.cues[cue]

    session = _SESSION_REF.search(canonical_text)
    if session:
        query.session_key = (
            session.group(1).upper() if session.group(1).isalpha() else session.group(1)
        )
    query.clock = _clock(raw, canonical_text)

    for word, key in zip(words, query.stems, strict=True):
        if word.isdigit() and len(word) == 4:
            query.identity.append(word)  # a year names an event
            query.dates.append(word)
        if word in DATE_WORDS:
            query.dates.append(key)
            continue
        if word.isdigit() or is_clock(word) or len(word) < 2:
            continue
        related = tuple(stem(d) for d in RELATED_WORDS.get(word, ()))
        query.identity.extend(r for r in related if r in EVENT_TYPE_WORDS)
        if key in EVENT_TYPE_WORDS:
            query.identity.append(key)
        if word in STOPWORDS_DA or word in STOPWORDS_EN or key in STOP_STEMS:
            continue
        query.identity.append(key)
        alternatives = (key, *related)
        query.content.extend(alternatives)
        # Topic words must be found in the knowledge; cue words only say what is asked, and a
        # word for a kind of item ("frokost") is covered by an item of that kind.
        if key not in ALL_CUE_STEMS and word not in ITEM_KIND_WORDS:
            query.topic.append(alternatives)
    return query


def _clock(raw: list[str], text: str) -> time | None:
    for token in raw:
        if is_clock(token):
            hours, minutes = (int(x) for x in re.split(r"[.:]", token))
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
    match = _CLOCK_AFTER_KL.search(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    return None
