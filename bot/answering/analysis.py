"""What a question names: its words in canonical form, its question word, times and days, the
kinds of programme item and the parts people play, and its topic words.

The kind of question comes from the classifier; this analysis finds what the question is about,
for matching against the knowledge. It does not look at any particular event. Everything here
works on the canonical form of the words, so "hvornaar" and "tilmeldningsfristen" are read as
"hvornår" and "tilmeldingsfristen", and an unknown compound is read as its parts
("velkomsttalen" as "velkomst talen").

A message is split into its question and its context. "Goddag. Jeg sidder i handicaprådet i
Thisted. Hvornår starter dagen?" asks when the day starts; Thisted is context. Context words help
to find the right item where the knowledge base knows them ("Jeg har læst at Ulrik Wilbek er med.
Hvornår kommer han på?").
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
    NEXT_PATTERNS,
    PART_WORDS,
    QUESTION_WORDS,
    RELATED_WORDS,
    RELATIVE_DAYS,
    SESSION_WORDS,
    SIGNUP_PATTERNS,
    START_PATTERNS,
    STOPWORDS_DA,
    STOPWORDS_EN,
    SUMMARY_PATTERNS,
    VENUE_PATTERNS,
    WHEN_PATTERNS,
)
from bot.knowledge.schema import ItemKind
from bot.understanding.segments import sentences
from bot.understanding.text import Vocabulary, clean, is_clock, stem, tokens

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
    r"\b(?:session|workshop|spor|sess|ws)(?:en|pen|s)?\s*(?:nr\.?\s*|nummer\s*)?(\d+|[a-h])\b"
)
# Yes/no questions start with a verb and a subject: "kan jeg ...", "er der ...", "is it ...".
_YES_NO = re.compile(
    r"^(kan|må|skal|er|bliver|får|findes|gælder|vil|har|can|is|are|do|does|will|may|should)"
    r" (jeg|man|vi|i|du|der|det|den|de|it|there|i|we|you|they)\b"
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
    "start": _compile(START_PATTERNS),
    "next": _compile(NEXT_PATTERNS),
    "summary": _compile(SUMMARY_PATTERNS),
}
_SESSION_STEMS = frozenset(stem(w) for w in SESSION_WORDS)
# Parts of the day, as the programme's clock times they cover.
DAYPARTS: dict[str, tuple[time, time]] = {
    "formiddag": (time(0, 0), time(12, 0)),
    "formiddagen": (time(0, 0), time(12, 0)),
    "morning": (time(0, 0), time(12, 0)),
    "eftermiddag": (time(12, 0), time(23, 59)),
    "eftermiddagen": (time(12, 0), time(23, 59)),
    "afternoon": (time(12, 0), time(23, 59)),
}


@dataclass
class Query:
    """A question taken apart."""

    text: str
    words: list[str]
    stems: list[str]
    content: list[str] = field(default_factory=list)
    topic: list[tuple[str, ...]] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
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
    daypart: tuple[time, time] | None = None
    relative_day: int | None = None  # "i dag" 0, "i morgen" 1, "i går" -1
    asks: bool = False  # the message holds a question (a question word, "?", or "kan jeg …")

    @property
    def empty(self) -> bool:
        return not self.words

    def stems_asked(self) -> list[str]:
        """The stems a unit of knowledge should hold: the topic words and the kinds of item."""
        return [k for alternatives in self.topic for k in alternatives] + [
            key for key, _kind in self.kind_words
        ]

    def has(self, intent: str) -> bool:
        return self.cues.get(intent, 0) > 0 or intent in self.patterns


def _canonical_words(text: str, vocabulary: Vocabulary) -> list[str]:
    words: list[str] = []
    for token in tokens(text):
        known = vocabulary.canonical(token)
        if known is not None:
            words.append(known)
            continue
        parts = vocabulary.split_compound(token)
        words.extend(parts if parts else (token,))
    return words


def _focus(sentences: list[tuple[list[str], bool]]) -> tuple[list[str], list[str], bool]:
    """The question's words and the context's words of a message, and whether it asks."""
    question: list[str] = []
    context: list[str] = []
    for words, asks in sentences:
        start = next((i for i, w in enumerate(words) if w in QUESTION_WORDS), None)
        if start is not None and start == len(words) - 1:
            start = 0  # "kaffepause hvornår": the question word comes last
        if start is not None:
            context.extend(words[:start])
            question.extend(words[start:])
        elif asks:
            question.extend(words)
        else:
            context.extend(words)
    if not question:  # a statement ("tilmeld mig", "program") is the whole message
        return context, [], False
    return question, context, True


_RELATIVE_DAYS = tuple((offset, re.compile(pattern)) for offset, pattern in RELATIVE_DAYS)


def analyse(question: str, vocabulary: Vocabulary) -> Query:
    """Take a question apart into canonical words, cues and topic words."""
    text = clean(question)
    read: list[tuple[list[str], bool]] = []
    for part in sentences(text):
        words = _canonical_words(part, vocabulary)
        if words:
            joined = " ".join(words)
            asks = part.rstrip().endswith("?") or bool(_YES_NO.match(joined))
            asks = asks or any(p.search(joined) for p in _PATTERNS["when"])
            read.append((words, asks))
    all_words = [w for words, _asks in read for w in words]
    focus, context, asks = _focus(read)
    focus_text = " ".join(focus)
    query = Query(text=focus_text, words=focus, stems=[stem(w) for w in focus], asks=asks)
    if not all_words:
        return query

    cues: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str]] = set()
    for word, key in zip(focus, query.stems, strict=True):
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
        if word in SESSION_WORDS or key in _SESSION_STEMS:
            query.mentions_session = True
    query.cues = dict(cues)
    phrase_words: set[int] = set()  # words inside a recognised phrase are not topics
    starts = [0]
    for word in focus[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    for name, compiled in _PATTERNS.items():
        for pattern in compiled:
            for match in pattern.finditer(focus_text):
                query.patterns.add(name)
                phrase_words.update(
                    i for i, at in enumerate(starts) if match.start() <= at < match.end()
                )
    # "Min mand er indlagt, så jeg kommer ikke. Vil I fjerne mig?": a signup or cancellation
    # stated before a yes/no question is what the message is about; before a "who/when"
    # question it is only context.
    if not any(w in QUESTION_WORDS for w in focus):
        whole = " ".join(all_words)
        for name in ("signup", "cancel"):
            if any(p.search(whole) for p in _PATTERNS[name]):
                query.patterns.add(name)
    for name in ("start", "next", "summary"):
        if name in query.patterns:
            query.cues[name] = query.cues.get(name, 0) + 1

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

    all_text = " ".join(all_words)
    session = _SESSION_REF.search(focus_text) or _SESSION_REF.search(all_text)
    if session:
        key = session.group(1)
        query.session_key = key.upper() if key.isalpha() else key
    query.clock = _clock(tokens(focus_text), focus_text)

    for word in all_words:
        if word.isdigit() and len(word) == 4:
            query.identity.append(word)  # a year names an event
            query.dates.append(word)
    for i, word in enumerate(focus):
        _classify(query, word, in_focus=True, in_phrase=i in phrase_words)
    for word in context:
        _classify(query, word, in_focus=False)
    if "summary" in query.patterns:  # "meningen med temadagen" asks for the purpose
        query.topic = [t for t in query.topic if not t[0].startswith("mening")]
    query.daypart = next((DAYPARTS[w] for w in focus if w in DAYPARTS), None)
    query.relative_day = next(
        (offset for offset, pattern in _RELATIVE_DAYS if pattern.search(focus_text)), None
    )
    return query


def _is_filler(word: str, key: str) -> bool:
    # Snowball stems "morgen" to "morg" but "morgenen" to "morgen"; stemming twice meets them.
    return (
        word in STOPWORDS_DA or word in STOPWORDS_EN or key in STOP_STEMS or stem(key) in STOP_STEMS
    )


def _classify(query: Query, word: str, in_focus: bool, in_phrase: bool = False) -> None:
    """Sort one word into identity, topic, context, dates or nothing."""
    key = stem(word)
    if word in DATE_WORDS:
        query.dates.append(key)
        return
    if word.isdigit() or is_clock(word) or len(word) < 2:
        return
    related = tuple(stem(d) for d in RELATED_WORDS.get(word, ()))
    query.identity.extend(r for r in related if r in EVENT_TYPE_WORDS)
    if key in EVENT_TYPE_WORDS:
        query.identity.append(key)
    if _is_filler(word, key):
        return
    query.identity.append(key)
    alternatives = (key, *related)
    if not in_focus:
        if key not in ALL_CUE_STEMS:
            query.context.extend(alternatives)
        return
    query.content.extend(alternatives)
    # Topic words must be found in the knowledge; cue words and phrases only say what is asked,
    # and a word for a kind of item ("frokost") is covered by an item of that kind.
    if key not in ALL_CUE_STEMS and word not in ITEM_KIND_WORDS and not in_phrase:
        query.topic.append(alternatives)


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
