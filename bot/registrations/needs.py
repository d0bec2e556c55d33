"""Reading what a person needs to take part from what they write, in Danish or English.

People name needs in their own words: "jeg bruger rollator", "jeg er hørehæmmet", "jeg tåler ikke
laktose", "min ledsager kommer med", "I use a wheelchair". The reader does not list sentences: it
knows the *need words* of each kind as folded stems (``bot.understanding.text.skeleton``: æøå and
accents folded, so "koerestol" and "kørestol" are one), which also match inside Danish compounds
("el-kørestol", "nøddeallergi", "kørestolsplads"), and reads each clause around them:

- a clause that negates ("ingen allergier", "har ikke brug for tolk", "uden ledsager", "min
  hjælper kan ikke komme") *withdraws* the kinds it names, unless the negation belongs to what the
  person cannot do ("tåler ikke laktose", "kan ikke gå på trapper": that is the need itself);
- a negated general word ("ingen særlige behov", "no special requirements") withdraws them all;
- a question ("Har I teleslynge?") states no need, unless it asks for one to be arranged;
- a clause about the past ("sidste år havde jeg ledsager med") states nothing about this time;
- lines quoted with ">" are never read.

What a person stated wins over what they withdrew in the same message ("Jeg har ikke førerhund
med", then "stor skrift"). The words kept with each kind are the person's own sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import Lang, translator
from bot.understanding.segments import sentences
from bot.understanding.text import skeleton

WHEELCHAIR = "wheelchair"
SIGN_LANGUAGE = "sign_language"
WRITING_INTERPRETER = "writing_interpreter"
HEARING_LOOP = "hearing_loop"
VISUAL = "visual"
COMPANION = "companion"
DIET = "diet"
OTHER = "other"
# The stable ids, in the order they are shown and repeated back.
NEED_KINDS: tuple[str, ...] = (
    WHEELCHAIR,
    SIGN_LANGUAGE,
    WRITING_INTERPRETER,
    HEARING_LOOP,
    VISUAL,
    COMPANION,
    DIET,
    OTHER,
)
# How many companions one registration may bring; more is a conversation with staff.
MAX_COMPANIONS = 3
WORDS_LIMIT = 500

# Need words per kind, as regular expressions on folded text (see ``skeleton``). A leading
# ``\w*`` lets the stem stand inside a compound; ``\b`` keeps short stems whole.
_CUES: dict[str, tuple[str, ...]] = {
    WHEELCHAIR: (
        r"\w*korestol\w*",
        r"\w*rollator\w*",
        r"gangbes\w*",
        r"gangstativ\w*",
        r"\w*krykke\w*",
        r"darligt gaende",
        r"trapp\w*",
        r"niveaufri\w*",
        r"\w*scooter\w*",
        r"wheel ?chair\w*",
        r"walker\w*",
        r"walking (?:aid|frame|stick)\w*",
        r"mobility",
        r"crutch\w*",
        r"stairs",
    ),
    SIGN_LANGUAGE: (
        r"\w*tegnsprog\w*",
        r"dov|dove|dovblind\w*",
        r"tolk|tolke|tolken|tolkene|tolkning",
        r"sign language\w*",
        r"deaf",
        r"interpret\w*",
    ),
    WRITING_INTERPRETER: (
        r"\w*skrivetolk\w*",
        r"writing interpret\w*",
        r"speech.to.text",
        r"live ?caption\w*",
        r"tekstning\w*",
    ),
    HEARING_LOOP: (
        r"\w*teleslyng\w*",
        r"\w*horeslyng\w*",
        r"\w*horehem\w*",
        r"\w*horeapparat\w*",
        r"\w*horenedset\w*",
        r"tunghor\w*",
        r"cochlea\w*",
        r"horer (?:\w+ )?darligt",
        r"nedsat horelse|horenedsat\w*",
        r"hard of hearing",
        r"hearing (?:loop|aid|impair)\w*",
        r"induction loop\w*",
    ),
    VISUAL: (
        r"\w*svagtse\w*",
        r"blind|blinde",
        r"stor ?skrift\w*|storre skrift\w*",
        r"\w*forerhund\w*",
        r"syns(?:handicap|hem|nedset|svag)\w*",
        r"punktskrift\w*",
        r"braille",
        r"ser (?:\w+ )?darligt",
        r"nedsat syn\w*",
        r"large print",
        r"guide dog\w*",
        r"visual\w* impair\w*",
        r"partially sighted",
    ),
    COMPANION: (
        r"\w*ledsager\w*",
        r"\w*hjelper(?:e|en|ne)?",
        r"personlig(?:e)? assistent\w*",
        r"assistent\w*",
        r"stotteperson\w*",
        r"bpa",
        r"companion\w*",
        r"helper\w*",
        r"assistant\w*",
        r"carer",
        r"support (?:person|worker)\w*",
    ),
    DIET: (
        r"\w*vegetar\w*",
        r"vegan\w*",
        r"\w*laktose\w*",
        r"\w*lactose\w*",
        r"\w*gluten\w*",
        r"coliak\w*",
        r"c(?:o)?eliac\w*",
        r"\w*nodde\w*|nodder",
        r"nuts?",
        r"diabet\w*",
        r"sukkersyg\w*",
        r"halal|kosher",
        r"diet\w*",
        r"kost|kostbehov|\w+kost",
        r"(?!duft|pollen|dyrehar|stov|parfum|kontakt|nikkel)\w*allergi\w*",
        r"allergic to (?:nuts?|food|gluten|milk|fish|shellfish|eggs?)",
        r"food allerg\w*",
        r"melkefri|melk",
        r"skaldyr\w*",
        r"mellemmaltid\w*",
        r"spiser ikke",
    ),
    OTHER: (
        r"\w*toilet\w*",
        r"udgang\w*|exit",
        r"ga fra undervejs|forlade\w*|ga ud undervejs|leave during",
        r"(?:duft|pollen|dyrehar|parfum)\w*allergi\w*|parfume\w*|duftlys\w*|perfume|scent\w*",
        r"fragrance\w*",
        r"klaustrofob\w*",
        r"stille rum|hvilerum|quiet room",
        r"armlen\w*",
        r"epilep\w*",
    ),
}
_KIND_RE: dict[str, re.Pattern[str]] = {
    kind: re.compile(r"\b(?:" + "|".join(cues) + r")\b") for kind, cues in _CUES.items()
}
# Said of needs in general: "ingen særlige behov", "no special requirements".
_GENERAL = re.compile(r"\b(?:\w*behov|hensyn|requirements?|needs|special needs|allergier)\b")
_NEGATION = re.compile(
    r"\b(?:ikke|ingen|intet|uden|hverken|ej|no|not|none|without|never|dont|don't|doesn't"
    r"|won't|cannot|can't|nor)\b"
)
# "tåler ikke", "kan ikke gå", "can't walk": what the person cannot do is the need itself.
_CANNOT_DO = re.compile(
    r"\b(?:taler|tale|spiser|spise|drikker|drikke|gar|ga|ser|se|horer|hore|klarer|klare|star"
    r"|sta|leser|lese|eat|walk|see|hear|read|stand|tolerate|drink|climb)\b"
    r"(?:\s+\w+){0,1}?\s+(?:ikke|not)\b"
    r"|\b(?:ikke|not|cannot|can't|cant|kan ikke)\s+(?:\w+\s+)?"
    r"(?:tale|spise|drikke|ga|se|hore|klare|sta|lese|eat|walk|see|hear|read|stand|tolerate"
    r"|drink|climb|taler|spiser)\b"
)
# "ikke kun", "ikke alene": negations of something else than the need.
_NOT_A_NEGATION = re.compile(r"\b(?:ikke kun|ikke bare|not only|ikke alene)\b")
_PAST = re.compile(
    r"\b(?:sidste ar|sidste gang|tidligere|havde|last year|last time|used to|previously)\b"
)
# A question that asks for a need to be arranged is a request, and states the need.
_REQUEST = re.compile(
    r"\b(?:sorge for|sorger i for|arrangere|bestille|reservere|kan jeg fa|ma jeg fa|kan i skaffe"
    r"|tage \w+ \w+ med|ma jeg have|can you arrange|could you arrange|can i bring|may i bring"
    r"|could i have|can i have)\b"
)
# A question without its mark: a question word, or a verb before whom it asks ("har I …").
_ASKS = re.compile(
    r"^(?:(?:har|er|kan|ma|skal|findes|bliver|vil|gar|kommer|is|are|do|does|can|will|could|may)"
    r"\s+(?:i|du|der|man|det|de|you|there|it|they)|hvor|hvordan|hvornar|hvad|what|where|how"
    r"|when)\b"
)
_CLAUSE_SPLIT = re.compile(
    r"\s*(?:[,;:–—]|\s-\s|\bmen\b|\bbut\b|\bog\b|\band\b|\bsa\b|\bso\b|\bsamt\b|\bdesuden\b)\s*"
)
_NUMBER = {"to": 2, "tre": 3, "two": 2, "three": 3, "2": 2, "3": 3}
# A person's name as written: capitalised words (a hyphen or an apostrophe within).
_NAME = re.compile(
    r"(?<![\w@.])[A-ZÆØÅÉ][a-zæøåéü]+(?:[-'][A-ZÆØÅa-zæøå]+)?"
    r"(?:\s+[A-ZÆØÅÉ][a-zæøåéü]+(?:[-'][A-ZÆØÅa-zæøå]+)?){1,3}"
)
_NOT_NAME_WORDS = frozenset(
    "jeg min mit mine my i vi hej desuden han hun det der den de ja nej tak og and the "
    "hermed tilmelding formand kære dear hi hello til fra også we our vores".split()
)


@dataclass(frozen=True)
class NeedsRead:
    """What a message says about needs: kinds stated (with the person's words), kinds withdrawn,
    and the person's own companions (how many, and names where given)."""

    found: dict[str, str] = field(default_factory=dict)
    withdrawn: frozenset[str] = frozenset()
    # "ingen særlige behov": every earlier need is withdrawn, unless stated again here.
    none_at_all: bool = False
    companions: int = 0
    companion_names: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in NEED_KINDS if k in self.found)

    @property
    def says_anything(self) -> bool:
        return bool(self.found or self.withdrawn or self.none_at_all)


def _unquoted(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def _clauses(folded_sentence: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(folded_sentence) if c.strip()]


def _negated(clause: str) -> bool:
    if _NOT_A_NEGATION.search(clause):
        return False
    return bool(_NEGATION.search(clause)) and not _CANNOT_DO.search(clause)


def _kinds_in(clause: str) -> set[str]:
    kinds = {kind for kind, pattern in _KIND_RE.items() if pattern.search(clause)}
    if WRITING_INTERPRETER in kinds and not re.search(
        r"\b(?:\w*tegnsprog\w*|dov\w*|deaf|sign language)\b", clause
    ):
        kinds.discard(SIGN_LANGUAGE)  # "skrivetolk" is an interpreter, but not a signing one
    return kinds


def _asks(sentence: str, folded: str) -> bool:
    """A question that is not a request for something to be arranged."""
    asks = sentence.rstrip().endswith("?") or bool(_ASKS.match(folded))
    return asks and not _REQUEST.search(folded)


def read_needs(text: str | None, *, own_name: str | None = None) -> NeedsRead:
    """The needs a message states and withdraws; ``own_name`` is never a companion's name."""
    if not text or not text.strip():
        return NeedsRead()
    found: dict[str, list[str]] = {}
    withdrawn: set[str] = set()
    none_at_all = False
    companions = 0
    names: list[str] = []
    for sentence in sentences(_unquoted(text)[:4000]):
        folded = skeleton(sentence.casefold())
        if _asks(sentence, folded):
            continue
        stated_here: set[str] = set()
        for clause in _clauses(folded):
            if _PAST.search(clause) and not re.search(r"\balligevel|stadig|still\b", clause):
                continue
            kinds = _kinds_in(clause)
            if _negated(clause):
                withdrawn |= kinds
                if not kinds and _GENERAL.search(clause):
                    none_at_all = True
                continue
            stated_here |= kinds
        words = " ".join(sentence.split())[:WORDS_LIMIT]
        for kind in stated_here:
            found.setdefault(kind, [])
            if words not in found[kind]:
                found[kind].append(words)
        if COMPANION in stated_here:
            here = _names(sentence, own_name)
            names.extend(n for n in here if n not in names)
            companions = max(companions, _count(folded), len(names), 1)
    if COMPANION in found:
        companions = min(max(companions, len(names), 1), MAX_COMPANIONS)
    else:
        companions, names = 0, []
    return NeedsRead(
        found={kind: " ".join(found[kind])[:WORDS_LIMIT] for kind in NEED_KINDS if kind in found},
        withdrawn=frozenset(withdrawn - found.keys()),
        none_at_all=none_at_all and not found,
        companions=companions,
        companion_names=tuple(names[:MAX_COMPANIONS]),
    )


def _count(folded: str) -> int:
    """ "to hjælpere", "two assistants": the number said right before the companion word."""
    match = re.search(
        r"\b(to|tre|two|three|2|3)\s+(?:\w+\s+)?(?:ledsager|hjelper|assistent|companion|helper"
        r"|assistant)\w*",
        folded,
    )
    return _NUMBER[match.group(1)] if match else 1


def _names(sentence: str, own_name: str | None) -> list[str]:
    """Names written in a sentence about a companion: "min hjælper Jonna Kristensen"."""
    own = (own_name or "").casefold()
    names = []
    for match in _NAME.finditer(sentence):
        words = match.group().split()
        while words and words[0].casefold() in _NOT_NAME_WORDS:
            words = words[1:]
        # An address right after the name: a person with their own signup, not a companion.
        if len(words) < 2 or "@" in sentence[match.end() : match.end() + 40]:
            continue
        name = " ".join(words)
        if name.casefold() != own and not _KIND_RE[COMPANION].search(skeleton(name.casefold())):
            names.append(name)
    return names


def merged(earlier: dict[str, str | None], read: NeedsRead) -> dict[str, str | None]:
    """Earlier needs with what a later message says: stated kinds added (their words updated),
    withdrawn kinds removed, the rest kept."""
    if read.none_at_all:
        kept: dict[str, str | None] = {}
    else:
        kept = {k: v for k, v in earlier.items() if k not in read.withdrawn}
    for kind, words in read.found.items():
        kept[kind] = words
    return {kind: kept[kind] for kind in NEED_KINDS if kind in kept}


def need_label(kind: str, lang: Lang) -> str:
    """A kind as said to people: 'tegnsprogstolk', 'kørestol eller rollator'."""
    _ = translator(lang).gettext
    labels = {
        WHEELCHAIR: _("wheelchair or walking aid"),
        SIGN_LANGUAGE: _("sign-language interpreter"),
        WRITING_INTERPRETER: _("writing interpreter"),
        HEARING_LOOP: _("hearing loop"),
        VISUAL: _("sight (large print, guide dog)"),
        COMPANION: _("helper or companion"),
        DIET: _("diet or food allergy"),
        OTHER: _("something else"),
    }
    return labels.get(kind, kind)


def noted_text(kinds: Sequence[str], companions: Sequence[str | None], lang: Lang) -> str | None:
    """'Vi har noteret: kørestol eller rollator, tegnsprogstolk.' and the companions' seats."""
    if not kinds:
        return None
    _ = translator(lang).gettext
    text = _("We have noted: {needs}.").format(
        needs=", ".join(need_label(k, lang) for k in NEED_KINDS if k in kinds)
    )
    if companions:
        names = ", ".join(n for n in companions if n)
        seats = _("Seats for helpers or companions: {count}").format(count=len(companions))
        text += "\n" + seats + (f" ({names})" if names else "")
    return text
