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
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from bot.understanding import normalise, trained
from bot.understanding.corpus import Example, corpus_files, load_corpus
from bot.understanding.normalise import for_classifier

# The softmax temperature over the machine's decision values (see the module docstring).
TEMPERATURE = 0.1


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
        self._lock = threading.Lock()  # scikit-learn estimators are not documented thread-safe

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def guess(self, text: str) -> Guess:
        return self.guess_many([text])[0]

    def guess_many(self, texts: Sequence[str]) -> list[Guess]:
        # The model was checked when it was fitted and its input is text: scikit-learn's checks
        # of parameters and of finite numbers at every call cost as much as the guess itself.
        with self._lock, sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            scores = self.pipeline.decision_function([for_classifier(t) for t in texts])
        scores = np.asarray(scores, dtype=float) / self.temperature
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities = scores / scores.sum(axis=1, keepdims=True)
        guesses = []
        for row in probabilities:
            order = np.argsort(-row, kind="stable")[:5]
            guesses.append(Guess(tuple((self.kinds[i], float(row[i])) for i in order)))
        return guesses


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
