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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.answering import compose
from bot.answering.analysis import Query, analyse
from bot.answering.index import KEYWORD, MIN_PARTIAL, KnowledgeIndex, SourceIndex, Unit
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
# Words that stand for "how many" in the facts: participants, and numbers of them.
HOW_MANY_KEYS = ("deltag", "deltog", "antal", "ca")
# How well a question must name an event (title words, place, year) to be about it.
IDENTITY_MIN = 2.5
# Beyond this many candidate events, comparing their programmes is not worth it: ask instead.
MAX_COMPARED = 50
MAX_CANDIDATES = 6
# "What is on today?": the words that ask what happens on a day, not about something else.
HAPPENING_WORDS = frozenset({"sker", "foregår", "happens", "happening", "on", "going"})
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
        # Ask each candidate, nearest in time first; the ones that know the answer compete.
        events.sort(key=lambda e: abs((e.start - now).total_seconds()))
        answers: list[tuple[Event, Answer]] = []
        for event in events[:MAX_COMPARED]:
            answer = self._about(event, query, lang, now)
            if not answer.escalate:
                answers.append((event, answer))
            if len(answers) == MAX_CANDIDATES:
                break
        if not answers:
            return self._escalate(None, "unknown", lang)
        if len(answers) == 1:
            event, answer = answers[0]
            return Answer(event.id, answer.intent, answer.text, False, answer.confidence * 0.8)
        text = compose.candidates_answer(
            [e for e, _a in answers], lang, [_first_lines(a.text) for _e, a in answers]
        )
        intent = answers[0][1].intent
        return Answer(None, intent, text, False, 0.5, tuple(e.id for e, _a in answers))

    def _resolve(
        self, query: Query, now: datetime
    ) -> tuple[Event | Background | None, list[Event | Background]]:
        """The source a question is about, or the candidates when it is not clear."""
        ranked = self._identity_ranking(query)
        named = bool(ranked) and ranked[0][1] >= IDENTITY_MIN
        if named and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            return self.kb.sources[ranked[0][0]], []
        covering = [self.kb.sources[sid] for sid in sorted(self._covering(query))]
        if named:  # several events' names fit: only they compete
            top = ranked[0][1]
            close = {sid for sid, score in ranked if score >= 0.6 * top}
            covering = [s for s in covering if s.id in close] or covering
        # People ask about what is coming; past events compete only when nothing is.
        coming = [s for s in covering if not isinstance(s, Event) or s.end >= now]
        if any(isinstance(s, Event) for s in coming):
            covering = coming
        if len(covering) == 1:
            return covering[0], []
        if _topic_keys(query) and 1 < len(covering) <= MAX_COMPARED:
            best = self._best_by_units(query, covering)
            if best is not None:
                return best, []
        return None, covering

    def _identity_ranking(self, query: Query) -> list[tuple[str, float]]:
        """Sources by how well the question names them (title words, place, year, organiser)."""
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
            for sid, score in self._identity_ranking(analyse(text, self.index.vocabulary))
            if sid in self.kb.events
        ]
        if not ranked or ranked[0][1] < IDENTITY_MIN:
            return None
        if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
            return None
        return ranked[0][0]

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
        """The one source whose own text is about the question's words, if only one is.

        "Hvornår er plenum?" is about the day whose programme says "Plenum", not about another
        that merely has a closing discussion; but lunch on two days is lunch on two days.
        """
        keys = _match_keys(query)
        strong = [
            source
            for source in sources
            if max(self.index.sources[source.id].score_units(keys).values(), default=0.0)
            >= UNIT_THRESHOLD
        ]
        return strong[0] if len(strong) == 1 else None

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
        if isinstance(source, Event) and not (uncovered and query.asks):
            if "deadline" in query.patterns:
                return self._topic(source, "deadline", query, lang, now)
            if "cancel" in query.patterns or (query.has("cancel") and not query.qword):
                return Answer(source.id, "cancel", compose.cancel_answer(source, lang), False, 0.9)
            topic = _event_intent(query)
            plain_signup = query.has("signup") and not query.topic and topic not in EVENT_TOPICS
            # "Who do I send my signup to?" and "how do I sign up?" are answered by how to sign up.
            how_to = query.qword in ("who", "how", "where") and "audience" not in query.patterns
            if "signup" in query.patterns or (plain_signup and (not query.qword or how_to)):
                return Answer(
                    source.id, "signup", compose.signup_answer(source, lang, now), False, 0.9
                )
        if uncovered or "abbreviation" in query.patterns:
            return self._escalate(source.id, "unknown", lang)
        # The source's own curated answers first; its background is consulted after its facts.
        faq = self._faq(indices[:1], query)
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
        if query.relative_day is not None and _asks_which_day(query, topic):
            if query.qword == "what":  # "hvad sker der i dag?": the day's programme, if it is
                if compose.days_until(event, now) == query.relative_day and event.end > now:
                    return self._topic(event, "programme", query, lang, now)
                return Answer(event.id, "date", compose.date_answer(event, lang, now), False, 0.8)
            text = compose.relative_day_answer(event, query.relative_day, lang, now)
            return Answer(event.id, "date", text, False, 0.9)
        if topic in EVENT_TOPICS:
            return self._topic(event, topic, query, lang, now)
        if query.qword == "how_many" or topic == "summary":
            # "How many came?", "what was the main point?": a stated fact, or nothing.
            notes = self._from_notes(event, indices, query, lang, with_cues=True)
            if not notes.escalate or query.qword == "how_many":
                return notes
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
            choosing = any(w in query.words for w in ("vælge", "vælger", "choose", "valg"))
            if (
                holder is not None
                and not choosing
                and (query.qword == "when" or query.has("start"))
            ):
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
            return Answer(event.id, "date", compose.date_answer(event, lang, now), False, 0.8)
        if query.qword == "where":
            return self._topic(event, "venue", query, lang, now)
        return self._escalate(event.id, "unknown", lang)

    def _topic(self, event: Event, topic: str, query: Query, lang: Lang, now: datetime) -> Answer:
        """Answer an event-level intent from the event's structured facts, or hand it over."""
        text: str | None
        if topic == "contact":  # a contact the question names, else all of them
            text = compose.contact_answer(event, lang, self._named_contacts(event, query))
        else:
            build = compose.TOPIC_ANSWERS.get(topic)
            text = build(event, lang, now) if build else None
        if text is None:
            return self._escalate(event.id, topic, lang)
        return Answer(event.id, topic, text, False, 0.9)

    def _named_contacts(self, event: Event, query: Query) -> list[Contact]:
        if not query.topic:
            return []
        scores = self.index.sources[event.id].score_units(_match_keys(query))
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
        if query.daypart is not None and not _topic_keys(query):
            low, high = query.daypart
            part = [i for i in items if low <= i.start < high]
            if part:
                text = "\n".join(compose.item_line(event, i, lang) for i in part)
                return Answer(event.id, "programme_at", text, False, 0.85)
        if (query.has("after") or query.has("before")) and query.qword != "who":
            anchor: ProgrammeItem | None = None
            if _topic_keys(query):
                unit, score = self._best_unit(self.index.sources[event.id], query, kinds=("item",))
                if unit is not None and score >= UNIT_THRESHOLD:
                    anchor = unit.ref if isinstance(unit.ref, ProgrammeItem) else None
            elif query.mentions_session:
                anchor = next((i for i in items if i.sessions), None)
            if anchor is None:
                return None
            position = items.index(anchor)
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
        # Context words the knowledge knows ("Ulrik Wilbek er med. Hvornår kommer han på?")
        # help to find the item; unknown ones (a town, an illness) are left out.
        context = (
            [k for k in query.context if index.covers(k)] if _event_intent(query) is None else []
        )
        scores = index.score_units(_topic_keys(query) + context)
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
        """A curated question-and-answer entry whose questions match the question closely.

        Only the entry's questions and keywords count: an answer that happens to mention the
        same words is not a match ("who are the citizens?" is not "what is the purpose?").
        """
        keys = set(query.content)
        if not keys:
            return None
        best: tuple[QA, float] | None = None
        for index in indices:
            for i, score in index.score_units(keys).items():
                unit = index.units[i]
                if not isinstance(unit.ref, QA):
                    continue
                if query.qword and unit.qwords and query.qword not in unit.qwords:
                    continue  # an entry written for "when?" does not answer "who?"
                asked = sum(1 for k in keys if _asked_in(index, i, k)) / len(keys)
                if (
                    asked >= 0.6
                    and score >= 2 * UNIT_THRESHOLD
                    and (best is None or score > best[1])
                ):
                    best = (unit.ref, score / 8)
        return best

    def _from_notes(
        self,
        source: Event | Background,
        indices: list[SourceIndex],
        query: Query,
        lang: Lang,
        with_cues: bool = False,
    ) -> Answer:
        """Answer from facts and Q&A entries (background sources, or an event's own notes)."""
        keys = _match_keys(query) or query.content
        if with_cues:
            keys = [*keys, *query.content]
        if query.qword == "how_many":
            keys = [*keys, *HOW_MANY_KEYS]
        best: tuple[Fact | QA, float, SourceIndex] | None = None
        for index in indices:
            for i, score in index.score_units(keys).items():
                unit = index.units[i]
                if (
                    isinstance(unit.ref, Fact | QA)
                    and (best is None or score > best[1])
                    and _holds_all(index, unit, query)
                    and (query.qword != "how_many" or _has_number(unit.ref))
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


def _match_keys(query: Query) -> list[str]:
    """The stems a relevant fact should hold: topic keys, known context, dates ("juni 2022")."""
    return _topic_keys(query) + query.context + query.dates


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


def _asked_in(index: SourceIndex, unit: int, key: str) -> bool:
    """Whether a Q&A unit's questions or keywords (not its answer) hold ``key``.

    Here a shorter word in the question also counts: "aftalen" in an entry of the socialaftale
    source asks about the "socialaftale".
    """
    asked = {k for k, weight in index.units[unit].weights.items() if weight >= KEYWORD}
    if any(matched in asked for matched, _f in index.expand(key)):
        return True
    return any(len(k) >= MIN_PARTIAL and key.endswith(k) for k in asked)


def _unit_has(index: SourceIndex, unit: int, key: str) -> bool:
    return any(any(i == unit for i, _w in index.postings[m]) for m, _f in index.expand(key))


def _names_person(person: Person, query: Query) -> bool:
    from bot.answering.index import words_of
    from bot.answering.text import stem

    name = {stem(w) for w in words_of(person.name)}
    return bool(name & set(query.stems))


NUMBER_WORDS = frozenset(
    "en et to tre fire fem seks syv otte ni ti elleve tolv halvtreds hundrede "
    "one two three four five six seven eight nine ten twelve hundred".split()
)


def _has_number(ref: Fact | QA) -> bool:
    text = ref.text if isinstance(ref, Fact) else ref.answer
    return any(c.isdigit() for c in text) or bool(NUMBER_WORDS & set(text.casefold().split()))


def _first_lines(text: str, limit: int = 2) -> str:
    """The start of an answer, for a list of candidates: its first sentences, on one line."""
    return " ".join(compose.sentences(text.replace("\n", " "))[:limit])


def _asks_which_day(query: Query, topic: str | None) -> bool:
    """ "Is it today?", "er det i morgen?": the day itself, not something on it."""
    return (
        topic in (None, "date")
        and not _topic_keys(query)
        and not query.kinds
        and query.clock is None
        and not (query.has("now") or query.has("next"))
        and (
            query.qword in (None, "when")
            # "hvad sker der i dag?", not "hvad bliver vejret i morgen?"
            or (query.qword == "what" and any(w in HAPPENING_WORDS for w in query.words))
        )
    )


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
    if query.qword == "how_many" and (
        query.has("signup") or query.has("capacity") or "audience" in query.patterns
    ):
        return "capacity"  # "hvor mange kan deltage?" asks how many seats, not who may come
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
    if query.qword == "who":  # "who gives the opening address?" asks for a person
        present = [i for i in present if i not in ("venue", "date", "start", "end", "arrival")]
    if not present:
        return None
    if "venue" in present and "contact" in present and query.qword != "where":
        present.remove("venue")
    if query.qword == "where" and "venue" in present:
        return "venue"  # "where do I show up?" asks for the place, not the time
    if "date" in present and len(present) > 1:
        present.remove("date")
    if (
        "deadline" in present
        and query.cues.get("deadline", 0) == 1
        and not query.has("signup")  # "hvornår lukker tilmeldingen"
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
