"""Trained models kept on disk: a later process loads the model instead of training it again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.understanding import trained
from bot.understanding.classifier import KindClassifier
from bot.understanding.corpus import Example

EXAMPLES = [
    Example("hvornår starter det", ("time",), "da", "t"),
    Example("hvad tid begynder dagen", ("time",), "da", "t"),
    Example("hvor ligger det", ("place",), "da", "t"),
    Example("hvad er adressen", ("place",), "da", "t"),
    Example("hvad koster det", ("price",), "da", "t"),
    Example("er det gratis", ("price",), "da", "t"),
]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    trained.keep_in(tmp_path / "models")
    yield tmp_path / "models"
    trained.keep_in(None)


def training(count: list[int]) -> KindClassifier:
    count.append(1)
    return KindClassifier(EXAMPLES)


def test_a_model_trained_once_is_loaded_after_and_answers_the_same(folder: Path) -> None:
    count: list[int] = []
    key = trained.digest(["corpus v1"])
    first = trained.load_or_train("kinds", key, lambda: training(count), KindClassifier)
    again = trained.load_or_train("kinds", key, lambda: training(count), KindClassifier)
    assert count == [1]
    assert again is not first  # read from the file, not the same object
    assert again.guess("hvornår begynder det").ranked == first.guess("hvornår begynder det").ranked
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_other_inputs_train_a_new_model(folder: Path) -> None:
    count: list[int] = []
    trained.load_or_train("kinds", trained.digest(["v1"]), lambda: training(count), KindClassifier)
    trained.load_or_train("kinds", trained.digest(["v2"]), lambda: training(count), KindClassifier)
    assert count == [1, 1]
    assert trained.digest(["a", "b"]) != trained.digest(["ab"])


def test_a_damaged_file_is_trained_over(folder: Path) -> None:
    count: list[int] = []
    key = trained.digest(["v1"])
    folder.mkdir()
    (folder / f"kinds-{key}.pickle").write_bytes(b"not a pickle")
    model = trained.load_or_train("kinds", key, lambda: training(count), KindClassifier)
    assert count == [1] and model.guess("hvor er det").kind == "place"
    trained.load_or_train("kinds", key, lambda: training(count), KindClassifier)
    assert count == [1]


def test_a_folder_that_cannot_be_written_only_costs_training(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    trained.keep_in(blocked / "models")
    try:
        count: list[int] = []
        for _ in range(2):
            trained.load_or_train("kinds", "k", lambda: training(count), KindClassifier)
        assert count == [1, 1]
    finally:
        trained.keep_in(None)


def test_models_of_old_inputs_unused_for_a_week_are_removed(folder: Path) -> None:
    count: list[int] = []
    trained.load_or_train("kinds", "old", lambda: training(count), KindClassifier)
    trained.load_or_train("kinds", "recent", lambda: training(count), KindClassifier)
    old = folder / "kinds-old.pickle"
    week_and_a_day = time.time() - 8 * 24 * 3600
    os.utime(old, (week_and_a_day, week_and_a_day))
    trained.load_or_train("kinds", "new", lambda: training(count), KindClassifier)
    assert sorted(p.name for p in folder.iterdir()) == ["kinds-new.pickle", "kinds-recent.pickle"]


def test_a_second_start_of_the_bot_loads_the_kept_model(tmp_path: Path) -> None:
    """Through the real command: the first ``ask`` keeps the model in BOT_CACHE_DIR, the second
    finds it and gives the same answer."""
    env = {**os.environ, "BOT_CACHE_DIR": str(tmp_path / "cache"), "BOT_DATA_DIR": str(tmp_path)}
    command = [
        sys.executable,
        "-m",
        "bot",
        "ask",
        "--now",
        "2024-05-01T10:00",
        "--event",
        "handicapraad-temadag-2024",
        "Hvornår starter dagen?",
    ]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    kept = list((tmp_path / "cache").glob("kinds-*.pickle"))
    assert first.returncode == 0, first.stderr
    assert len(kept) == 1
    stamp = kept[0].stat().st_mtime_ns
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout and "10.30" in first.stdout
    assert kept[0].stat().st_mtime_ns >= stamp  # used, not rewritten by another training
    assert list((tmp_path / "cache").glob("kinds-*.pickle")) == kept
