"""Reading a message: the questions it asks, each with its kind, and what is only context.

The pieces come from ``understanding.segments``, their kinds from the classifier. Reading also
knows what the corpus taught about words: which words participants use anyhow (``common``: a
way of asking or a reason, not the name of a thing), and which mostly mean one kind
(``telling``: "online" says what is asked even where an event's name holds it).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.answering.analysis import Query, analyse
from bot.understanding.classifier import Guess, KindClassifier
from bot.understanding.kinds import ACTIONS
from bot.understanding.normalise import fold_word
from bot.understanding.segments import Segment, segments
from bot.understanding.text import Vocabulary, clean, stem, tokens

# Below this probability the kind is not trusted: the piece goes to staff (Rasa's fallback).
MIN_CONFIDENCE = 0.6
# Two kinds this close are two readings of the piece: neither is trusted.
MIN_MARGIN = 0.05
# A second kind this likely in a clause that joins two things is a second question.
SECOND_KIND = 0.2
# How likely the act must be for a statement about it to be the act ("tilmeld mig, hvis ...").
STATED_ACT = 0.01
# At most this many questions of one message are answered; the rest is for staff.
MAX_PIECES = 3


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


class Reader:
    """Reads messages with one classifier and the knowledge base's vocabulary."""

    def __init__(self, classifier: KindClassifier, vocabulary: Vocabulary) -> None:
        self.classifier = classifier
        self.vocabulary = vocabulary
        # Words the corpus taught: a participant's own words, never a topic the bot lacks.
        self.known_words = classifier.vocabulary
        self._known_sorted = sorted(self.known_words)
        # Stems of the words that mostly mean one kind ("online"): never hidden with a name.
        self._telling = frozenset(fold_word(stem(w)) for w in classifier.telling)

    def knows(self, word: str) -> bool:
        """Whether participants write this word (the corpus has it, or a typo of one it has)."""
        if fold_word(word) in self.known_words or self.common(stem(word)):
            return True
        canonical = self.vocabulary.canonical(word)
        return canonical is not None and fold_word(canonical) in self.known_words

    def telling(self, key: str) -> bool:
        """Whether a stem mostly means one kind of question ("online", "parkering")."""
        return fold_word(key) in self._telling

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
            (s, g) for s, g in read if s.asks and (g.kind != "smalltalk" or self.timed(s.text))
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
            query = analyse(segment.text, self.vocabulary)
            for reading in (guess, *_second_reading(segment, guess)):
                if not any(p.kind == reading.kind for p in pieces):  # asked twice: once
                    pieces.append(Piece(segment, reading, query, second=reading is not guess))
        return pieces[:MAX_PIECES], None

    def timed(self, text: str) -> bool:
        """Whether a text names a day or a moment ("is it today?" is not small talk)."""
        query = analyse(text, self.vocabulary)
        return query.relative_day is not None or query.has("now") or query.has("next")

    def gibberish(self, text: str) -> bool:
        """Whether no word of the text is one the corpus or the knowledge knows ("asdf qwerty")."""
        words = [t for t in tokens(clean(text)) if t.isalpha()]
        return bool(words) and not any(
            fold_word(w) in self.known_words
            or self.common(stem(w))
            or self.vocabulary.canonical(w) is not None
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
