"""Similar questions grouped: what staff see as "asked N times" of the questions the bot could
not answer, so one answer serves them all.

A question's key is its content words: cleaned as the answering core cleans questions, without
the words that say nothing about the topic (the core's stop words, and a few verbs of bringing
along), stemmed with the Danish Snowball stemmer and folded to a spelling-insensitive skeleton,
so "Må jeg tage min førerhund med?" and "Er førerhunde tilladt?" have the keys
``forerhund`` and ``forerhund tillad``. Two questions are as similar as rapidfuzz's token-set
ratio of their keys (order and repetition do not count; a key contained in the other scores 100).

Questions are grouped by average-linkage agglomerative clustering (scikit-learn) on one minus
that similarity, cut at :data:`THRESHOLD`: a question joins a group when it is, on average,
at least that similar to the group's questions. Deterministic: no randomness, and the input
order (by case number) fixes the order of groups of the same size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from bot.answering.lexicon import STOPWORDS_DA, STOPWORDS_EN
from bot.understanding.text import clean, skeleton, stem, tokens

# The similarity (0-100) at which questions count as the same question.
THRESHOLD = 70.0
# Verbs of bringing along: "tage med", "have med", "bring": they say nothing of what.
_FILLER = frozenset({"tage", "tager", "taget", "bring", "bringe", "medbringe", "take", "have"})
_STOP = frozenset(STOPWORDS_DA | STOPWORDS_EN | _FILLER)
_STOP_KEYS = frozenset(skeleton(stem(word)) for word in _STOP)
# More questions than this are grouped by their first words alone (the page shows the newest).
MAX_QUESTIONS = 2000


def key(question: str) -> str:
    """The question's content words, stemmed and folded, sorted and without repeats."""
    words: set[str] = set()
    for token in tokens(clean(question)):
        if token in _STOP:
            continue
        folded = skeleton(stem(token))
        if folded and folded not in _STOP_KEYS:
            words.add(folded)
    if not words:  # nothing but small words ("Hvad så?"): the question as it is
        return " ".join(tokens(clean(question)))
    return " ".join(sorted(words))


def similarity(a: str, b: str) -> float:
    """How alike two questions are, 0 to 100."""
    return float(fuzz.token_set_ratio(key(a), key(b)))


@dataclass(frozen=True)
class Group:
    """Questions that ask the same: the ids given with them, in the order given."""

    ids: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.ids)


def group(questions: Sequence[tuple[int, str]], threshold: float = THRESHOLD) -> list[Group]:
    """Group ``(id, question)`` pairs; the largest groups first, then by their first id."""
    items = list(questions)[:MAX_QUESTIONS]
    if len(items) < 2:
        return [Group((i,)) for i, _q in items]
    keys = [key(q) for _i, q in items]
    scores: Any = cdist(keys, keys, scorer=fuzz.token_set_ratio, dtype=np.float64)
    distances = 1.0 - np.asarray(scores, dtype=np.float64) / 100.0
    np.fill_diagonal(distances, 0.0)
    labels = _clusters(distances, 1.0 - threshold / 100.0)
    members: dict[int, list[int]] = {}
    for (case_id, _q), label in zip(items, labels, strict=True):
        members.setdefault(int(label), []).append(case_id)
    groups = [Group(tuple(ids)) for ids in members.values()]
    order = {case_id: n for n, (case_id, _q) in enumerate(items)}
    return sorted(groups, key=lambda g: (-len(g), order[g.ids[0]]))


def _clusters(distances: Any, cut: float) -> list[int]:
    """Average-linkage clusters of a distance matrix, merged while closer than ``cut``."""
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        # Merged while the average distance is at most ``cut`` (sklearn merges below it).
        distance_threshold=cut + 1e-9,
    )
    return [int(label) for label in model.fit_predict(distances)]
