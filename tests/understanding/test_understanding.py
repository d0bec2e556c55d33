"""The understanding: pieces of a message, the corpus, and the classifier learned from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.understanding.classifier import KindClassifier, default_classifier
from bot.understanding.corpus import CORPUS_DIR, CorpusError, load_corpus
from bot.understanding.kinds import KINDS
from bot.understanding.normalise import for_classifier
from bot.understanding.segments import segments


def texts(message: str) -> list[tuple[str, bool]]:
    return [(s.text, s.asks) for s in segments(message)]


def test_a_greeting_a_situation_two_questions_and_a_signature() -> None:
    message = "Hej. Jeg sidder i kørestol. Hvornår starter det, og hvor skal vi være? Mvh Else"
    assert texts(message) == [
        ("hej.", False),
        ("jeg sidder i kørestol.", False),
        ("hvornår starter det", True),
        ("hvor skal vi være?", True),
    ]


def test_clock_times_and_dates_do_not_end_a_sentence() -> None:
    assert texts("Er der frokost kl. 12.00 den 31. maj?") == [
        ("er der frokost kl. 12.00 den 31. maj?", True)
    ]


def test_one_verb_after_another_is_two_questions() -> None:
    assert [t for t, _asks in texts("hvornår starter og slutter det")] == [
        "hvornår starter",
        "slutter det",
    ]


def test_but_separates_two_statements() -> None:
    assert [t for t, _a in texts("Nej tak til frokost, men jeg deltager gerne.")] == [
        "nej tak til frokost",
        "jeg deltager gerne.",
    ]


def test_everything_after_the_closing_is_the_signature() -> None:
    assert texts("Hvad koster det?\nMed venlig hilsen\nJens Hansen\nHandicaprådet") == [
        ("hvad koster det?", True)
    ]


def test_spellings_meet_and_before_is_not_for() -> None:
    assert for_classifier("Hvornår er det FØR frokost") == "hvornaar er det foer frokost"
    assert for_classifier("hvornaar er det for sent") == "hvornaar er det for sent"
    assert for_classifier("Ring 25 20 15 75 kl. 13.30") == "ring xphone xclock"


def test_the_corpus_has_every_kind_many_times() -> None:
    examples = load_corpus()
    assert len(examples) >= 3000
    counts = {kind: sum(kind in e.kinds for e in examples) for kind in KINDS}
    assert min(counts.values()) >= 60, counts


def test_a_corpus_entry_with_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('- {text: "hvornår", kinds: [whenever], lang: da, voice: terse}\n')
    with pytest.raises(CorpusError, match=r"bad\.yaml: entry 1: unknown kinds"):
        load_corpus([bad])


def test_training_is_deterministic() -> None:
    examples = load_corpus(sorted(CORPUS_DIR.glob("*.yaml"))[:2])
    first, second = KindClassifier(examples), KindClassifier(examples)
    questions = ["hvornår starter det", "er der parkering", "må min mand komme med"]
    assert [g.ranked for g in first.guess_many(questions)] == [
        g.ranked for g in second.guess_many(questions)
    ]


def test_a_guess_computes_what_the_fitted_pipeline_computes() -> None:
    """The classifier scores a text from the pipeline's fitted parts directly (it is on the path
    of every message); the decision values must be the pipeline's own, for every corpus text and
    for texts it never saw, including ones with no known n-gram at all."""
    classifier = default_classifier()
    texts = [
        *[e.text for e in load_corpus()][::7],
        "",
        "???",
        "zzqx",
        "Hvornår er der frokost, og må min hjælper komme med?",
        "kan jeg ændre min tilmelding til workshoppen om eftermiddagen",
    ]
    folded = [for_classifier(t) for t in texts]
    expected = classifier.pipeline.decision_function(folded)
    for text, row in zip(texts, expected, strict=True):
        scores = classifier._scorer.scores(for_classifier(text))
        assert np.allclose(scores, row, rtol=1e-9, atol=1e-12), text
        guess = classifier.guess(text)
        assert guess.kind == classifier.kinds[int(np.argmax(row))]
    assert classifier.guess("hvornaar starter det") is classifier.guess("hvornaar starter det")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("hvornaar starter det", "start"),
        ("er der teleslynge i salen", "hearing-loop"),
        ("jeg sidder i kørestol, er der elevator", "accessibility"),
        ("vælger man workshop når man tilmelder sig", "choose-session"),
        ("skal min hjælper også tilmeldes", "companion"),
        ("Is there parking at the venue?", "parking"),
    ],
)
def test_kinds_in_participants_words(question: str, kind: str) -> None:
    guess = default_classifier().guess(question)
    assert guess.kind == kind, guess.ranked[:3]


def test_held_out_writers_are_read_well() -> None:
    """Trained on three writers, the fourth writer's messages are read right nine times in ten
    (leave-one-writer-out, single-kind messages): the kinds are learned, not the sentences."""
    files = sorted(CORPUS_DIR.glob("*.yaml"))
    right = total = 0
    for held in files:
        model = KindClassifier(load_corpus([f for f in files if f != held]))
        tests = [e for e in load_corpus([held]) if len(e.kinds) == 1]
        guesses = model.guess_many([e.text for e in tests])
        right += sum(g.kind == e.kinds[0] for g, e in zip(guesses, tests, strict=True))
        total += len(tests)
    assert right / total >= 0.88, right / total


def test_no_question_the_answers_are_measured_on_is_learned_from() -> None:
    """The corpus holds none of the questions of the evaluation sets or the tests (nor a
    near copy): what is measured was not learned, so the figures say how the kinds generalise."""
    import yaml
    from rapidfuzz import fuzz, process

    root = CORPUS_DIR.parents[2]
    sets = [
        root / "tests" / "answering" / "questions.yaml",
        root / "tests" / "answering" / "questions_voices.yaml",
        root / "evaluation" / "heldback" / "questions.yaml",
        root / "evaluation" / "heldback2" / "questions.yaml",
        *(root.parent / "shared" / "eval").glob("**/*questions*.yaml"),
        root.parent / "shared" / "eval" / "dev-voices.yaml",
    ]
    measured = sorted(
        {
            for_classifier(str(case["q"]))
            for path in sets
            if path.exists()
            for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        }
    )
    copies = [
        e.text
        for e in load_corpus()
        if process.extractOne(for_classifier(e.text), measured, scorer=fuzz.ratio, score_cutoff=90)
    ]
    assert copies == []
