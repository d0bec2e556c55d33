"""A message cut into the pieces a person asks, and the pieces around them.

People write "Hej. Jeg sidder i kørestol. Hvornår starter det, og hvor skal vi være? Mvh Else":
a greeting, a situation, two questions and a signature. Each question is answered on its own;
the situation is context (it neither hides a question nor is answered by accident); greetings
and signatures are not questions. Cutting is deliberately simple (sentences, then "og"/"and"
before a new question word); the classifier decides what each piece is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.text import clean, skeleton

# A full stop after these, or after a number ("31. maj"), does not end a sentence.
_ABBREVIATIONS = frozenset(
    "kl d ca nr v bl fx f eks pga mht jf evt ift tlf mv osv dvs inkl ekskl att vedr ang st".split()
)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s)|[!?]+|\n+")
# Where a signature begins; everything after it is the sender, not the message.
_CLOSING = re.compile(
    r"^(?:med\s+)?(?:venlig(?:ste)?|mange|kærlig|bedste|de\s+bedste)?\s*hilsen(?:er)?\b|^mvh\b"
    r"|^vh\b|^kh\b|^(?:kind|best|warm)\s+regards\b|^regards\b|^best\s+wishes\b|^cheers\b"
    r"|^sincerely\b|^yours\b",
)
# The first words of a question, folded (see ``skeleton``): a new question after "og"/"and".
_QUESTION_START = frozenset(
    skeleton(w)
    for w in (
        "hvornår hvor hvem hvad hvilken hvilke hvilket hvordan hvorfor hvorn kan må skal er "
        "bliver får findes gælder vil har kommer starter slutter "
        "when where who what which how why can may must is are do does will should could"
    ).split()
)
_YES_NO = re.compile(
    r"^(?:kan|ma|skal|er|bliver|far|findes|galder|vil|har|kommer|can|may|is|are|do|does|will"
    r"|should|could|must)\s+(?:jeg|man|vi|i|du|der|det|den|de|min|mit|mine|vores|it|there|we"
    r"|you|they|my|our|the)\b"
)
_INVERTED = re.compile(r"^[a-z]+ (?:det|der|man|jeg|vi|i|du|de|it|there|we|you|they)\b")
_ASKS = re.compile(
    r"\b(?:hvornar|hvor|hvem|hvad|hvilk\w*|hvordan|hvorfor|when|where|who|what|which|how|why)\b"
)
_CONTRAST = re.compile(r",?\s+(?:men|but)\s+", re.IGNORECASE)
_CONJUNCTION = re.compile(r",?\s+(?:og|and|samt|plus)\s+|,\s+")


@dataclass(frozen=True)
class Segment:
    """One piece of a message: its text, and whether it is put as a question."""

    text: str
    asks: bool


def segments(message: str) -> list[Segment]:
    """The pieces of a message in order, the signature cut off."""
    pieces: list[Segment] = []
    for sentence in sentences(clean(message)):
        folded = skeleton(sentence.strip(" ,;:-"))
        if _CLOSING.match(folded):
            break
        clauses = _clauses(sentence)
        for clause in clauses:
            text = clause.strip(" ,;:-")
            # "hvornår starter og slutter det": a clause split off a question asks too.
            if text:
                pieces.append(Segment(text, len(clauses) > 1 or _asks(text)))
    return pieces


def sentences(text: str) -> list[str]:
    """A text cut into sentences; "kl. 13.00", "31. maj" and "ca. 90" stay whole."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rsplit(None, 1)
        last = before[-1] if before else ""
        if match.group().startswith(".") and (last.isdigit() or last in _ABBREVIATIONS):
            continue
        parts.append(text[start : match.end()])
        start = match.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _clauses(sentence: str) -> list[str]:
    """Split at "men"/"but" (two statements: "Nej tak til frokost, men jeg deltager gerne"),
    and before "og"/"and" (or a comma) where a new question begins after it."""
    parts = [p for p in _CONTRAST.split(sentence) if p.strip()]
    if len(parts) > 1:
        return [c for part in parts for c in _clauses(part)]
    clauses: list[str] = []
    start = 0
    for match in _CONJUNCTION.finditer(sentence):
        rest = sentence[match.end() :]
        after = rest.split(None, 1)
        before = sentence[start : match.start()]
        # A new question after "og": a question word, or a verb before its subject ("og
        # koster det noget").
        new_question = bool(after) and (
            skeleton(after[0]) in _QUESTION_START or bool(_INVERTED.match(skeleton(rest)))
        )
        if not new_question or not _asks(before):
            continue
        clauses.append(before)
        start = match.end()
    clauses.append(sentence[start:])
    return clauses


def _asks(text: str) -> bool:
    folded = skeleton(text.strip())
    return text.rstrip().endswith("?") or bool(_YES_NO.match(folded)) or bool(_ASKS.search(folded))
