"""The answering core: (message, event or none, language, now) -> what is true, or a hand-off.

How an answer is found:

1. The message is read (``reading``): cut into the pieces it asks, greetings, signatures and the
   situation around a question left out, each piece given its kind and a confidence by the
   classifier learned from the corpus (``bot.understanding``). Unsure, or two kinds nearly as
   likely: the piece goes to staff.
2. The event is the one given, or the one the message names (``events``); otherwise the events
   still to come are asked, and when more than one knows an answer the bot asks which.
3. The question word may rule a kind out ("hvem afslutter dagen?" asks who, not when). A part the
   question names (an item, a person, a note) is answered about when the kind fits it.
4. Otherwise the kind decides which fact answers (``replies``): a structured field, or a note of
   that same kind (``notes``); background knowledge answers questions of knowledge
   (``background``). Where the knowledge does not state it, the piece goes to staff; a fact of
   another kind never answers. A question about something the knowledge never mentions (a
   "julefrokost") goes to staff too.
5. The pieces' answers are joined, the key fact first; what was passed on is said.

Nothing here knows about Telegram, e-mail or the web; channels call :meth:`Answerer.answer`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.answering import compose
from bot.answering.analysis import Query, analyse
from bot.answering.background import from_background
from bot.answering.events import EventFinder
from bot.answering.index import KnowledgeIndex, SourceIndex
from bot.answering.notes import NoteSearch, note_kinds
from bot.answering.reading import Piece, Reader
from bot.answering.replies import (
    REPLIES,
    WHAT_KINDS,
    WHEN_KINDS,
    WHO_KINDS,
    Asked,
    about_subject,
    find_subject,
)
from bot.i18n import Lang
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Background, Event
from bot.understanding.classifier import KindClassifier, default_classifier
from bot.understanding.kinds import ACTIONS, TIME_KINDS
from bot.understanding.text import clean, skeleton, stem, tokens

log = logging.getLogger(__name__)

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
    "when": WHO_KINDS
    | {"venue", "address", "price", "organiser", "audience", "contact", "my-registration"}
    | {"diet", "accessibility", "hearing-loop", "interpreter", "wifi", "dress", "companion"}
    | {"accessible-toilet", "quiet-room", "seating", "disabled-parking"},
}
# What each question word allows in their place ("hvornår skal jeg være tilmeldt?": a deadline).
QUESTION_ALLOWS: dict[str, frozenset[str]] = {
    "why": frozenset({"purpose", "fact"}),
    "who": WHO_KINDS | {"contact", "organiser", "audience", "companion"},
    "when": WHEN_KINDS | {"deadline", "can-signup"},
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
# Above this the kind is sure: a common word alone does not turn the question to a part of the day.
SURE = 0.9
ABOUT_PART = "about a named part"
ABOUT_KIND = "about a part of the kind named"
# Longer than this, a message is a matter for a person (and is not read further).
MAX_MESSAGE_CHARS = 2000
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
        "audience",
        "chair",
        "sessions",
        "fact",
        "purpose",
        "capacity",
        "contact",
        "price",
        "venue",
        "address",
        "deadline",
        "can-signup",
        "organiser",
    }
)


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
        self.reader = Reader(self.classifier, self.index.vocabulary)
        self.events = EventFinder(kb, self.index)
        self.notes = note_kinds(list(kb.sources.values()), self.classifier)
        self.note_search = NoteSearch([n for notes in self.notes.values() for n in notes])

    # -- entry point -------------------------------------------------------------------------

    def answer(self, question: str, event: str | None, lang: Lang, now: datetime) -> Answer:
        """Answer one message; ``event`` is the slug the conversation is about, if any."""
        source = self.kb.get(event) if event else None
        if len(question) > MAX_MESSAGE_CHARS:
            return Answer(event, "unknown", compose.escalation_text(lang), True, 0.0)
        context = analyse(question, self.index.vocabulary)
        named = source is None
        if source is None:
            source = self.events.named(context)
        # The event's own name ("konferencen om fremtidens specialiserede socialområde") says
        # which event, not what kind of question: it is left out when the kind is read.
        # The kind of event ("temadagen", "konferencen") stays: it is how the corpus asks too.
        pieces, social = self._read_about(question, source, context)
        if self.reader.gibberish(question):
            return Answer(
                event if source else None, "unknown", compose.escalation_text(lang), True, 0.0
            )
        if not pieces:
            if social is None:
                return Answer(event, "empty", compose.empty_text(lang), False, 1.0)
            text = compose.thanks_text(lang) if _thanks(social) else compose.greeting_text(lang)
            return Answer(event if event and source else None, "smalltalk", text, False, 0.9)
        if source is None:
            return self._without_event(question, context, pieces, lang, now)
        answer = self._about(source, pieces, context, lang, now, named=named)
        if named and not answer.escalate:
            return Answer(answer.event, answer.intent, answer.text, False, answer.confidence * 0.9)
        return answer

    # -- finding the event -------------------------------------------------------------------

    def _read_about(
        self,
        question: str,
        source: Event | Background | None,
        context: Query,
        read: dict[frozenset[str], tuple[list[Piece], str | None]] | None = None,
    ) -> tuple[list[Piece], str | None]:
        """The message read with the source's own name left out.

        The words of an event's name in the message ("konferencen om fremtidens specialiserede
        socialområde") say which event, not what kind of question. Those participants use for
        one kind of question ("online", "handicaprådene") may do both: the message is read with
        and without them, and the reading the classifier is surer of is taken. ``read`` keeps
        the readings already made for one message: events sharing a town name read alike.
        """
        read = {} if read is None else read
        said = set(context.stems) | set(context.identity)
        names = frozenset(
            k for k in (self.index.sources[source.id].specific_names if source else ()) if k in said
        )
        if names not in read:
            always = frozenset(k for k in names if not self.reader.telling(k))
            readings = [self.reader.read(question, always)]
            if always != names:
                readings.append(self.reader.read(question, names))
            read[names] = max(readings, key=lambda reading: _sureness(reading[0]))
        return read[names]

    def _without_event(
        self, question: str, context: Query, pieces: list[Piece], lang: Lang, now: datetime
    ) -> Answer:
        read: dict[frozenset[str], tuple[list[Piece], str | None]] = {frozenset(): (pieces, None)}
        for group in self.events.pools(context, now):
            answers: list[tuple[Event | Background, Answer]] = []
            for source in group[:MAX_COMPARED]:
                # Read again without this source's own name, where the message holds it.
                asked = self._read_about(question, source, context, read)[0]
                answer = self._about(source, asked or pieces, context, lang, now, named=True)
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

    def find_event(self, text: str) -> str | None:
        """The event a text names (an e-mail subject, say); see ``EventFinder.find_event``."""
        return self.events.find_event(text)

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
        said = [
            self._checked(piece, self._decide(source, piece, context, lang, now, named))
            for piece in pieces
        ]
        if any(s.text is not None for s in said):
            # An unsure piece beside an answered one is most likely context ("jeg har en
            # togbillet kl 16.30, når jeg den?"); a sure one that cannot be answered is passed on.
            # Off-topic or advice beside an answered question ("skal jeg køre til Odense?" of an
            # online meeting) is a thought around it, not a second question for staff.
            said = [
                s
                for s, p in zip(said, pieces, strict=True)
                if s.text is not None or (p.trusted and s.kind != "other")
            ]
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

    @staticmethod
    def _checked(piece: Piece, said: Said) -> Said:
        """The answer to one piece, checked against what was asked, and logged."""
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
        # An act changes a registration: a message that says the opposite in so many words
        # ("vil gerne melde fra") is never read as it.
        opposite = {"signup": "cancel", "cancel": "signup"}.get(kind)
        if opposite and opposite in query.patterns and kind not in query.patterns:
            kind, confidence = opposite, guess.probability(opposite)
        if kind in QUESTION_CONFLICTS.get(query.qword or "", ()):
            # "Hvem afslutter dagen?" is not asking when it ends, whatever the classifier reads:
            # the question word and the kind disagree, so the likeliest kind the question word
            # allows is taken, and trusted only if it is likely enough.
            allowed = QUESTION_ALLOWS[query.qword or ""]
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
        if "abbreviation" in query.patterns:
            # "Hvad står DAS Social for?": the sources use abbreviations without spelling them
            # out, so a sentence that merely holds one is not the answer.
            return Said(kind, None, confidence, "abbreviation")
        if isinstance(source, Event) and _another_time(source, piece, kind, indices[0].names):
            return Said(
                kind, None, confidence, "another edition"
            )  # "næste års temadag", "en temadag i 2025"
        if isinstance(source, Background):
            text = from_background(piece, indices, notes, lang, self.note_search)
            return Said(kind, text, confidence, "background")
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
            keys=[k for k in piece.query.stems_asked() if k not in indices[0].names],
            common=self.reader.common,
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
        if kind == "decline":  # "Nej tak, vi kommer ikke i år": thanked, not a case for staff
            return Said(kind, compose.decline_text(source, lang), confidence, "act")
        if kind in THING_KINDS and not timed and self._unknown_words(piece, indices):
            return Said(kind, None, confidence, "strange words")
        reply = REPLIES.get(kind)
        if reply is None:
            return Said(kind, None, confidence, "no reply for the kind")
        return Said(kind, reply(asked), confidence, "reply")

    def _unknown_words(self, piece: Piece, indices: list[SourceIndex]) -> list[str]:
        """Words of the piece that neither the corpus nor this event's knowledge knows."""
        unknown = []
        for token in tokens(clean(piece.segment.text)):
            if not token.isalpha() or len(token) < 4:
                continue
            if self.reader.knows(token):
                continue
            canonical = self.index.vocabulary.canonical(token)
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


def _cancel(event: Event, lang: Lang, _now: datetime) -> str:
    return compose.cancel_answer(event, lang)


_NUMBER = re.compile(
    r"\d|\b(?:en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|tyve|halvtreds|hundrede|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred)\b",
    re.IGNORECASE,
)


def _sureness(pieces: list[Piece]) -> float:
    return min((p.guess.confidence for p in pieces), default=0.0)


_CLOCK_OR_DATE = re.compile(
    r"\bkl\.?\s*\d{1,2}[.:]\d{2}|\b\d{1,2}[.:]\d{2}\b|\b\d{1,2}\.\s+\w+\s+\d{4}"
)


def _has_number(text: str) -> bool:
    """Whether the text gives a count ("Kl. 12.35" or "3. februar 2020" is not one)."""
    return bool(_NUMBER.search(_CLOCK_OR_DATE.sub(" ", text)))


def _thanks(text: str) -> bool:
    folded = skeleton(text.casefold())
    return any(w in folded for w in ("tak", "thank", "thanks"))


def _first_lines(text: str, limit: int = 2) -> str:
    """The start of an answer, for a list of candidates: its first sentences, on one line."""
    return " ".join(compose.sentences(text.replace("\n", " "))[:limit])
