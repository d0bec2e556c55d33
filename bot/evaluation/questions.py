"""The three questions, the answers each takes, and answers read from what a person writes.

1. Overall satisfaction, 1 (not at all) to 5 (very).
2. Was it accessible for you, and did the practical things work: yes, partly, no.
3. Would you come again: yes, maybe, no.

:func:`read_answers` reads a reply in words: the short form the e-mail suggests ("4, ja, ja",
"1. 4  2. delvis  3. ja") and, failing that, plain prose ("Det var en god dag, og jeg kommer
gerne igen"). What it does not read as one of the three answers is the comment, so nothing the
person wrote is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.i18n import N_

SATISFACTION, PRACTICAL, AGAIN, COMMENT = "satisfaction", "practical", "again", "comment"
STEPS: Final = (SATISFACTION, PRACTICAL, AGAIN, COMMENT)
SCORES: Final = (1, 2, 3, 4, 5)
PRACTICAL_ANSWERS: Final = ("yes", "partly", "no")
AGAIN_ANSWERS: Final = ("yes", "maybe", "no")
ANSWERS: Final = {PRACTICAL: PRACTICAL_ANSWERS, AGAIN: AGAIN_ANSWERS}

QUESTIONS: Final = {
    SATISFACTION: N_("How satisfied were you with the day overall? (1 = not at all, 5 = very)"),
    PRACTICAL: N_("Was it accessible for you, and did the practical things work?"),
    AGAIN: N_("Would you come again?"),
}
LABELS: Final = {
    "yes": N_("Yes"),
    "partly": N_("Partly"),
    "maybe": N_("Maybe"),
    "no": N_("No"),
}


@dataclass(frozen=True)
class Answers:
    """What one person answered; None where they did not answer (or it could not be read)."""

    satisfaction: int | None = None
    practical: str | None = None
    again: str | None = None
    comment: str | None = None

    @property
    def empty(self) -> bool:
        return (self.satisfaction, self.practical, self.again, self.comment) == (None,) * 4


# One word or short phrase for an answer, Danish and English; "middle" is partly or maybe.
_YES = r"ja|jo|yes|yep|absolut|gerne|helt sikkert|bestemt|sure|definitely"
_MIDDLE = r"delvis|delvist|nogenlunde|til dels|måske|maaske|maybe|perhaps|partly|somewhat|ved ikke"
_NO = r"nej|no|nope|ikke"
_WORD = rf"(?:{_YES}|{_MIDDLE}|{_NO})"
_SCORE = r"[1-5](?:\s*(?:/\s*5|ud af 5|out of 5))?"
_SEP = r"\s*(?:[,;/\n]|\band\b|\bog\b|\s)\s*(?:\d\s*[.):]\s*)?"
# "4, ja, ja" or "1. 4  2) delvis  3: ja", at the start of the reply; the rest is the comment.
_SHORT = re.compile(
    rf"^\s*(?:1\s*[.):]\s*)?(?P<score>{_SCORE})[.!]?{_SEP}(?P<second>{_WORD})[.!]?"
    rf"(?:{_SEP}(?P<third>{_WORD})\b[.!]?)?",
    re.IGNORECASE,
)
_SCORE_ONLY = re.compile(rf"^\s*(?P<score>{_SCORE})\s*[.!]?\s*(?:$|\n)", re.IGNORECASE)
_ANY_SCORE = re.compile(
    r"(?:\b(?P<a>[1-5])\s*(?:/\s*5|ud af 5|out of 5)\b)|(?:\b(?:giver|give|karakter|score)\D{0,12}"
    r"(?P<b>[1-5])\b)",
    re.IGNORECASE,
)
# Prose: a few ways people say each answer; the first that matches wins, "not" before "yes".
_PROSE: Final = {
    AGAIN: (
        (r"\b(kommer|deltager|come)\w*\s+(ikke|never|not)\b.{0,20}\b(igen|again)\b", "no"),
        (r"\b(won't|will not|ikke)\s+(komme|come)\b.{0,20}\b(igen|again)\b", "no"),
        (r"\bmåske\b.{0,30}\bigen\b|\bmaybe\b.{0,30}\bagain\b", "maybe"),
        (r"\b(kommer|komme|deltage|deltager|come|attend)\w*\b.{0,30}\b(igen|again)\b", "yes"),
        (r"\bnæste gang\b|\bnext (time|year)\b", "yes"),
    ),
    PRACTICAL: (
        (r"\b(ikke|not|no)\b.{0,25}\b(tilgængelig|accessible|fungerede|worked)\w*", "no"),
        (r"\b(svært|svaert|hard|difficult)\b.{0,25}\b(komme|get|find)\w*", "partly"),
        (r"\b(tilgængelig|accessible|fungerede|worked|virkede)\w*\b", "yes"),
    ),
}


def _word(text: str, step: str) -> str | None:
    """A short answer word as the answer to ``step`` (yes/partly/no or yes/maybe/no)."""
    folded = text.casefold().strip()
    if re.fullmatch(_YES, folded):
        return "yes"
    if re.fullmatch(_NO, folded):
        return "no"
    if re.fullmatch(_MIDDLE, folded):
        return "partly" if step == PRACTICAL else "maybe"
    return None


def _score(text: str) -> int | None:
    digits = re.match(r"\s*([1-5])", text)
    return int(digits.group(1)) if digits else None


def read_step(step: str, text: str) -> int | str | None:
    """A typed answer to one question ("4", "ja", "delvis"), or None when it is not one."""
    text = text.strip().strip(".!")
    if step == SATISFACTION:
        found = re.fullmatch(_SCORE, text, re.IGNORECASE)
        return _score(text) if found else None
    if step in ANSWERS:
        return _word(text, step)
    return None


# A greeting on a line of its own before the answers ("Hej", "Kære sekretariat,").
_GREETING = re.compile(r"^\s*(?:hej|hi|hello|dear|kære|goddag|god dag)\b[^\n]{0,40}\n", re.I)


def read_answers(text: str) -> Answers:
    """The answers in a reply, and the rest of it as the comment (the whole reply when none of
    it reads as the short form)."""
    text = _GREETING.sub("", text.strip(), count=1).strip()
    if not text:
        return Answers()
    short = _SHORT.match(text)
    if short is not None:
        rest = text[short.end() :].lstrip(" \t\n,.;:-").rstrip()
        third = short.group("third")
        return Answers(
            satisfaction=_score(short.group("score")),
            practical=_word(short.group("second"), PRACTICAL),
            again=_word(third, AGAIN) if third else None,
            comment=rest or None,
        )
    only = _SCORE_ONLY.match(text)
    if only is not None:
        rest = text[only.end() :].strip()
        return Answers(satisfaction=_score(only.group("score")), comment=rest or None)
    # Prose: what can be read from it, and all of it kept as the comment.
    score = _ANY_SCORE.search(text)
    found: dict[str, str] = {}
    for step, ways in _PROSE.items():
        for pattern, answer in ways:
            if re.search(pattern, text, re.IGNORECASE | re.DOTALL):
                found[step] = answer
                break
    return Answers(
        satisfaction=int(score.group("a") or score.group("b")) if score else None,
        practical=found.get(PRACTICAL),
        again=found.get(AGAIN),
        comment=text,
    )
