"""What kind of question a piece of a message is, and how sure the understanding is of it.

A linear support vector machine over character n-grams (robust to typos, inflections and missing
æøå) and word n-grams (word order: "hvad sker der efter" against "hvad sker der før"), trained on
the labelled corpus when first needed (seconds; the model is then kept on disk, see
``trained.py``). Training is deterministic: the same corpus
gives the same model, so an answer never changes between two runs of the same code. Its decision
values are turned into probabilities by a softmax with a temperature chosen on held-out writers
(see ``bench/understanding_eval.py``); the thresholds that turn them into "answer" or "hand over"
live with the answering core.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from bot.understanding import normalise, trained
from bot.understanding.corpus import Example, corpus_files, load_corpus
from bot.understanding.normalise import for_classifier

# The softmax temperature over the machine's decision values (see the module docstring).
TEMPERATURE = 0.1
# Distinct texts whose guess is remembered: participants ask the same few questions again and
# again, and a guess depends on nothing but the text.
REMEMBERED = 4096


@dataclass(frozen=True)
class Guess:
    """The kinds a text may be, most likely first, with their probabilities."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def kind(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    @property
    def margin(self) -> float:
        """How far the best kind is ahead of the next: small when two kinds fit equally."""
        second = self.ranked[1][1] if len(self.ranked) > 1 else 0.0
        return self.ranked[0][1] - second

    def probability(self, kind: str) -> float:
        return next((p for k, p in self.ranked if k == kind), 0.0)


class KindClassifier:
    """The trained model; ``guess`` is safe to call from several threads."""

    def __init__(
        self, examples: Sequence[Example], c: float = 1.0, temperature: float = TEMPERATURE
    ) -> None:
        self.temperature = temperature
        single = [e for e in examples if len(e.kinds) == 1]
        self.pipeline = Pipeline(
            [
                (
                    "features",
                    FeatureUnion(
                        [
                            (
                                "chars",
                                TfidfVectorizer(
                                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True
                                ),
                            ),
                            (
                                "words",
                                TfidfVectorizer(
                                    analyzer="word",
                                    ngram_range=(1, 2),
                                    sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w+\b|\?",
                                ),
                            ),
                        ]
                    ),
                ),
                ("model", LinearSVC(C=c, random_state=0)),  # liblinear shuffles: fix it
            ]
        )
        self.pipeline.fit([for_classifier(e.text) for e in single], [e.kinds[0] for e in single])
        self.kinds: list[str] = [str(k) for k in self.pipeline.classes_]
        words = self.pipeline.named_steps["features"].transformer_list[1][1].vocabulary_
        self.vocabulary: frozenset[str] = frozenset(w for w in words if " " not in w)
        self.telling: frozenset[str] = _telling_words(single)
        self._prepare()

    def _prepare(self) -> None:
        self._scorer = _Scorer(self.pipeline)
        self._remembered: Callable[[str], Guess] = lru_cache(maxsize=REMEMBERED)(self._guess)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_scorer"], state["_remembered"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepare()

    def guess(self, text: str) -> Guess:
        return self._remembered(for_classifier(text))

    def guess_many(self, texts: Sequence[str]) -> list[Guess]:
        return [self.guess(t) for t in texts]

    def _guess(self, folded: str) -> Guess:
        scores = self._scorer.scores(folded) / self.temperature
        scores = np.exp(scores - scores.max())
        row = scores / scores.sum()
        order = np.argsort(-row, kind="stable")[:5]
        return Guess(tuple((self.kinds[i], float(row[i])) for i in order))


class _Scorer:
    """The fitted pipeline's decision values for one text, computed from its parts directly.

    The same arithmetic as ``pipeline.decision_function`` (each vectoriser's sublinear tf-idf,
    normalised to unit length, then the machine's weights and intercepts), without building
    sparse matrices and running scikit-learn's generic machinery for a single row, which cost
    ten times the arithmetic: a guess is on the path of every chat message and every signup.
    ``tests/understanding/test_understanding.py`` holds it equal to the pipeline.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        union: FeatureUnion = pipeline.named_steps["features"]
        model: LinearSVC = pipeline.named_steps["model"]
        self.parts: list[tuple[Callable[[str], list[str]], dict[str, int], NDArray[Any], int]] = []
        offset = 0
        for _name, vectoriser in union.transformer_list:
            vocabulary = {str(term): int(i) for term, i in vectoriser.vocabulary_.items()}
            self.parts.append((vectoriser.build_analyzer(), vocabulary, vectoriser.idf_, offset))
            offset += len(vocabulary)
        self.weights: NDArray[Any] = np.asarray(model.coef_, dtype=float)
        self.intercept: NDArray[Any] = np.asarray(model.intercept_, dtype=float)

    def scores(self, text: str) -> NDArray[Any]:
        total = self.intercept.copy()
        for analyse, vocabulary, idf, offset in self.parts:
            counts = Counter(i for i in map(vocabulary.get, analyse(text)) if i is not None)
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=float, count=len(counts))
            values = (np.log(tf) + 1.0) * idf[columns]
            values /= np.linalg.norm(values)
            total += self.weights[:, columns + offset] @ values
        return total


def _telling_words(examples: Sequence[Example], least: int = 5) -> frozenset[str]:
    """Words (folded) participants use in asking one kind of question more than any other:
    "online", "parkering", "sekretariatet". Such a word may say what is asked even where an
    event's name holds it too. Questions of knowledge ("hvad er socialaftalen?") are told by
    their topic, not their words: a word mostly seen in them names a thing, and never counts."""
    by_word: dict[str, Counter[str]] = {}
    for example in examples:
        for word in set(re.findall(r"\w+", for_classifier(example.text))):
            by_word.setdefault(word, Counter())[example.kinds[0]] += 1
    topical = {"fact", "purpose", "who-is", "other"}
    return frozenset(
        word
        for word, kinds in by_word.items()
        if sum(kinds.values()) >= least and kinds.most_common(1)[0][0] not in topical
    )


@cache
def default_classifier() -> KindClassifier:
    """The classifier trained on the package's corpus, built once per process, and kept on disk
    between processes where ``trained.keep_in`` says (training takes seconds). The key is made
    from the corpus files as they are, so a kept model is found without parsing them."""
    key = trained.digest(
        [
            Path(__file__).read_bytes(),
            Path(normalise.__file__).read_bytes(),
            *(path.read_bytes() for path in corpus_files()),
        ]
    )
    return trained.load_or_train(
        "kinds", key, lambda: KindClassifier(load_corpus()), KindClassifier
    )
