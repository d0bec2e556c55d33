"""The answering core: (message, event or none, language, now) -> what is true, or a hand-off.

How an answer is found:

1. The message is cut into the pieces it asks (``understanding.segments``); greetings,
   signatures and the situation around a question are not questions.
2. Each piece gets its kind and a confidence from the classifier learned from the corpus
   (``understanding.classifier``). Unsure, or two kinds nearly as likely: the piece goes to staff.
3. The event is the one given, or the one the message names; otherwise the events still to
   come are asked, and when more than one knows an answer the bot asks which, naming them.
4. The kind decides which fact answers (``replies``): a structured field, or a note of that same
   kind. Where the event's knowledge does not state it, the piece goes to staff; a fact of
   another kind never answers. A question about something the knowledge never mentions (a
   "julefrokost") goes to staff too.
5. The pieces' answers are joined, the key fact first; what was passed on is said.

Nothing here knows about Telegram, e-mail or the web; channels call :meth:`Answerer.answer`.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.answering import compose
from bot.answering.analysis import Query, analyse
from bot.answering.index import KEYWORD, UNIT_THRESHOLD, KnowledgeIndex, SourceIndex
from bot.answering.notes import Note, NoteSearch, note_kinds
from bot.answering.replies import (
    REPLIES,
    WHAT_KINDS,
    WHEN_KINDS,
    WHO_KINDS,
    Asked,
    about_subject,
    find_subject,
    holds_all,
)
from bot.i18n import Lang
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import QA, Background, Event
from bot.understanding.classifier import Guess, KindClassifier, default_classifier
from bot.understanding.kinds import ACTIONS, TIME_KINDS, TOPICS
from bot.understanding.normalise import fold_word
from bot.understanding.segments import Segment, segments
from bot.understanding.text import clean, skeleton, stem, tokens

log = logging.getLogger(__name__)

# Below this probability the kind is not trusted: the piece goes to staff (Rasa's fallback).
MIN_CONFIDENCE = 0.6
# Two kinds this close are two readings of the piece: neither is trusted.
MIN_MARGIN = 0.05
# Asked about a named item or person, the summed probability of a family of kinds (when, who,
# what) is what must be trusted.
FAMILIES = (WHEN_KINDS, WHO_KINDS, WHAT_KINDS)
FAMILY_CONFIDENCE = 0.30
FAMILY_KINDS = WHEN_KINDS | WHO_KINDS | WHAT_KINDS
QUESTION_FAMILIES = {
    "when": WHEN_KINDS,
    "who": WHO_KINDS,
    "what": WHAT_KINDS,
    "why": frozenset({"purpose", "fact"}),
}
# Kinds a question word rules out: "why" and "who" never ask for a time, "when" never for a
# person or a place.
_CLOCK_KINDS = TIME_KINDS | {"programme-at", "now-next"}
QUESTION_CONFLICTS: dict[str, frozenset[str]] = {
    "why": _CLOCK_KINDS,
    "who": _CLOCK_KINDS | {"venue", "address", "price", "choose-session", "sessions"},
    "when": WHO_KINDS | {"venue", "address", "price", "organiser", "audience", "contact"},
}
# Kinds answered by one field of the event; a list (speakers, programme) may be narrowed by a part.
ONE_FACT_KINDS = frozenset(
    {
        "date",
        "start",
        "end",
        "arrival",
        "venue",
        "address",
        "deadline",
        "can-signup",
        "price",
        "contact",
        "organiser",
        "audience",
        "capacity",
    }
)
# "Hvad sker der efter frokosten?" names lunch but asks about what follows it.
NEIGHBOUR_KINDS = frozenset({"after", "before", "signup", "cancel"})
# Kinds about signing up, where "i dag" is part of the question ("kan jeg nå det i dag?").
SIGNUP_KINDS = frozenset({"deadline", "can-signup", "signup-how"})
# How likely the act must be for a statement about it to be the act ("tilmeld mig, hvis ...").
STATED_ACT = 0.01
# Above this the kind is sure: a common word alone does not turn the question to a part of the day.
SURE = 0.9
# A second kind this likely in a clause that joins two things is a second question.
SECOND_KIND = 0.2
ABOUT_PART = "about a named part"
ABOUT_KIND = "about a part of the kind named"
# Longer than this, a message is a matter for a person (and is not read further).
MAX_MESSAGE_CHARS = 2000
# At most this many questions of one message are answered; the rest is for staff.
MAX_PIECES = 3
# How well a message must name an event (title words, place, year) to be about it.
IDENTITY_MIN = 2.5
# Sources named nearly as well as the best (this share of its score) compete with it.
CLOSE_NAMES = 0.6
# Events compared for a question without an event, nearest in time first.
MAX_COMPARED = 50
MAX_CANDIDATES = 6
# Kinds whose answer is about a named thing; a word the knowledge never mentions sends them to
# staff ("hvornår er der julefrokost?" is not answered with the day's start).
THING_KINDS = frozenset(
    {
        "date",
        "start",
        "end",
        "arrival",
        "programme-at",
        "after",
        "before",
        "food",
        "chair",
        "sessions",
        "fact",
        "purpose",
        "capacity",
        "contact",
    }
)


# Notes of plain knowledge answer any question of knowledge whose words they hold.
PLAIN_NOTES = frozenset({"fact", "purpose"})
# Practical matters of a day (parking, diet): never answered from background knowledge.
LOGISTICS = TOPICS - {"fact"}


@dataclass(frozen=True)
class Answer:
    """What the core says about one message."""

    event: str | None
    intent: str
    text: str
    escalate: bool
    confidence: float
    candidates: tuple[str, ...] = field(default=())
    # Answered about a part the question names (an item, a person), not the event as a whole.
    grounded: bool = field(default=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "event": self.event,
            "intent": self.intent,
            "answer": self.text,
            "escalate": self.escalate,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class Piece:
    """One question of a message, read."""

    segment: Segment
    guess: Guess
    query: Query
    second: bool = False  # the second of two things asked in one clause

    @property
    def kind(self) -> str:
        return self.guess.kind

    @property
    def trusted(self) -> bool:
        if self.second:
            return self.guess.confidence >= SECOND_KIND
        return self.guess.confidence >= MIN_CONFIDENCE and self.guess.margin >= MIN_MARGIN


@dataclass(frozen=True)
class Said:
    """What the core says about one piece: a text, or None when it goes to staff."""

    kind: str
    text: str | None
    confidence: float
    why: str = ""  # which rule decided, for the debug log


class Answerer:
    """Answers questions from one loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase, classifier: KindClassifier | None = None) -> None:
        self.kb = kb
        self.index = KnowledgeIndex(kb)
        self.classifier = classifier or default_classifier()
        self.notes = note_kinds(list(kb.sources.values()), self.classifier)
        self.note_search = NoteSearch([n for notes in self.notes.values() for n in notes])
        # Words the corpus taught: a participant's own words, never a topic the bot lacks.
        self.known_words = self.classifier.vocabulary
        self._known_sorted = sorted(self.known_words)
        # Stems of the words that mostly mean one kind ("online"): never hidden with a name.
        self._telling = frozenset(fold_word(stem(w)) for w in self.classifier.telling)

    # -- entry point -------------------------------------------------------------------------

    def answer(self, question: str, event: str | None, lang: Lang, now: datetime) -> Answer:
        """Answer one message; ``event`` is the slug the conversation is about, if any."""
        source = self.kb.get(event) if event else None
        if len(question) > MAX_MESSAGE_CHARS:
            return Answer(event, "unknown", compose.escalation_text(lang), True, 0.0)
        context = analyse(question, self.index.vocabulary)
        named = source is None
        if source is None:
            source = self._named_source(context)
        # The event's own name ("konferencen om fremtidens specialiserede socialområde") says
        # which event, not what kind of question: it is left out when the kind is read.
        # The kind of event ("temadagen", "konferencen") stays: it is how the corpus asks too.
        hide = frozenset(
            k
            for k in (self.index.sources[source.id].specific_names if source else ())
            if fold_word(k) not in self._telling
        )
        pieces, social = self.read(question, hide)
        if social is not None and self._gibberish(question):
            return Answer(
                event if source else None, "unknown", compose.escalation_text(lang), True, 0.0
            )
        if not pieces:
            if social is None:
                return Answer(event, "empty", compose.empty_text(lang), False, 1.0)
            text = compose.thanks_text(lang) if _thanks(social) else compose.greeting_text(lang)
            return Answer(event if event and source else None, "smalltalk", text, False, 0.9)
        if source is None:
            return self._without_event(context, pieces, lang, now)
        answer = self._about(source, pieces, context, lang, now, named=named)
        if named and not answer.escalate:
            return Answer(answer.event, answer.intent, answer.text, False, answer.confidence * 0.9)
        return answer

    def read(
        self, message: str, hide: frozenset[str] = frozenset()
    ) -> tuple[list[Piece], str | None]:
        """The questions of a message (at most a few, in order), or the social text it is.

        ``hide``: stems of words left out when the kind is read (the event's own name).
        """
        found = segments(message)
        if not found:
            return [], None
        guesses = self.classifier.guess_many([_without(s.text, hide) for s in found])
        read = list(zip(found, guesses, strict=True))
        asked = [
            (s, g) for s, g in read if s.asks and (g.kind != "smalltalk" or self._timed(s.text))
        ]
        if not asked:
            # "Tilmeld mig venligst", "parkering", "Jeg er syg. Afmeld mig.": the one thing said.
            acting = [(s, g) for s, g in read if g.kind in ACTIONS and g.confidence >= 0.5]
            content = [(s, g) for s, g in read if g.kind != "smalltalk"]
            if acting:
                asked = acting[-1:]
            elif content:
                whole = Segment(" ".join(s.text for s, _g in content), False)
                asked = [(whole, self.classifier.guess(_without(whole.text, hide)))]
        if not asked:
            return [], " ".join(s.text for s in found)
        # A statement is not a question: "Jeg vil gerne tilmelde mig, hvis der stadig er plads"
        # signs up; read as a question it would be "can I still sign up?".
        asked = [(s, _as_statement(g) if not s.asks else g) for s, g in asked]
        pieces: list[Piece] = []
        for segment, guess in asked:
            query = analyse(segment.text, self.index.vocabulary)
            for reading in (guess, *_second_reading(segment, guess)):
                if not any(p.kind == reading.kind for p in pieces):  # asked twice: once
                    pieces.append(Piece(segment, reading, query, second=reading is not guess))
        return pieces[:MAX_PIECES], None

    def _named_source(self, context: Query) -> Event | Background | None:
        """The one source a message clearly names (title words, place, year), if any."""
        ranked = self._identity_ranking(context)
        if (
            ranked
            and ranked[0][1] >= IDENTITY_MIN
            and (len(ranked) == 1 or ranked[1][1] < CLOSE_NAMES * ranked[0][1])
        ):
            return self.kb.sources[ranked[0][0]]
        return None

    # -- finding the event -------------------------------------------------------------------

    def _without_event(
        self, context: Query, pieces: list[Piece], lang: Lang, now: datetime
    ) -> Answer:
        ranked = self._identity_ranking(context)
        if ranked and ranked[0][1] >= IDENTITY_MIN:
            top = ranked[0][1]
            pool = [self.kb.sources[sid] for sid, score in ranked if score >= CLOSE_NAMES * top]
        else:
            pool = list(self.kb.sources.values())
        events = [s for s in pool if isinstance(s, Event)]
        coming = sorted((e for e in events if e.end >= now), key=lambda e: e.start)
        past = sorted((e for e in events if e.end < now), key=lambda e: e.start, reverse=True)
        backgrounds = [s for s in pool if isinstance(s, Background)]
        for group in (coming, past, backgrounds):
            answers: list[tuple[Event | Background, Answer]] = []
            for source in group[:MAX_COMPARED]:
                answer = self._about(source, pieces, context, lang, now, named=True)
                if not answer.escalate:
                    answers.append((source, answer))
                if len(answers) == MAX_CANDIDATES:
                    break
            # "Hvornår er plenum?": the event whose programme has a plenum, not every event's date.
            if any(a.grounded for _s, a in answers):
                answers = [(s, a) for s, a in answers if a.grounded]
            if len(answers) == 1:
                source, answer = answers[0]
                return Answer(source.id, answer.intent, answer.text, False, answer.confidence * 0.8)
            if answers:
                shown = [(s, a) for s, a in answers if isinstance(s, Event)]
                text = compose.candidates_answer(
                    [s for s, _a in shown], lang, [_first_lines(a.text) for _s, a in shown]
                )
                return Answer(
                    None, answers[0][1].intent, text, False, 0.5, tuple(s.id for s, _a in shown)
                )
        return Answer(None, pieces[0].kind, compose.escalation_text(lang), True, 0.0)

    def _identity_ranking(self, query: Query) -> list[tuple[str, float]]:
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
            for sid, score in self._identity_ranking(analyse(text, self.index.vocabulary))
            if sid in self.kb.events
        ]
        if not ranked or ranked[0][1] < IDENTITY_MIN:
            return None
        if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
            return None
        return ranked[0][0]

    # -- answering about one source ----------------------------------------------------------

    def _indices(self, source: Event | Background) -> list[SourceIndex]:
        indices = [self.index.sources[source.id]]
        if isinstance(source, Event):
            indices += [self.index.sources[b] for b in source.background if b in self.index.sources]
        return indices

    def _about(
        self,
        source: Event | Background,
        pieces: list[Piece],
        context: Query,
        lang: Lang,
        now: datetime,
        named: bool,
    ) -> Answer:
        said = [self._say(source, piece, context, lang, now, named) for piece in pieces]
        if any(s.text is not None for s in said):
            # An unsure piece beside an answered one is most likely context ("jeg har en
            # togbillet kl 16.30, når jeg den?"); a sure one that cannot be answered is passed on.
            said = [s for s, p in zip(said, pieces, strict=True) if s.text is not None or p.trusted]
        action = next((s for s in said if s.kind in ("signup", "cancel")), None)
        answered = [s for s in said if s.text is not None]
        passed = [s for s in said if s.text is None]
        if action is not None and isinstance(source, Event):
            text = "\n".join(s.text for s in answered if s.text)
            return Answer(source.id, action.kind, text, False, action.confidence)
        if not answered:
            return Answer(source.id, said[0].kind, compose.escalation_text(lang), True, 0.0)
        text = "\n".join(s.text for s in answered if s.text)
        confidence = min(s.confidence for s in answered)
        grounded = any(s.why == ABOUT_PART for s in answered)
        if passed:
            text += "\n" + compose.partly_passed_text(lang)
            return Answer(source.id, answered[0].kind, text, True, confidence, grounded=grounded)
        return Answer(source.id, answered[0].kind, text, False, confidence, grounded=grounded)

    def _say(self, *args: Any) -> Said:
        said = self._decide(*args)
        piece: Piece = args[1]
        if said.text is not None and piece.query.qword == "how_many" and not _has_number(said.text):
            # "Hvor mange kommuner er med?" is answered with a number, or by staff.
            said = Said(said.kind, None, said.confidence, "no number for how many")
        # The decision, without the words of the question (they may be personal).
        log.debug(
            "piece read as %s (%.2f), %s: %s",
            said.kind,
            said.confidence,
            said.why,
            "answered" if said.text is not None else "for staff",
        )
        return said

    def _decide(
        self,
        source: Event | Background,
        piece: Piece,
        context: Query,
        lang: Lang,
        now: datetime,
        named: bool,
    ) -> Said:
        guess = piece.guess
        kind, confidence = guess.kind, guess.confidence
        trusted = piece.trusted
        query = piece.query
        if kind in QUESTION_CONFLICTS.get(query.qword or "", ()):
            # "Hvem afslutter dagen?" is not asking when it ends, whatever the classifier reads:
            # the question word and the kind disagree, so the likeliest kind the question word
            # allows is taken, and trusted only if it is likely enough.
            allowed = QUESTION_FAMILIES[query.qword or ""]
            kind = max(allowed, key=guess.probability)
            confidence = guess.probability(kind)
            trusted = confidence >= FAMILY_CONFIDENCE
        # Times said in the question decide between the kinds about time: "er det i dag?" asks
        # which day, "hvad sker der nu?" what is on now, "/program næste" what is next.
        timed = False
        if (
            not query.topic
            and (kind in WHEN_KINDS or kind == "programme" or not trusted)
            and kind not in ACTIONS | SIGNUP_KINDS
        ):
            if query.relative_day is not None and query.qword in (None, "when", "what"):
                kind, trusted, timed = "date", True, True
            elif query.has("now") or query.has("next"):
                kind, trusted, timed = "now-next", True, True
        indices = self._indices(source)
        notes = [n for index in indices for n in self.notes.get(index.source.id, [])]
        if isinstance(source, Event) and _another_time(source, piece, kind, indices[0].names):
            return Said(
                kind, None, confidence, "another edition"
            )  # "næste års temadag", "en temadag i 2025"
        if isinstance(source, Background):
            return Said(
                kind, self._from_background(piece, indices, notes, lang), confidence, "background"
            )
        asked = Asked(
            event=source,
            kind=kind,
            query=piece.query,
            context=context,
            indices=indices,
            notes=notes,
            lang=lang,
            now=now,
            named=named,
            # The event's own name says which event, not which part of it.
            keys=[k for k in _keys(piece.query) if k not in indices[0].names],
            common=self.common,
            text=piece.segment.text,
            search=self.note_search.best,
            sure=(
                trusted
                and confidence >= SURE
                and kind in ONE_FACT_KINDS
                and kind in QUESTION_FAMILIES.get(query.qword or "", ONE_FACT_KINDS)
            ),
        )
        # A sure kind outside the families (contact, price) is answered as that kind: "hvem kan
        # jeg kontakte om teknikken?" is not about the workshop that mentions technology.
        about_part = kind in FAMILY_KINDS or not trusted or bool(piece.query.session_key)
        asked.subject = find_subject(asked) if about_part and kind not in NEIGHBOUR_KINDS else None
        if asked.subject is not None:
            # "Hvornår er plenum?": the item is named; that the question asks *when* is enough,
            # whichever of the time kinds the classifier prefers.
            family, likely = max(
                ((f, sum(guess.probability(k) for k in f)) for f in FAMILIES),
                key=lambda fp: fp[1],
            )
            # The question word says which family outright: "hvornår" asks when, "hvem" who.
            asked_family = QUESTION_FAMILIES.get(piece.query.qword or "")
            if asked_family is not None and kind not in ACTIONS:
                family, likely = asked_family, max(likely, FAMILY_CONFIDENCE)
            if likely >= FAMILY_CONFIDENCE and kind not in ACTIONS:
                asked.kind = max(family, key=guess.probability)
                # Named but not stated ("who welcomes us?" where the welcome names nobody):
                # staff, never the answer to the event-wide question.
                why = ABOUT_KIND if asked.subject_by_kind else ABOUT_PART
                return Said(asked.kind, about_subject(asked, asked.subject), likely, why)
        if not trusted:
            return Said(kind, None, confidence, "unsure")
        if kind in ("signup", "cancel"):
            build = compose.signup_answer if kind == "signup" else _cancel
            return Said(kind, build(source, lang, now), confidence, "act")
        if kind in THING_KINDS and not timed and self._unknown_words(piece, indices):
            return Said(kind, None, confidence, "strange words")
        reply = REPLIES.get(kind)
        if reply is None:
            return Said(kind, None, confidence, "no reply for the kind")
        return Said(kind, reply(asked), confidence, "reply")

    def _from_background(
        self,
        piece: Piece,
        indices: list[SourceIndex],
        notes: list[Note],
        lang: Lang,
    ) -> str | None:
        """A background source answers questions of knowledge from the note that holds every
        topic word of the question, at least one of them as what the note is about (its topic
        or keywords): a slide heading with no content is not answered from another slide."""
        guess = piece.guess
        if guess.confidence >= 0.5 and (
            guess.kind in ACTIONS or guess.kind in ("other", "smalltalk") or guess.kind in LOGISTICS
        ):
            return None
        if not piece.query.topic:
            return None
        keys = _keys(piece.query)
        # Asked when, only a note that states a time answers ("Hvornår skal aftalen godkendes?"
        # is not answered by who approves it).
        when = piece.query.qword == "when" or guess.kind in TIME_KINDS
        fitting: list[Note] = []
        for index in indices:
            for i, score in index.score_units(keys).items():
                unit = index.units[i]
                note = next((n for n in notes if n.ref is unit.ref), None)
                if note is None or score < UNIT_THRESHOLD or not holds_all(index, i, piece.query):
                    continue
                if when and not _STATES_TIME.search(_note_text_of(note)):
                    continue
                # Words of the source's own name ("det specialiserede socialområde") say which
                # source, not what about it.
                anchored = [
                    any(
                        unit.weights.get(m, 0.0) >= KEYWORD
                        for k in alts
                        for m, _f in index.expand(k)
                    )
                    for alts in piece.query.topic
                    if not any(k in index.names for k in alts)
                ]
                if all(anchored) if guess.kind == "who-is" else any(anchored):
                    fitting.append(note)
        # Of the notes that hold the question's words, the one closest to how it is asked.
        note, _similarity = self.note_search.best(piece.segment.text, fitting)
        if note is None:
            return None
        if isinstance(note.ref, QA):
            return compose.faq_answer(note.ref, lang)
        return compose.fact_answer(note.ref, keys, lang)

    def _timed(self, text: str) -> bool:
        """Whether a text names a day or a moment ("is it today?" is not small talk)."""
        query = analyse(text, self.index.vocabulary)
        return query.relative_day is not None or query.has("now") or query.has("next")

    def _gibberish(self, text: str) -> bool:
        """Whether no word of the text is one the corpus or the knowledge knows ("asdf qwerty")."""
        words = [t for t in tokens(clean(text)) if t.isalpha()]
        return bool(words) and not any(
            fold_word(w) in self.known_words
            or self.common(stem(w))
            or self.index.vocabulary.canonical(w) is not None
            for w in words
        )

    def common(self, key: str) -> bool:
        """Whether participants use a word of this stem anyhow (the corpus has it): a way of
        asking, or a reason around the question, rather than the name of a thing."""
        folded = fold_word(key)
        if len(folded) < 4:
            return False
        at = bisect.bisect_left(self._known_sorted, folded)
        return at < len(self._known_sorted) and self._known_sorted[at].startswith(folded)

    def _unknown_words(self, piece: Piece, indices: list[SourceIndex]) -> list[str]:
        """Words of the piece that neither the corpus nor this event's knowledge knows."""
        unknown = []
        for token in tokens(clean(piece.segment.text)):
            if not token.isalpha() or len(token) < 4:
                continue
            if fold_word(token) in self.known_words or self.common(stem(token)):
                continue
            canonical = self.index.vocabulary.canonical(token)
            if canonical is not None and fold_word(canonical) in self.known_words:
                continue
            words = [canonical] if canonical else []
            parts = self.index.vocabulary.split_compound(token)
            words += parts or []
            if any(index.covers(stem(w)) for w in words or [token] for index in indices):
                continue
            unknown.append(token)
        return unknown


_ANOTHER_TIME = re.compile(r"\bnæste (?:års?|gang)\b|\bnext (?:year|time)\b|\bigen\b|\bagain\b")


def _another_time(event: Event, piece: Piece, kind: str, names: frozenset[str]) -> bool:
    """Whether the piece asks about another edition: a year that is not the event's, or "next
    year's" or "again" asked of its date."""
    years = {w for w in piece.query.dates if w.isdigit() and len(w) == 4}
    if years - {str(event.start.year), str(event.end.year)} - names:
        return True
    return kind == "date" and bool(_ANOTHER_TIME.search(piece.query.text))


_STATES_TIME = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:januar|februar|marts|april|maj|juni|juli|august|september"
    r"|oktober|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b"
    r"|\bkl\.?\s*\d|\b\d{1,2}[.:]\d\d\b|\b(?:foråret|efteråret|sommeren|vinteren)\b",
    re.IGNORECASE,
)


def _note_text_of(note: Note) -> str:
    ref = note.ref
    return ref.answer if isinstance(ref, QA) else ref.text


_AND = re.compile(r"\s(?:og|and|samt|plus)\s|,|&")


def _second_reading(segment: Segment, guess: Guess) -> list[Guess]:
    """ "Vil De oplyse adressen og et telefonnummer?": two things asked in one clause, read as
    the two kinds the classifier finds nearly as likely, where the clause joins two things."""
    if len(guess.ranked) < 2 or not _AND.search(segment.text):
        return []
    second, likely = guess.ranked[1]
    if likely < SECOND_KIND or second in ACTIONS or second in ("smalltalk", "other"):
        return []
    if guess.kind in ACTIONS:
        return []
    rest = tuple(kp for kp in guess.ranked if kp[0] != second)
    return [Guess(((second, likely), *rest))]


def _as_statement(guess: Guess) -> Guess:
    """A statement about signing up or cancelling is the act itself, where the act is likely."""
    acts = {
        "can-signup": "signup",
        "signup-how": "signup",
        "deadline": "signup",
        "choose-session": "signup",  # "Jeg deltager og vælger session 1"
    }
    act = acts.get(guess.kind)
    if act is None or guess.probability(act) < STATED_ACT:
        return guess
    ranked = sorted(guess.ranked, key=lambda kp: (kp[0] != act, -kp[1]))
    return Guess(((act, guess.confidence), *((k, p) for k, p in ranked[1:])))


def _without(text: str, hide: frozenset[str]) -> str:
    """The text without the words whose stems are hidden; the text itself if nothing is left."""
    if not hide:
        return text
    # Short words ("dag", "i") are the question's own, even where a title has them too.
    kept = [
        w
        for w in text.split()
        if len(key := stem(clean(w).strip(".,;:!?\"'()"))) < 4 or key not in hide
    ]
    return " ".join(kept) if kept else text


def _cancel(event: Event, lang: Lang, _now: datetime) -> str:
    return compose.cancel_answer(event, lang)


def _keys(query: Query) -> list[str]:
    """The stems a matching unit should hold: the topic words and kinds of items asked."""
    keys = [k for alternatives in query.topic for k in alternatives]
    return keys + [key for key, _kind in query.kind_words]


_NUMBER = re.compile(
    r"\d|\b(?:en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|tyve|halvtreds|hundrede|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred)\b",
    re.IGNORECASE,
)


def _has_number(text: str) -> bool:
    return bool(_NUMBER.search(text))


def _thanks(text: str) -> bool:
    folded = skeleton(text.casefold())
    return any(w in folded for w in ("tak", "thank", "thanks"))


def _first_lines(text: str, limit: int = 2) -> str:
    """The start of an answer, for a list of candidates: its first sentences, on one line."""
    return " ".join(compose.sentences(text.replace("\n", " "))[:limit])
