"""What a message says about a person's needs, clause by clause.

People say the same need in many ways ("jeg er kørestolsbruger", "I'm in a wheelchair", "jeg går
dårligt", "jeg sider i kørstol"), so *which* need a clause is about is learned: the question-kind
classifier's mechanism (``classifier.KindClassifier``: character and word n-grams, a linear SVM,
deterministic) trained on ``need_statements.yaml``, a corpus of need statements written by kind,
with ``none`` for everything else a reply says. *Whether* the clause states that need is decided
by explicit rules on the clause, never learned:

- a negation withdraws the need ("har ikke brug for tolk", "ingen allergier", "min hjælper kan
  ikke komme", "no need for", "I'll come alone"), except where it is the need itself: what the
  person cannot do or eat ("tåler ikke gluten", "kan ikke gå på trapper", "I don't eat pork"), a
  food or a barrier avoided ("ingen svinekød", "uden trapper"), "ikke kun" / "not only";
- a joined part without a subject of its own ("… tolk eller ledsager", "… gluten og laktose")
  says what the part before it says; after "men"/"but"/"bortset fra"/"except" it states;
- a question ("Har I teleslynge?", "Bliver der tolk?", and without its mark: ``asking``) or a
  condition ("hvis der er tolk") states nothing, unless it asks for the need to be arranged ("Kan
  jeg få en plads til min kørestol?", "if captions could be arranged");
- what the person cannot do without a need just named ("…, ellers kan jeg ikke følge med") is
  why they need it, not another need, unless it clearly names one ("…, og kan ikke spise gluten");
- a clause about someone else ("Ulla kører i kørestol", "hun er vegetar", "min kollega er døv")
  is not the person's need, unless it is about the one who comes along to help them; the same
  rule (``about_someone_else``) tells the mail decision whose coming or not a clause is;
- a clause about an earlier time ("sidste år havde jeg ledsager med") says nothing of this one.

The classifier trains when first needed (well under a second on this corpus) and is kept on disk
between processes like the question-kind classifier (``trained``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.understanding import classifier, normalise, trained
from bot.understanding.asking import asks as _is_question
from bot.understanding.classifier import Guess, KindClassifier
from bot.understanding.corpus import Example
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
NONE = "none"
CORPUS = Path(__file__).resolve().parent / "need_statements.yaml"
# How sure the classifier must be that a clause is about a need (chosen on the development set
# evaluation/mail-needs and the unit tests; the softmax is the question classifier's).
LEAST = 0.5
# A second need in one clause ("jeg er døv og blind" left whole) counts when nearly as likely.
SECOND = 0.4
# A clause that follows from a need ("…, så …") names a further one only when this sure.
SURE = 0.9

# -- the rules' words (on folded text, see ``skeleton``) -----------------------------------------

_NEGATION = re.compile(
    r"\b(?:ikke|ik|ingen|intet|uden|hverken|ej|alene|no|not|none|without|never|dont|don't"
    r"|doesn't|won't|can't|cannot|nor|alone|on my own|by myself)\b|n't\b"
)
# "ikke kun", "not only": the negation is of something else than the need.
_NOT_A_NEGATION = re.compile(r"\b(?:ikke kun|ikke bare|ikke alene|not only|not just)\b")
# What the person cannot do or take ("tåler ikke", "kan ikke gå", "can't walk"): the need itself.
_ABLE = (
    r"(?:tale|taler|tal|spise|spiser|drikke|drikker|ga|gar|se|ser|hore|horer|klare|klarer|sta"
    r"|star|lese|leser|sidde|sidder|folge|folger|eat|eats|walk|see|hear|read|stand|tolerate"
    r"|drink|climb|follow"
    r"|manage|sit)"
)
_CANNOT_DO = re.compile(
    rf"\b{_ABLE}\s+(?:\w+\s+)?(?:ikke|ik|hverken|not|never)\b"
    rf"|\b(?:ikke|ik|not|cannot|can't|cant|dont|don't|doesn't|never|hverken)\s+(?:\w+\s+)?{_ABLE}\b"
    rf"|\b(?:ikke|not)\s+(?:i stand til at|able to|in a position to)\s+{_ABLE}\b"
)
# Asked to take a need off ("fjern", "slet", "remove"): a withdrawal, whatever follows.
_REMOVE = re.compile(r"\b(?:fjern\w*|slet|slette|remove|delete|drop|cancel|annuller\w*)\b")
# Ordinary food is no diet: "almindelig mad er fint", "normal food is fine".
_ORDINARY = re.compile(r"\b(?:almindelig\w*|normal\w*|ordinary|regular)\b")
# "er ikke", "I'm not": what the person is not ("ikke vegetar") is no need.
_NOT_BEING = re.compile(r"\b(?:er|am|is|i'm|im)\s+(?:\w+\s+)?(?:ikke|ik|not|no longer)\b")
# The category of needs, negated, withdraws ("ingen allergier", "no dietary requirements");
# anything else negated in a diet clause is a food avoided ("ingen svinekød", "uden gluten").
_CATEGORY = re.compile(
    r"(?:allergi|allerg|diet|kost|behov|hensyn|onske|krav|restrikt|restrict|requirement|needs?\b"
    r"|wishes|preference|sarlig|special|mad\b|food\b)"
)
# Barriers avoided are needs too: "adgang uden trapper", "no perfume please".
_BARRIER = re.compile(r"(?:trapp|trin\b|step|stair|duft|parfum|perfum|scent|fragrance|stoj|noise)")
# Needs in general, negated: every need is withdrawn ("ingen særlige behov", "no access needs").
_GENERAL = re.compile(
    r"\b(?:\w*behov|hensyn|onsker|\w*requirements?|needs|special needs|noget serligt|intet serligt"
    r"|nothing special|anything special)\b"
)
_PAST = re.compile(
    r"\b(?:sidste ar|sidste gang|tidligere|havde|last year|last time|used to|previously|had)\b"
)
_STILL = re.compile(r"\b(?:alligevel|stadig|still|nu|now)\b")
# A question that asks for a need to be arranged is a request, and states the need.
_REQUEST = re.compile(
    r"\b(?:sorge for|sorger i for|arrangere|bestille|reservere|kan jeg fa|ma jeg fa|kan i skaffe"
    r"|tage \w+ \w+ med|ma jeg have|can you arrange|could you arrange|can i bring|may i bring"
    r"|could i have|can i have|notere|skrive \w+ pa|could you note|please note|arrangeres"
    r"|bestilles|be arranged|be booked|be provided)\b"
)
# Where a clause ends, and how the next is joined to it.
_JOINS = re.compile(
    r"\s*(?:[,;:()–—]|\s-\s)\s*"
    r"|\s+(?=(?:og|and|eller|or|samt|plus|men|but|sa|so|bortset fra|undtagen|except|apart from"
    r"|hvis|if|safremt|unless|ellers|otherwise|fordi|because|derfor|therefore)\b)",
    re.IGNORECASE,
)
# What joins a consequence or an explanation to the clause before it.
_CONSEQUENCE = frozenset({"sa", "so", "derfor", "therefore", "–", "—", "-", ":"})
# What joins why a need is needed: "…, ellers kan jeg ikke følge med".
_EXPLANATION = frozenset({"ellers", "otherwise"})
# What joins a clause that goes on about the same thing ("… og have en skål vand").
_CONTINUATION = frozenset({"og", "and", ",", "samt", "plus"})
_CONTRAST = re.compile(r"^(?:men|but|bortset|undtagen|except|apart)$")
_CONDITION = re.compile(r"^(?:hvis|if|safremt|unless|in case)\b")
# Words that give a part a subject (or a negation) of its own, so it says what it says itself.
_OWN_SUBJECT = re.compile(
    r"\b(?:jeg|vi|han|hun|de|den|det|der|man|min|mit|mine|vores|you|he|she|they|it|there|we"
    r"|my|our|me|mig|har|er|have|am|is|are)\b"
)
# Someone else as the subject: "hun", "min kollega", "et medlem", a name said in the message.
_THIRD_PERSON = re.compile(
    r"^(?:(?:at|that|sa|so|og|and|men|but)\s+)?(?:han|hun|de|he|she|they|hans|hendes|his|her"
    r"|their|(?:min|mit|mine|vores|vor|et|en|a|an|my|our|one of our|en af vores)\s+"
    r"(?:kollega\w*|colleague\w*|nabo\w*|neighbou?r\w*|formand\w*|nestformand\w*|chair\w*"
    r"|medlem\w*|member\w*|borger\w*|citizen\w*|mand|kone|husband|wife|partner|datter|son"
    r"|daughter|son|sos?ter|sister|bror|brother|mor|far|mother|father|barn|born|child\w*"
    r"|ven|veninde|friend))\b"
)
_WRAPPED = re.compile(r"(?<=[^\s.!?:])[ \t]*\n(?=[ \t]*[a-zæøå])")
_FIRST_PERSON = re.compile(r"\b(?:jeg|mig|min|mit|mine|i'm|me|my|myself|mine)\b")
_CAPITALISED = re.compile(r"(?<![\w@.])[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?")
_NOT_NAMES = frozenset(
    """i jeg min mit mine vi hej kære dear hi hello tak ja nej og men så det der den de han hun
    hermed ingen my the and but so we our please mvh vh hilsen venlig""".split()
)


@dataclass(frozen=True)
class Clause:
    """One clause of a message and what it says about the writer's needs."""

    text: str  # as written
    sentence: str  # the sentence it stands in, as written
    kinds: tuple[str, ...]  # the needs it is about, likeliest first (empty: none)
    withdraws: bool = False  # negated: the person does not (any longer) need them
    asks: bool = False  # a question or a condition: it states nothing
    someone_else: bool = False  # about another person than the writer or their helper
    past: bool = False  # about an earlier time
    general: bool = False  # names needs in general ("særlige behov", "requirements")
    about_other: bool = False  # its subject is another person (a helper too)
    follows: bool = False  # joined as what follows from the part before ("…, så …")

    @property
    def counts(self) -> bool:
        """Whether it says anything about the writer's needs now."""
        return not (self.asks or self.someone_else or self.past)

    @property
    def states(self) -> tuple[str, ...]:
        return self.kinds if self.counts and not self.withdraws else ()

    @property
    def withdrawn(self) -> tuple[str, ...]:
        return self.kinds if self.counts and self.withdraws else ()

    @property
    def withdraws_all(self) -> bool:
        """ "ingen særlige behov": every need is withdrawn."""
        return self.counts and self.withdraws and self.general and not self.kinds


def load_statements(path: Path = CORPUS) -> list[Example]:
    """The labelled need statements: ``{kind: {lang: [text, …]}}``, checked."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples: list[Example] = []
    for kind, by_lang in data.items():
        if kind not in (*NEED_KINDS, NONE) or not isinstance(by_lang, dict):
            raise ValueError(f"{path.name}: unknown need kind or shape: {kind!r}")
        for lang, texts in by_lang.items():
            examples.extend(Example(str(t), (kind,), str(lang), "") for t in texts)
    return examples


@cache
def need_classifier() -> KindClassifier:
    """The classifier of need kinds, built once per process (kept on disk where ``trained``
    says, under a digest of the corpus and the code that learns from it)."""
    key = trained.digest(
        [
            CORPUS.read_bytes(),
            Path(classifier.__file__).read_bytes(),
            Path(normalise.__file__).read_bytes(),
            Path(__file__).read_bytes(),
        ]
    )
    return trained.load_or_train(
        "needs", key, lambda: KindClassifier(load_statements()), KindClassifier
    )


def unquoted(text: str) -> str:
    """The text without lines quoted with ">" (never the person's words now)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def need_clauses(text: str | None) -> Iterator[tuple[str, list[Clause]]]:
    """Each sentence of the message (quoted lines left out) with its clauses, in order."""
    if not text or not text.strip():
        return
    # A line wrapped inside a sentence (the next begins in lower case) is one sentence.
    body = _WRAPPED.sub(" ", unquoted(text)[:4000])
    names = _names_said(body)
    said = sentences(body)
    parts = [_parts(sentence) for sentence in said]
    # Each part is classified without the word that joins it ("og laktose" is "laktose").
    flat = [_content(joiner, part) for sentence_parts in parts for joiner, part in sentence_parts]
    guesses = iter(need_classifier().guess_many(flat) if flat else [])
    for sentence, sentence_parts in zip(said, parts, strict=True):
        folded_sentence = skeleton(sentence.casefold())
        asks = _asks(sentence, folded_sentence)
        clauses: list[Clause] = []
        before: Clause | None = None
        for joiner, part in sentence_parts:
            folded = skeleton(part.casefold())
            guess = next(guesses)
            kinds = _kinds(guess) if _content(joiner, part) else ()
            if (
                joiner in _CONSEQUENCE | _CONTINUATION
                and (joiner in _CONSEQUENCE or (kinds and guess.confidence < SURE))
                and before is not None
                and before.kinds
                and not before.withdraws
                and not _NEGATION.search(folded)
            ):
                # "Jeg ser dårligt, så en plads tæt på lærredet …": what follows from a need, or
                # goes on about it unsurely ("…, og have en skål vand"), is part of it, unless it
                # clearly names another ("…, så jeg skal have skrivetolk").
                own = kinds if guess.confidence >= SURE else ()
                kinds = tuple(dict.fromkeys((*before.kinds, *own)))
            explains = (
                before is not None
                and bool(before.kinds)
                and not before.withdraws
                and _CANNOT_DO.search(folded) is not None
                and (
                    joiner in _EXPLANATION or (joiner in _CONTINUATION and guess.confidence < SURE)
                )
            )
            if explains and before is not None:
                # "…, ellers kan jeg ikke følge oplæggene", "…, jeg kan ikke følge med på
                # skærmen": what the person cannot do without the need before is why they need
                # it, not another need (one it clearly names, "og kan ikke spise gluten", is).
                kinds = before.kinds
            joined = (
                before is not None
                and bool(joiner)
                and not _CONTRAST.match(joiner)
                and not _OWN_SUBJECT.search(folded)
            )
            if joined and before is not None and not _NEGATION.search(folded):
                withdraws = before.withdraws  # "… tolk eller ledsager": as the part before
            else:
                withdraws = _withdraws(folded, kinds)
            # "Lis er vegetar og sidder i kørestol": the part without a subject is hers too.
            someone_else = _about_someone_else(part, folded, names) or (
                joined and before is not None and before.about_other
            )
            clause = Clause(
                text=part,
                sentence=sentence,
                kinds=kinds,
                withdraws=withdraws,
                # "hvis der kan bestilles skrivetolk", "if captions could be arranged": a
                # condition that asks for the need to be arranged is a request, and states it.
                asks=asks or bool(_CONDITION.match(folded) and not _REQUEST.search(folded)),
                someone_else=COMPANION not in kinds and someone_else,
                about_other=someone_else,
                past=bool(_PAST.search(folded)) and not _STILL.search(folded),
                general=bool(_GENERAL.search(folded)),
                follows=joiner in _CONSEQUENCE,
            )
            clauses.append(clause)
            before = clause
        yield sentence, clauses


def _parts(sentence: str) -> list[tuple[str, str]]:
    """A sentence cut into clauses, each with what joins it to the one before: its own first
    word when that is "og", "men", "så", "hvis"…; else the mark before it (",", "–", ":");
    "" for the first."""
    parts: list[tuple[str, str]] = []
    start, mark = 0, ""
    for match in (*_JOINS.finditer(sentence), None):
        end = match.start() if match else len(sentence)
        text = sentence[start:end].strip(" .!?\"'")
        if text:
            first = skeleton(text.split(None, 1)[0].casefold())
            parts.append((first if first in _JOIN_WORDS else (mark or ",") if parts else "", text))
            mark = ""
        if match is not None:
            mark = mark or match.group().strip()
            start = match.end()
    return parts


def _content(joiner: str, part: str) -> str:
    """A part without its joining word: what the classifier is asked about."""
    words = part.split()
    if joiner in _JOIN_WORDS and words and skeleton(words[0].casefold()) == joiner:
        words = words[1:]
        if words and skeleton(words[0].casefold()) in ("fra", "from"):
            words = words[1:]  # "bortset fra", "apart from"
    return " ".join(words)


_JOIN_WORDS = frozenset(
    "og and eller or samt plus men but sa so bortset undtagen except apart hvis if safremt "
    "unless ellers otherwise fordi because derfor therefore".split()
)


def _kinds(guess: Guess) -> tuple[str, ...]:
    """The needs a clause is about: the likeliest kind when sure enough, and a close second."""
    if guess.kind == NONE or guess.confidence < LEAST:
        return ()
    second = guess.ranked[1] if len(guess.ranked) > 1 else None
    if second is not None and second[0] != NONE and second[1] >= SECOND:
        return (guess.kind, second[0])
    return (guess.kind,)


def _withdraws(folded: str, kinds: tuple[str, ...]) -> bool:
    """Whether a negation in the clause withdraws the need it names (see the module docstring)."""
    if _REMOVE.search(folded) or (DIET in kinds and _ORDINARY.search(folded)):
        return True  # "fjern min vegetarret", "almindelig mad er fint"
    negation = _NEGATION.search(folded)
    if negation is None or _NOT_A_NEGATION.search(folded) or _CANNOT_DO.search(folded):
        return False
    after = folded[negation.start() :]
    if _BARRIER.search(after):
        return False  # "adgang uden trapper", "no perfume please"
    if _NOT_BEING.search(folded):
        return True  # "jeg er ikke vegetar længere": what the person is not
    # "ingen svinekød til mig": a food avoided is the diet; "ingen allergier" withdraws it.
    return not (DIET in kinds and not _CATEGORY.search(after))


def _asks(sentence: str, folded: str) -> bool:
    """A question (``asking``: with its mark or without) that is not a request for something to
    be arranged."""
    return _is_question(sentence) and not _REQUEST.search(folded)


def _names_said(text: str) -> frozenset[str]:
    """Capitalised words inside sentences (not at their start): the names a message mentions."""
    names: set[str] = set()
    for sentence in sentences(text):
        for match in _CAPITALISED.finditer(sentence):
            word = match.group()
            if match.start() > 0 and word.casefold() not in _NOT_NAMES:
                names.add(word)
    return frozenset(names)


# Coming or not: the verbs whose subject says who comes ("bente kan ikke komme").
_COMING = re.compile(
    r"\b(?:komme|kommer|deltage|deltager|vaere med|vere med|come|comes|coming|attend\w*|join"
    r"|make it|be there)\b"
)
# The finite verb a subject stands before ("Sofie kan …") or after ("Desværre kan min …").
_FINITE = re.compile(
    r"\b(?:kan|kommer|skal|vil|ma|bliver|deltager|can|can't|cannot|will|won't|is|isn't|would"
    r"|wouldn't|comes|is not)\b"
)
# Words that may stand before the verb without being its subject.
_ADVERBS = frozenset(
    """desverre alligevel sa nu og men derfor heller ogsa gerne nok vist altsa da bare lige
    unfortunately sadly also now so but and then still however i dag today""".split()
)
# A subject after the verb that is someone else: "… kan min hjælper ikke …", "… kan hun ikke".
_OTHERS_FIRST = frozenset(
    "min mit mine vores hans hendes han hun de my our his her he she they".split()
)
_WRITER = re.compile(r"(?:jeg|vi|i|we|i'm|im|i'll|undertegnede)")


def about_someone_else(part: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether another person than the writer is the subject of a clause: as for needs (a
    third-person pronoun or relation first, a name said in the message), and, where the clause
    says who comes, any subject but the writer before or right after its verb ("bente kan
    ikke komme", "Desværre kan min hjælper ikke komme"): the writer's acts are their own."""
    folded = skeleton(part.casefold())
    if _about_someone_else(part, folded, names):
        return True
    if not _COMING.search(folded):
        return False
    verb = _FINITE.search(folded)
    if verb is None:
        return False
    before = [w for w in re.findall(r"[\w']+", folded[: verb.start()]) if w not in _ADVERBS]
    if before:
        return not any(_WRITER.fullmatch(w) for w in before)
    after = re.findall(r"[\w']+", folded[verb.end() :])[:2]
    after = [w for w in after if w not in _ADVERBS and w not in ("ikke", "not")]
    return bool(after) and (after[0] in _OTHERS_FIRST or bool(_THIRD_PERSON.match(" ".join(after))))


def _about_someone_else(part: str, folded: str, names: frozenset[str]) -> bool:
    """Whether another person is the clause's subject: a third-person pronoun or a relation
    first ("hun", "min kollega", "et medlem"), or a name the message mentions ("Ulla kører …")."""
    subject = _THIRD_PERSON.match(folded)
    words = part.split(None, 1)
    if subject is None and not (words and words[0].strip(",.:") in names):
        return False
    # "Min mand skubber min kørestol": the writer is named after the subject, so it is theirs.
    rest = (
        folded[subject.end() :] if subject else skeleton(words[1].casefold()) if words[1:] else ""
    )
    return not _FIRST_PERSON.search(rest)
