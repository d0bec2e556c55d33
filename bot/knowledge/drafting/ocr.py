"""Text recognised from slides or scans: find the damage and repair what is certain to repair.

Numbers first, in any source: a letter O or o among digits is a 0, an l or I a 1 ("1O.3O",
"2O24", "3l3"). Such a repair is certain enough to read the number, never to trust it: every
date and time read from a repaired line is marked unsure, and a number with another letter in
it ("9B": 8 or 3?) is left as it is.

A Danish text of some length with no æ, ø or å at all has lost them to recognition. Then the
usual damage is repaired word by word: "ee", "ae" and "eae" for æ ("seette", "feelles",
"repraesentanter"), a "g" between two consonants at a syllable's start for ø ("drgftelser",
"mgdes"), "o0g" for "og", and a short list of common words that need an å ("pa", "omrade",
"mader"). An "rn" that stands for "m" is repaired where no Danish word has it: at a word's start,
after a consonant ("Tilrnelding", "borgrnester") and doubled ("kornrnuner"). Every repair is
listed, so the draft marks what it read from the line unsure and names them.
"""

from __future__ import annotations

import re

_DANISH = frozenset("og er at det den til en et de som på pa med for af ikke der vi i".split())
_VOWELS = set("aeiouyæøåAEIOUYÆØÅ")
_A_WORDS = {
    "pa": "på", "fa": "få", "ma": "må", "sa": "så", "ogsa": "også", "bade": "både", "gar": "går",
    "star": "står", "aret": "året", "arlige": "årlige", "arlig": "årlig", "mader": "måder",
    "made": "måde", "maden": "måden", "forstaelse": "forståelse", "foregar": "foregår",
    "formalet": "formålet", "formal": "formål", "sma": "små", "spørgsmal": "spørgsmål",
    "spgrgsmal": "spørgsmål",
    "malet": "målet", "mal": "mål", "nar": "når", "hvordan": "hvordan", "aben": "åben",
}  # fmt: skip
_KEEP_EE = frozenset("ideer idee ideen armeen kaffe".split())


def damaged(text: str) -> bool:
    """A Danish text that has lost its æ, ø and å (or mixes digits into its words)."""
    words = re.findall(r"[A-Za-zÆØÅæøå0-9]+", text)
    if len(words) < 40:
        return False
    danish = sum(w.casefold() in _DANISH for w in words)
    special = sum(any(c in "æøåÆØÅ" for c in w) for w in words)
    return danish >= 8 and special == 0


def _fix_word(word: str) -> str:
    lower = word.casefold()
    if lower == "o0g":
        return "og"
    if lower in _A_WORDS:
        replacement = _A_WORDS[lower]
        return replacement[0].upper() + replacement[1:] if word[0].isupper() else replacement
    fixed = word
    if lower not in _KEEP_EE:
        fixed = re.sub(r"eae|ae|ee", "æ", fixed)
        fixed = re.sub(r"EAE|AE|EE", "Æ", fixed)
    chars = list(fixed)
    for i, char in enumerate(chars):
        if char not in "gG" or i + 1 >= len(chars):
            continue
        nxt = chars[i + 1]
        if nxt in _VOWELS or not nxt.isalpha():
            continue
        prev = chars[i - 1] if i > 0 else ""
        before_prev = chars[i - 2] if i > 1 else ""
        if i == 0 or (prev.isalpha() and prev not in _VOWELS and before_prev not in _VOWELS):
            if i == 0 and nxt not in "nls":
                continue
            chars[i] = "Ø" if char == "G" else "ø"
    fixed = "".join(chars)
    lower = fixed.casefold()
    if lower in _A_WORDS:
        replacement = _A_WORDS[lower]
        fixed = replacement[0].upper() + replacement[1:] if fixed[0].isupper() else replacement
    else:
        fixed = re.sub(r"omrad(e|et|er|erne|es)\b", r"områd\1", fixed)
        fixed = re.sub(r"Omrad(e|et|er|erne|es)\b", r"Områd\1", fixed)
    return fixed


_NUMBER_TOKEN = re.compile(r"(?<![\w@])[0-9OolI][0-9OolI.:,/–-]*[0-9OolI](?![\w@])")


def repair_numbers(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Numbers with letters recognised for digits repaired ("1O.3O" → "10.30"), and each
    (damaged, repaired) number."""
    changes: list[tuple[str, str]] = []

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        digits = sum(c.isdigit() for c in token)
        letters = [c for c in token if c in "OolI"]
        if not digits or not letters:
            return token
        fixed = token.translate(str.maketrans("OolI", "0011"))
        if (token, fixed) not in changes:
            changes.append((token, fixed))
        return fixed

    return _NUMBER_TOKEN.sub(one, text), changes


_RN = re.compile(
    r"(?:(?<![\w])rn|(?<=[bcdfghjklmnpqrstvwxz])rn|rn(?=[bcdfghjklmnpqrvwxz])|(?<=rn)rn)", re.I
)


def _fix_rn(word: str) -> str:
    """ "Tilrnelding" → "Tilmelding", "kornrnuner" → "kommuner": an "rn" no Danish word has."""
    return _RN.sub(lambda m: "M" if m[0][0] == "R" else "m", word)


def rn_damage(text: str) -> int:
    """How many words have an "rn" that recognition made of an "m"."""
    return sum(1 for w in re.findall(r"(?<![@.\w])[A-Za-zæøåÆØÅ]+(?![@\w])", text) if _RN.search(w))


def repair(text: str, letters: bool = True) -> tuple[str, list[tuple[str, str]]]:
    """The text repaired, and each (damaged, repaired) word (``letters``: æ, ø and å too, else
    only "rn" for "m")."""
    changes: list[tuple[str, str]] = []

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = _fix_rn(word)
        fixed = _fix_word(fixed) if letters else fixed
        if fixed != word and (word, fixed) not in changes:
            changes.append((word, fixed))
        return fixed

    # not inside an e-mail address or a link: "rnho@rn.example.dk" is left as it is
    return re.sub(r"(?<![@.\w/])[A-Za-z0-9]+(?![@\w]|\.\w)", one, text), changes
