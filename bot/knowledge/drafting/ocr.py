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
after a consonant ("Tilrnelding", "borgrnester") and doubled ("kornrnuner"); elsewhere only
where the word with "m" is one the draft knows ("Velkornst", "Kirn", "plenurn"): a common word of
invitations, a given name, or a word the text itself writes undamaged. A "1" inside a word of
letters is an "l" ("ti1", "Sjae11and", "apri1"; in an address "1efr@...examp1e.dk", though not
at the end of its name, "anna1@") where the text has that damage more than once. In an address's
domain an "rn" is repaired only into a word the draft knows ("esbjerg.exarnple.dk"), never in the
name before the "@". Every repair
is listed, so the draft marks what it read from the line unsure and names them.
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
# Words of invitations with an "m" that recognition turns into "rn" where the "rn" could be
# Danish ("Velkornst": "rns" as in "børns"); a word is repaired only into one of these, a given
# name, or a word the text writes elsewhere.
_M_WORDS = frozenset(
    """velkomst velkommen komme kommer kommune kommuner kommunen kommunerne kommunernes kom
    plenum forum program programmet programmer tema temaet temadag temamøde møde mødet møder
    mødes mødested mødestedet mødecenter medlem medlemmer medlemmerne formand formanden
    formandskab borgmester moderator samling opsamling forsamling sammen samarbejde
    samtale system systemet emne emner rum rummet lokale mail email e-mail maj marts som
    mere mest meget mellem med mod modtager modtage tilmelding tilmeldingen tilmeldt
    stemme stemmer hjem hjemme hjemmet form former normer time timer minutter kommentar
    summit team teams zoom room example""".split()
)


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


def known_words(text: str) -> frozenset[str]:
    """The words an "rn" may be repaired into: the common ones, given names, and those the text
    writes with an "m" itself."""
    from bot.knowledge.drafting.given_names import FIRST_NAMES

    own = {w.casefold() for w in re.findall(r"[A-Za-zæøåÆØÅ]+", text) if "m" in w.casefold()}
    return _M_WORDS | FIRST_NAMES | frozenset(own)


def _fix_rn_known(word: str, known: frozenset[str]) -> str:
    """ "Velkornst" → "Velkomst", "Kirn" → "Kim": an "rn" the rules leave, where the word with
    "m" is known and the word as written is not."""
    if "rn" not in word.casefold() or word.casefold() in known:
        return word
    fixed = re.sub("rn", "m", re.sub("RN", "M", word))
    return fixed if fixed.casefold() in known else word


# "ti1", "Sjae11and", "apri1", "1ands": a 1 for an l among letters (not "1st", not "A1")
_ONE = re.compile(
    r"(?<![\w@])(?=[A-Za-z1]*[a-z]{2})(?!1(?:st|nd|rd|th)\b)[A-Za-z]*1[A-Za-z1]*(?![\w@])"
)


def one_damage(text: str) -> int:
    """How many words have a "1" among their letters, as recognition writes an "l"."""
    return sum(1 for w in _ONE.findall(text) if re.search(r"[A-Za-z]", w))


def repair_ones(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Words and the domains of addresses with a "1" among letters repaired ("ti1" → "til",
    "examp1e.dk" → "example.dk"), and each (damaged, repaired) word."""
    changes: list[tuple[str, str]] = []

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = word.replace("1", "l")
        if (word, fixed) not in changes:
            changes.append((word, fixed))
        return fixed

    def domain(match: re.Match[str]) -> str:  # only a label's 1 between two letters
        host = match.group(0)
        fixed = re.sub(r"(?<=[a-z])1+(?=[a-z])", lambda m: "l" * len(m[0]), host)
        if fixed != host and (host, fixed) not in changes:
            changes.append((host, fixed))
        return fixed

    def local(match: re.Match[str]) -> str:  # before the "@": not a 1 at its end ("anna1@")
        name = match.group(0)
        fixed = re.sub(r"1+(?=[a-z])", lambda m: "l" * len(m[0]), name)
        if fixed != name and (name, fixed) not in changes:
            changes.append((name, fixed))
        return fixed

    text = re.sub(r"(?<![\w.+-])[a-z1][a-z1.]*(?=@)", local, text)
    text = re.sub(r"(?:(?<=@)|(?<=www\.)|(?<=://))[\w-]+(?:\.[\w-]+)+", domain, text)
    text = re.sub(r"(?<![@.\w/])[A-Za-z1]+(?![@\w]|\.\w)", lambda m: _ONE.sub(one, m[0]), text)
    return text, changes


def repair(
    text: str, letters: bool = True, known: frozenset[str] = frozenset()
) -> tuple[str, list[tuple[str, str]]]:
    """The text repaired, and each (damaged, repaired) word (``letters``: æ, ø and å too, else
    only "rn" for "m"; ``known``: the words an "rn" the rules leave may be repaired into)."""
    changes: list[tuple[str, str]] = []

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        # "0rdstyrer": no word begins with the digit 0 before letters; it is an O
        fixed = "O" + word[1:] if re.fullmatch(r"0[a-z]{2,}", word) else word
        fixed = _fix_rn_known(_fix_rn(fixed), known)
        fixed = _fix_word(fixed) if letters else fixed
        if fixed != word and (word, fixed) not in changes:
            changes.append((word, fixed))
        return fixed

    def label(match: re.Match[str]) -> str:
        # a domain's label only into a word the draft knows, never a given name: "exarnple.dk"
        host = match.group(0)
        words = known - FIRST_NAMES
        fixed = ".".join(_fix_rn_known(part, words) for part in host.split("."))
        if fixed != host and (host, fixed) not in changes:
            changes.append((host, fixed))
        return fixed

    from bot.knowledge.drafting.given_names import FIRST_NAMES

    text = re.sub(r"(?:(?<=@)|(?<=www\.)|(?<=://))[\w-]+(?:\.[\w-]+)+", label, text)
    text = re.sub(r"(?<![\w@./])(?:[\w-]+\.)+(?:dk|com|org|net|eu)\b(?=/)", label, text)
    # not inside an e-mail address or a link: "rnho@rn.example.dk" is left as it is
    return re.sub(r"(?<![@.\w/])[A-Za-z0-9]+(?![@\w]|\.\w)", one, text), changes
