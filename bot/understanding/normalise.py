"""One spelling for the many ways a message is typed, before the classifier reads it.

Participants write "hvornår", "hvornaar" and "hvornar"; "kl 13", "kl. 13.00" and "13:00"; a phone
number, a link or an e-mail address in the middle of a sentence. The classifier should learn the
kind of question from the words around such things, not from the things themselves, so they are
folded to one spelling and masked as a placeholder word.
"""

from __future__ import annotations

import re
import unicodedata

from bot.understanding.text import clean, transliterate

_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_PHONE = re.compile(r"(?:\+45\s?)?\b\d{2}\s?\d{2}\s?\d{2}\s?\d{2}\b")
_CLOCK = re.compile(r"\b(?:kl\.?|klokken)\s*\d{1,2}(?:[.:]\d{2})?\b|\b\d{1,2}[.:]\d{2}\b")
_AMPM = re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s?(?:am|pm)\b")
_NUMBER = re.compile(r"\b\d+\b")
_NON_WORD = re.compile(r"[^\w?]+")


def for_classifier(text: str) -> str:
    """The message in the one spelling the classifier is trained and asked on."""
    text = clean(text)
    text = _URL.sub(" xurl ", text)
    text = _EMAIL.sub(" xmail ", text)
    text = _PHONE.sub(" xphone ", text)
    text = _CLOCK.sub(" xclock ", text)
    text = _AMPM.sub(" xclock ", text)
    text = _NUMBER.sub(" xnum ", text)
    return " ".join(fold_word(word) for word in _NON_WORD.sub(" ", text).split())


def fold_word(word: str) -> str:
    """One word in the classifier's spelling: "før" is "foer" (never "for"), "så" is "saa"."""
    word = transliterate(word)
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
