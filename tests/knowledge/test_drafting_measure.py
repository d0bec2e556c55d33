"""The drafting measured against the curated files (``evaluation/drafting.py``): the five seeds and
the two development events, each from text, Word and PDF. Dates and times are never wrong unless
marked unsure; at least 90% of what the curated files say is found, in every format."""

from __future__ import annotations

import pytest

from evaluation.drafting import FORMATS, default_pairs, measure, overall, totals
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def results():  # type: ignore[no-untyped-def]
    pairs = default_pairs()
    if len(pairs) < 7:
        pytest.skip("../shared/seeds and ../shared/eval/dev-events are not beside the project")
    return measure(pairs, FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_dates_and_times_are_never_wrong(results, fmt: str) -> None:  # type: ignore[no-untyped-def]
    total = totals(results[fmt])
    for name in ("dates", "deadline"):
        assert total[name].wrong == 0, total[name].wrong_items
        assert total[name].precision == 1.0


@pytest.mark.parametrize("fmt", FORMATS)
def test_recall_over_all_fields(results, fmt: str) -> None:  # type: ignore[no-untyped-def]
    total = totals(results[fmt])
    assert overall(total).recall >= 0.90
    assert overall(total).precision >= 0.95
    # each field holds up on its own too
    for name in ("dates", "venue", "deadline", "programme", "contacts", "price"):
        assert total[name].recall >= 0.9, (name, total[name].missed_items)
    assert total["speakers"].recall >= 0.85, total["speakers"].missed_items
    assert total["sessions"].recall >= 0.85 and total["facts"].recall >= 0.8


def test_the_formats_agree(results) -> None:  # type: ignore[no-untyped-def]
    text = overall(totals(results["txt"]))
    for fmt in ("docx", "pdf"):
        other = overall(totals(results[fmt]))
        assert abs(other.recall - text.recall) <= 0.03, fmt
