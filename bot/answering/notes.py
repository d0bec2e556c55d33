"""The free notes of a source (facts and question-and-answer entries), each with its kind.

A note answers a question only when it is of the kind asked: an entry about parking never answers
"whom do I call?", a background sentence never answers "when?". A curator may state a note's kind
in the knowledge file (``kind: hearing-loop``); otherwise the understanding reads it from the
entry's own questions, or from a fact's topic and keywords, the way it reads a participant's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.schema import QA, Background, Event, Fact
from bot.understanding.classifier import KindClassifier
from bot.understanding.kinds import KINDS

# Below this the reading of a fact's topic is not trusted, and the fact is plain knowledge.
FACT_KIND_MIN = 0.45


@dataclass(frozen=True)
class Note:
    """A fact or an entry, the kind of question it answers, and where it comes from."""

    ref: Fact | QA
    kind: str
    source_id: str
    stated: bool = False  # the curator wrote the kind in the file


def note_kinds(
    sources: Sequence[Event | Background], classifier: KindClassifier
) -> dict[str, list[Note]]:
    """Every source's notes with their kinds, by source id."""
    texts: list[str] = []
    refs: list[tuple[str, Fact | QA]] = []
    for source in sources:
        for fact in source.facts:
            refs.append((source.id, fact))
            texts.append(" ".join([fact.topic, *fact.keywords]))
        for qa in source.faq:
            refs.append((source.id, qa))
            texts.append(" ".join(qa.questions))
    guesses = classifier.guess_many(texts) if texts else []
    notes: dict[str, list[Note]] = {source.id: [] for source in sources}
    for (source_id, ref), guess in zip(refs, guesses, strict=True):
        stated = getattr(ref, "kind", None)
        if stated in KINDS:
            notes[source_id].append(Note(ref, str(stated), source_id, stated=True))
            continue
        elif isinstance(ref, QA) or guess.confidence >= FACT_KIND_MIN:
            kind = guess.kind
        else:
            kind = "fact"
        notes[source_id].append(Note(ref, kind, source_id))
    return notes


class NoteSearch:
    """How close a question is to each note, by character n-grams of the folded text.

    Stems must match exactly; this forgives inflection, compounds and typos ("hvor mange var
    med" meets a note whose keywords say "hvor mange, deltog"). It only ranks notes: whether the
    best one may answer is decided by its kind and a threshold.
    """

    def __init__(self, notes: Sequence[Note]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        from bot.understanding.normalise import for_classifier

        self._fold = for_classifier
        self.notes = list(notes)
        self._row = {id(n.ref): i for i, n in enumerate(self.notes)}
        texts = [self._fold(_note_words(n.ref)) for n in self.notes]
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
        )
        # A knowledge base without notes has nothing to search (and nothing to fit on).
        self._matrix = self._vectorizer.fit_transform(texts) if texts else None

    def best(self, question: str, among: Sequence[Note]) -> tuple[Note | None, float]:
        """The note of ``among`` closest to the question, and the cosine similarity."""
        rows = [self._row[id(n.ref)] for n in among if id(n.ref) in self._row]
        if not rows or self._matrix is None:
            return None, 0.0
        vector = self._vectorizer.transform([self._fold(question)])
        scores = (self._matrix[rows] @ vector.T).toarray().ravel()
        best = int(scores.argmax())
        return self.notes[rows[best]], float(scores[best])


def _note_words(ref: Fact | QA) -> str:
    if isinstance(ref, QA):
        return " ".join([*ref.questions, *ref.keywords])
    return " ".join([ref.topic, *ref.keywords, ref.text])
