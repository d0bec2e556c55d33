"""The answering core: (question, event or none, language, now) -> what is true, or a hand-off.

How an answer is found:

1. The question is analysed (``analysis``): canonical words, intent cues, times, topic words.
2. The event is the one given, or found from the question: its name, place, year or organiser,
   or else the only event whose knowledge covers the question. When several fit, the answer says
   so and names them instead of guessing.
3. Every topic word must be found in that event's knowledge (or its background). A question about
   something the knowledge base never mentions (wifi, parking, an interpreter) is handed to staff.
4. The intent decides which structured fact answers it, and ``compose`` turns that fact into a
   sentence. When the fact is missing (no price given), the question is handed to staff too.

Nothing here knows about Telegram or e-mail; channels call :meth:`Answerer.answer`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.answering import compose
from bot.answering.analysis import Query, analyse
from bot.answering.index import KnowledgeIndex, SourceIndex, Unit
from bot.i18n import Lang
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
)

# A unit must match at least this well (a title or name word, roughly) to be what is asked about.
UNIT_THRESHOLD = 2.0
# Intents that are about the event as a whole; their cue outweighs a weak match on some item.
# Beyond this many candidate events, comparing their programmes is not worth it: ask instead.
MAX_COMPARED = 50
MAX_CANDIDATES = 6
EVENT_TOPICS = ("deadline", "price", "contact", "audience", "organiser", "capacity")


@dataclass(frozen=True)
class Answer:
    """What the core says about one question."""

    event: str | None
    intent: str
    text: str
    escalate: bool
    confidence: float
    candidates: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "event": self.event,
            "intent": self.intent,
            "answer": self.text,
            "escalate": self.escalate,
            "confidence": round(self.confidence, 3),
        }


class Answerer:
    """Answers questions from one loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.index = KnowledgeIndex(kb)

    # -- entry point -------------------------------------------------------------------------

    def answer(self, question: str, event: str | None, lang: Lang, now: datetime) -> Answer:
        """Answer one question; ``event`` is the slug the conversation is about, if any."""
        query = analyse(question, self.index.vocabulary)
        source = self.kb.get(event) if event else None
        if query.empty:
            return Answer(event, "empty", compose.empty_text(lang), False, 1.0)
        if _is_smalltalk(query):
            text = compose.thanks_text(lang) if query.has("thanks") else compose.greeting_text(lang)
            return Answer(event if source else None, "smalltalk", text, False, 0.9)
        if source is None:
            return self._without_event(query, lang, now)
        return self._about(source, query, lang, now)

    # -- finding the event -------------------------------------------------------------------

    def _without_event(self, query: Query, lang: Lang, now: datetime) -> Answer:
        chosen, candidates = self._resolve(query, now)
        if chosen is not None:
            answer = self._about(chosen, query, lang, now)
            return Answer(
                answer.event,
                answer.intent,
                answer.text,
                answer.escalate,
                answer.confidence * 0.9,
            )
        if not candidates:
            return self._escalate(None, "unknown", lang)
        events = [c for c in candidates if isinstance(c, Event)]
        if not events:
            return self._escalate(None, "unknown", lang)
        intent = _event_intent(query) or "which_event"
        if intent in EVENT_TOPICS or intent in ("date", "venue", "start", "end"):
            # Only events that can answer the question compete; if one is left, it is the one.
            known = [e for e in events if _states(e, intent)]
            if len(known) == 1:
                return self._about(known[0], query, lang, now)
            events = known or events
        events = sorted(events, key=lambda e: abs((e.start - now).total_seconds()))
        events = events[:MAX_CANDIDATES]
        details = [self._detail(e, intent, lang, now) for e in events]
        text = compose.candidates_answer(events, lang, details)
        return Answer(None, intent, text, False, 0.5, tuple(e.id for e in events))

    def _resolve(
        self, query: Query, now: datetime
    ) -> tuple[Event | Background | None, list[Event | Background]]:
        """The source a question is about, or the candidates when it is not clear."""
        scores: dict[str, float] = defaultdict(float)
        for key in set(query.identity):
            idf = self.index.identity_idf.get(key, 0.0)
            for sid, weight in self.index.identity_postings.get(key, ()):
                scores[sid] += weight * idf
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if (
            ranked
            and ranked[0][1] >= 2.5
            and (len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1])
        ):
            return self.kb.sources[ranked[0][0]], []
        covering = [self.kb.sources[sid] for sid in sorted(self._covering(query))]
        if ranked:
            top = ranked[0][1]
            named = {sid for sid, s in ranked if s >= 0.6 * top}
            narrowed = [s for s in covering if s.id in named]
            covering = narrowed or covering
        if len(covering) == 1:
            return covering[0], []
        if _topic_keys(query) and 1 < len(covering) <= MAX_COMPARED:
            best = self._best_by_units(query, covering)
            if best is not None:
                return best, []
        upcoming: list[Event | Background] = [
            s for s in covering if isinstance(s, Event) and s.end >= now
        ]
        if len(upcoming) == 1 and not _topic_keys(query):
            return upcoming[0], []
        return None, (upcoming or covering)

    def _covering(self, query: Query) -> set[str]:
        """Ids of the sources whose knowledge covers every topic word of the question."""
        found = set(self.kb.sources)
        for alternatives in query.topic:
            found &= set().union(*(self.index.sources_covering(k) for k in alternatives))
        for key, kind in query.kind_words:
            found &= self.index.kind_sources.get(kind, set()) | self.index.sources_covering(key)
        return found

    def _best_by_units(
        self, query: Query, sources: Sequence[Event | Background]
    ) -> Event | Background | None:
        best: list[tuple[float, Event | Background]] = []
        for source in sources:
            scores = self.index.sources[source.id].score_units(_topic_keys(query))
            best.append((max(scores.values(), default=0.0), source))
        best.sort(key=lambda t: -t[0])
        if (
            best
            and best[0][0] >= UNIT_THRESHOLD
            and (len(best) == 1 or best[0][0] >= 1.5 * best[1][0])
        ):
            return best[0][1]
        return None

    def _detail(self, event: Event, intent: str, lang: Lang, now: datetime) -> str | None:
        """The one fact per candidate that lets the participant see which event is which."""
        builders: dict[str, Callable[[], str | None]] = {
            "deadline": lambda: compose.deadline_short(event, lang),
            "price": lambda: compose.price_answer(event, lang),
            "venue": lambda: compose.place_text(event, lang),
            "contact": lambda: compose.contact_line(event.contacts, lang) or None,
            "audience": lambda: event.audience,
        }
        build = builders.get(intent)
        if build is None:
            return compose.event_when(event, lang)
        return build()

    # -- answering about one source ----------------------------------------------------------

    def _indices(self, source: Event | Background) -> list[SourceIndex]:
        indices = [self.index.sources[source.id]]
        if isinstance(source, Event):
            indices += [self.index.sources[b] for b in source.background]
        return indices

    def _about(self, source: Event | Background, query: Query, lang: Lang, now: datetime) -> Answer:
        indices = self._indices(source)
        uncovered = _uncovered(query, indices)
        # A plain "I'd like to sign up, and bring my dog" is still a signup; a question with
        # words the knowledge base does not know is a question for staff.
        asks = query.qword is not None or query.text.rstrip().endswith("?")
        if isinstance(source, Event) and not (uncovered and asks):
            if "deadline" in query.patterns:
                return self._topic(source, "deadline", query, lang, now)
            if "cancel" in query.patterns or (query.has("cancel") and not query.qword):
                return Answer(source.id, "cancel", compose.cancel_answer(source, lang), False, 0.9)
            if "signup" in query.patterns or (
                query.has("signup") and not query.qword and not query.topic
            ):
                return Answer(
                    source.id, "signup", compose.signup_answer(source, lang, now), False, 0.9
                )
        if uncovered:
            return self._escalate(source.id, "unknown", lang)
        faq = self._faq(indices, query)
        if faq is not None:
            qa, score = faq
            return Answer(source.id, "faq", compose.faq_answer(qa, lang), False, min(1.0, score))
        if isinstance(source, Background):
            return self._from_notes(source, indices, query, lang)
        return self._about_event(source, indices, query, lang, now)

    def _about_event(
        self,
        event: Event,
        indices: list[SourceIndex],
        query: Query,
        lang: Lang,
        now: datetime,
    ) -> Answer:
        topic = _event_intent(query)
        if topic in EVENT_TOPICS:
            return self._topic(event, topic, query, lang, now)
        if query.session_key is not None:
            session = next((s for s in event.sessions if s.key == query.session_key), None)
            if session is None:
                return self._escalate(event.id, "sessions", lang)
            return self._unit_answer(event, session, query, lang, 1.0)
        at = self._programme_at(event, query, lang, now)
        if at is not None:
            return at
        if query.mentions_session and not _topic_keys(query) and event.sessions:
            holder = next((i for i in event.programme if i.sessions), None)
            if holder is not None and (query.qword == "when" or query.has("start")):
                return Answer(
                    event.id, "sessions", compose.item_when_answer(event, holder, lang), False, 0.9
                )
            return self._topic(event, "sessions", query, lang, now)
        if (
            query.topic
            and _holds_all(indices[0], indices[0].units[0], query)
            and (query.qword in ("when", "where") or topic in ("date", "start", "end", "venue"))
        ):
            # "When is the conference on the future of the social area?" names the event itself.
            return self._topic(
                event, topic or ("venue" if query.qword == "where" else "date"), query, lang, now
            )
        unit, score = self._best_unit(indices[0], query)
        if unit is not None and score >= UNIT_THRESHOLD and _holds_all(indices[0], unit, query):
            return self._unit_answer(event, unit.ref, query, lang, min(1.0, score / 6))
        if topic is not None:
            return self._topic(event, topic, query, lang, now)
        if _topic_keys(query):
            notes = self._from_notes(event, indices, query, lang)
            if not notes.escalate:
                return notes
        if query.qword == "when":
            return Answer(event.id, "date", compose.date_answer(event, lang), False, 0.8)
        if query.qword == "where":
            return self._topic(event, "venue", query, lang, now)
        return self._escalate(event.id, "unknown", lang)

    def _topic(self, event: Event, topic: str, query: Query, lang: Lang, now: datetime) -> Answer:
        text: str | None
        if topic == "deadline":
            text = compose.deadline_answer(event, lang, now)
        elif topic == "price":
            text = compose.price_answer(event, lang)
        elif topic == "contact":
            text = compose.contact_answer(event, lang, self._named_contacts(event, query))
        elif topic == "audience":
            text = compose.audience_answer(event, lang)
        elif topic == "organiser":
            text = compose.organiser_answer(event, lang)
        elif topic == "capacity":
            text = compose.capacity_answer(event, lang)
        elif topic == "venue":
            text = compose.venue_answer(event, lang)
        elif topic == "date":
            text = compose.date_answer(event, lang)
        elif topic == "start":
            text = compose.start_answer(event, lang)
        elif topic == "end":
            text = compose.end_answer(event, lang)
        elif topic == "arrival":
            text = compose.arrival_answer(event, lang)
        elif topic == "programme":
            text = compose.programme_answer(event, lang)
        elif topic == "sessions":
            text = compose.sessions_answer(event, lang)
        elif topic == "summary":
            text = compose.summary_answer(event, lang)
        else:
            text = None
        if text is None:
            return self._escalate(event.id, topic, lang)
        return Answer(event.id, topic, text, False, 0.9)

    def _named_contacts(self, event: Event, query: Query) -> list[Contact]:
        if not query.topic:
            return []
        scores = self.index.sources[event.id].score_units(_topic_keys(query))
        units = self.index.sources[event.id].units
        return [
            ref
            for i, s in scores.items()
            if s >= UNIT_THRESHOLD and isinstance(ref := units[i].ref, Contact)
        ]

    # -- programme by time -------------------------------------------------------------------

    def _programme_at(self, event: Event, query: Query, lang: Lang, now: datetime) -> Answer | None:
        items = sorted(event.programme, key=lambda i: i.start)
        if not items:
            return None
        if query.clock is not None and not _topic_keys(query):
            current = [i for i in items if i.start <= query.clock]
            if not current:
                text = compose.programme_starts(event, items[0], lang)
                return Answer(event.id, "programme_at", text, False, 0.8)
            item = current[-1]
            return Answer(
                event.id,
                "programme_at",
                compose.item_at_answer(event, item, lang, _topic_keys(query)),
                False,
                0.9,
            )
        wants_now, wants_next = query.has("now"), query.has("next")
        if (wants_now or wants_next) and not _topic_keys(query):
            local = now.astimezone(event.start.tzinfo)
            if local.date() != event.day:
                text = compose.not_today(event, items[0], lang)
                return Answer(event.id, "programme_now", text, False, 0.8)
            started = [i for i in items if event.item_start(i) <= local]
            upcoming = [i for i in items if event.item_start(i) > local]
            if wants_next:
                if not upcoming:
                    text = compose.no_more_items(lang)
                    return Answer(event.id, "programme_next", text, False, 0.8)
                text = compose.item_at_answer(event, upcoming[0], lang, ())
                return Answer(event.id, "programme_next", text, False, 0.9)
            if not started:
                text = compose.programme_starts(event, items[0], lang)
            else:
                text = compose.item_at_answer(event, started[-1], lang, ())
            return Answer(event.id, "programme_now", text, False, 0.9)
        if (query.has("after") or query.has("before")) and _topic_keys(query):
            unit, score = self._best_unit(self.index.sources[event.id], query, kinds=("item",))
            if unit is None or score < UNIT_THRESHOLD or not isinstance(unit.ref, ProgrammeItem):
                return None
            position = items.index(unit.ref)
            step = 1 if query.has("after") else -1
            if 0 <= position + step < len(items):
                other = items[position + step]
                return Answer(
                    event.id,
                    "programme_at",
                    compose.item_at_answer(event, other, lang, ()),
                    False,
                    0.85,
                )
        return None

    # -- units -------------------------------------------------------------------------------

    def _best_unit(
        self,
        index: SourceIndex,
        query: Query,
        kinds: Sequence[str] = ("item", "session", "person", "contact", "fact", "faq"),
    ) -> tuple[Unit | None, float]:
        scores = index.score_units(_topic_keys(query))
        if query.kinds:  # "when is lunch?" is about the meal item, whatever it is called
            for i, unit in enumerate(index.units):
                if isinstance(unit.ref, ProgrammeItem) and unit.ref.kind in query.kinds:
                    scores[i] = scores.get(i, 0.0) + 3.0
        best: tuple[Unit | None, float] = (None, 0.0)
        for i, score in scores.items():
            unit = index.units[i]
            if unit.kind not in kinds:
                continue
            if query.qword == "who":
                # Asked who, an item that names nobody is a poor answer; a person a good one.
                if unit.kind == "person":
                    score += 0.5
                elif isinstance(unit.ref, ProgrammeItem | Session) and not unit.ref.speakers:
                    score *= 0.5
            if score > best[1]:
                best = (unit, score)
        return best

    def _unit_answer(
        self, event: Event, ref: object, query: Query, lang: Lang, confidence: float
    ) -> Answer:
        keys = _topic_keys(query)
        qword = query.qword
        if isinstance(ref, ProgrammeItem):
            if qword == "who" or query.parts:
                text = compose.item_who_answer(event, ref, lang, query.parts)
                if text is None:
                    return self._escalate(event.id, "who", lang)
                return Answer(event.id, "who", text, False, confidence)
            if qword in ("when", None) or query.has("start") or query.has("end"):
                return Answer(
                    event.id,
                    "programme_item",
                    compose.item_when_answer(event, ref, lang),
                    False,
                    confidence,
                )
            return Answer(
                event.id,
                "programme_item",
                compose.item_at_answer(event, ref, lang, keys),
                False,
                confidence,
            )
        if isinstance(ref, Session):
            if qword == "when":
                holder = next((i for i in event.programme if ref.key in i.sessions), None)
                if holder is None:
                    return self._escalate(event.id, "sessions", lang)
                return Answer(
                    event.id,
                    "sessions",
                    compose.item_when_answer(event, holder, lang),
                    False,
                    confidence,
                )
            text = compose.session_answer(ref, lang, keys, query.parts)
            return Answer(
                event.id, "who" if qword == "who" else "sessions", text, False, confidence
            )
        if isinstance(ref, Person):
            named = _names_person(ref, query)
            if qword == "when":
                slots = [i for i in event.programme if any(s.name == ref.name for s in i.speakers)]
                if slots:
                    return Answer(
                        event.id,
                        "programme_item",
                        compose.item_when_answer(event, slots[0], lang),
                        False,
                        confidence,
                    )
            return Answer(
                event.id, "who", compose.person_answer(ref, lang, named), False, confidence
            )
        if isinstance(ref, Contact):
            return Answer(
                event.id,
                "contact",
                compose.contact_answer(event, lang, [ref]) or "",
                False,
                confidence,
            )
        if isinstance(ref, Fact):
            return Answer(event.id, "fact", compose.fact_answer(ref, keys), False, confidence)
        if isinstance(ref, QA):
            return Answer(event.id, "faq", compose.faq_answer(ref, lang), False, confidence)
        return self._escalate(event.id, "unknown", lang)

    def _faq(self, indices: list[SourceIndex], query: Query) -> tuple[QA, float] | None:
        """A curated question-and-answer entry that matches the question closely."""
        keys = set(query.content)
        if not keys:
            return None
        best: tuple[QA, float] | None = None
        for index in indices:
            scores = index.score_units(keys)
            for i, score in scores.items():
                unit = index.units[i]
                if unit.kind != "faq" or not isinstance(unit.ref, QA):
                    continue
                covered = sum(1 for k in keys if _unit_has(index, i, k)) / len(keys)
                if (
                    covered >= 0.75
                    and score >= 2 * UNIT_THRESHOLD
                    and (best is None or score > best[1])
                ):
                    best = (unit.ref, score / 8)
        return best

    def _from_notes(
        self, source: Event | Background, indices: list[SourceIndex], query: Query, lang: Lang
    ) -> Answer:
        """Answer from facts and Q&A entries (background sources, or an event's own notes)."""
        keys = _topic_keys(query) or query.content
        best: tuple[Fact | QA, float, SourceIndex] | None = None
        for index in indices:
            for i, score in index.score_units(keys).items():
                unit = index.units[i]
                if (
                    isinstance(unit.ref, Fact | QA)
                    and (best is None or score > best[1])
                    and _holds_all(index, unit, query)
                ):
                    best = (unit.ref, score, index)
        if best is None or best[1] < UNIT_THRESHOLD:
            return self._escalate(source.id, "unknown", lang)
        ref, score, index = best
        if isinstance(ref, QA):
            text = compose.faq_answer(ref, lang)
        else:
            text = compose.fact_answer(ref, keys)
        if index.source.id != source.id:
            text += f" ({index.source.title})"
        return Answer(source.id, "fact", text, False, min(1.0, score / 6))

    def _escalate(self, event: str | None, intent: str, lang: Lang) -> Answer:
        return Answer(event, intent, compose.escalation_text(lang), True, 0.0)


# -- helpers on queries ------------------------------------------------------------------------


def _topic_keys(query: Query) -> list[str]:
    """The stems to look for in the knowledge: topic words, their related words, item kinds."""
    keys = [k for alternatives in query.topic for k in alternatives]
    return keys + [key for key, _kind in query.kind_words]


def _uncovered(query: Query, indices: Sequence[SourceIndex]) -> list[str]:
    """Topic words of the question that none of the given sources mention.

    A word for a kind of programme item ("lunch") is covered by an item of that kind too.
    """
    missing = []
    for alternatives in query.topic:
        if not any(index.covers(k) for index in indices for k in alternatives):
            missing.append(alternatives[0])
    kinds = {
        item.kind
        for index in indices
        if isinstance(index.source, Event)
        for item in index.source.programme
    }
    for key, kind in query.kind_words:
        if kind not in kinds and not any(index.covers(key) for index in indices):
            missing.append(key)
    return missing


def _holds_all(index: SourceIndex, unit: Unit, query: Query) -> bool:
    """Whether one unit (with its event's name and place) mentions every topic word together.

    Words scattered over several items ("meningen" here, "livet" there) do not make an answer.
    """
    position = index.units.index(unit)
    return all(
        any(_unit_has(index, position, k) or _unit_has(index, 0, k) for k in alternatives)
        for alternatives in query.topic
    )


def _unit_has(index: SourceIndex, unit: int, key: str) -> bool:
    return any(any(i == unit for i, _w in index.postings[m]) for m, _f in index.expand(key))


def _names_person(person: Person, query: Query) -> bool:
    from bot.answering.index import words_of
    from bot.answering.text import stem

    name = {stem(w) for w in words_of(person.name)}
    return bool(name & set(query.stems))


def _states(event: Event, intent: str) -> bool:
    """Whether the event's knowledge states the fact an event-level intent asks for."""
    registration = event.registration
    facts = {
        "deadline": registration is not None and registration.deadline is not None,
        "price": registration is not None and registration.price is not None,
        "capacity": registration is not None and registration.capacity is not None,
        "venue": event.venue is not None,
        "contact": bool(event.contacts) or bool(registration and registration.email),
        "audience": event.audience is not None,
    }
    return facts.get(intent, True)


def _is_smalltalk(query: Query) -> bool:
    if not (query.has("greeting") or query.has("thanks")):
        return False
    return (
        not query.topic
        and not query.qword
        and not (query.patterns & {"signup", "cancel", "deadline"})
        and sum(query.cues.get(i, 0) for i in ("greeting", "thanks")) >= len(query.content) - 1
    )


def _event_intent(query: Query) -> str | None:
    """The event-level topic a question asks about, strongest cue first."""
    for pattern in ("deadline", "audience", "date"):
        if pattern in query.patterns:
            return pattern
    order = (
        "deadline",
        "price",
        "contact",
        "audience",
        "organiser",
        "capacity",
        "arrival",
        "end",
        "start",
        "venue",
        "programme",
        "sessions",
        "summary",
        "date",
    )
    present = [i for i in order if query.cues.get(i)]
    if not present:
        return None
    if "venue" in present and "contact" in present and query.qword != "where":
        present.remove("venue")
    if "date" in present and len(present) > 1:
        present.remove("date")
    if (
        "deadline" in present
        and query.cues.get("deadline", 0) == 1
        and not any(
            w in query.words
            for w in (
                "frist",
                "fristen",
                "tilmeldingsfrist",
                "tilmeldingsfristen",
                "senest",
                "deadline",
            )
        )
    ):
        present.remove("deadline")
    return present[0] if present else None
