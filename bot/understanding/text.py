"""Text handling for questions and knowledge: markup removal, tokens, spelling-tolerant matching.

Participants type Danish the way people do: lower case, typos, "aa"/"ae"/"oe" for å/æ/ø or no
accents at all, inflected forms, and sometimes text pasted with HTML. A question's tokens are
mapped onto the vocabulary of the knowledge base and the lexicon in three steps, stopping at the
first that works: the exact word, the same word with æøå folded away (``skeleton``), and the
nearest vocabulary word within a small edit distance (rapidfuzz). Matched words are then stemmed
with the Danish Snowball stemmer so that "frokosten" meets "frokost".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from bs4 import BeautifulSoup
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MAX_QUESTION_CHARS = 2000
TOKEN_RE = re.compile(r"\d{1,2}[.:]\d{2}(?!\d)|\d+|[^\W\d_]+(?:'[^\W\d_]+)*", re.UNICODE)
_MARKUP_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
_STEMMER = snowballstemmer.stemmer("danish")


def strip_markup(text: str) -> str:
    """Plain text from text that may hold HTML tags or entities."""
    if _MARKUP_RE.search(text):
        text = BeautifulSoup(text, "html.parser").get_text(" ")
    return html.unescape(text)


def clean(text: str) -> str:
    """Normalise a question for analysis: plain text, NFKC, case-folded, bounded in length."""
    text = strip_markup(text[: MAX_QUESTION_CHARS * 2])
    text = unicodedata.normalize("NFKC", text)[:MAX_QUESTION_CHARS]
    return text.casefold().replace("’", "'").replace("‘", "'")


def tokens(text: str) -> list[str]:
    """Word, number and clock-time tokens of already cleaned text."""
    return TOKEN_RE.findall(text)


def transliterate(word: str) -> str:
    """How a word is typed without æøå: 'før' -> 'foer', 'hvornår' -> 'hvornaar'."""
    return word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def skeleton(word: str) -> str:
    """A spelling-insensitive key: 'hvornår', 'hvornaar' and 'hvornar' share one."""
    word = transliterate(word)
    word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return word.replace("aa", "a").replace("ae", "e").replace("oe", "o")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Danish Snowball stem; numbers and clock times are kept as they are."""
    if not word.isalpha():
        return word
    result: str = _STEMMER.stemWord(word)
    return result


def is_clock(token: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}[.:]\d{2}", token))


def _max_distance(word: str) -> int:
    # Short words are too easily confused ("salen"/"talen"), so only longer words get a typo.
    if len(word) >= 10:
        return 2
    if len(word) >= 6:
        return 1
    return 0


class Vocabulary:
    """Known words, and the way from a typed word to the known word it most likely means."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words: set[str] = set(words)
        self._by_skeleton: dict[str, str] = {}
        self._by_ascii: dict[str, str] = {}
        for word in sorted(self.words):  # sorted: ties resolve the same way every run
            self._by_skeleton.setdefault(skeleton(word), word)
            if transliterate(word) != word:
                self._by_ascii.setdefault(transliterate(word), word)
        self._skeletons = list(self._by_skeleton)
        self._cache: dict[str, str | None] = {}
        self._stems = {stem(w) for w in self.words}

    def canonical(self, word: str) -> str | None:
        """The known word meant by ``word``, or None when nothing close is known."""
        if word in self.words:
            return word
        if word in self._cache:
            return self._cache[word]
        result = self._lookup(word)
        if len(self._cache) < 100_000:
            self._cache[word] = result
        return result

    def _lookup(self, word: str) -> str | None:
        # "foer" is "før" written without ø, before it is "for" with a typo.
        if word in self._by_ascii:
            return self._by_ascii[word]
        key = skeleton(word)
        if key in self._by_skeleton:
            return self._by_skeleton[key]
        limit = _max_distance(key)
        if not limit or not word.isalpha():
            return None
        match = process.extractOne(
            key,
            self._skeletons,
            scorer=Levenshtein.distance,
            score_cutoff=limit,
            processor=None,
        )
        if match is None:
            return None
        candidate = match[0]
        # Typos rarely hit the first letter; requiring it keeps unrelated words apart.
        if candidate[0] != key[0]:
            return None
        return self._by_skeleton[candidate]

    def split_compound(self, word: str) -> list[str] | None:
        """Read an unknown Danish compound as two known words: 'velkomsttalen' -> 'velkomst',
        'talen'; 'innovationstemadagen' -> 'innovation', 'temadagen' (with the linking s)."""
        if len(word) < 8 or not word.isalpha():
            return None
        # Both parts at least four letters: "meningen" is not "men" + "ingen".
        for cut in range(len(word) - 4, 3, -1):  # longest first part first
            head, tail = word[:cut], word[cut:]
            if head not in self.words:
                continue
            for rest in (tail, tail[1:] if tail[0] in "se" else ""):
                if len(rest) >= 4 and (rest in self.words or stem(rest) in self._stems):
                    return [head, rest]
        return None
