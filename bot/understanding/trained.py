"""Trained models kept on disk between runs, so a process starts without training again.

Training is deterministic (see ``classifier.py``): the same inputs give the same model. A model is
therefore kept under a name made from a digest of everything it was trained from (the examples,
the code that turns them into a model, the versions of Python and scikit-learn) and loaded again
by any later process with the same inputs; change any of them and it is trained afresh. Each
command of the bot (``ask``, ``mail preview``) would otherwise spend seconds training at start.

The folder is the setting ``cache_dir`` (``BOT_CACHE_DIR``), set once when the services start;
until then, or when the folder cannot be written, models are trained in memory as before. The
files are pickles, so the folder is made readable by the bot's own user only.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import numpy
import sklearn

log = logging.getLogger(__name__)

T = TypeVar("T")

_folder: Path | None = None


def keep_in(folder: Path | None) -> None:
    """Where trained models are kept from now on (None: nowhere, trained in every process)."""
    global _folder
    _folder = folder


def digest(parts: Iterable[str | bytes]) -> str:
    """A name for a model's inputs, with the versions that make a pickle loadable."""
    h = hashlib.sha256()
    for part in (sys.version, sklearn.__version__, numpy.__version__, *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:32]


def load_or_train(name: str, key: str, train: Callable[[], T], kind: type[T]) -> T:
    """The model called ``name`` trained from the inputs ``key`` names: loaded when kept, else
    trained and kept. A file that cannot be read or is not a ``kind`` is trained over."""
    if _folder is None:
        return train()
    path = _folder / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as f:
            model = pickle.load(f)  # our own file, in a folder only we can write
        if isinstance(model, kind):
            _touch(path)
            return model
    except FileNotFoundError:
        pass
    except Exception as exc:  # a half-written or foreign file: train over it
        log.warning("Trained model %s could not be loaded (%s); training it again", path, exc)
    model = train()
    _keep(path, model)
    return model


def _keep(path: Path, model: object) -> None:
    """Write atomically, so a reader never sees half a model; failing to keep is not an error."""
    tmp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        _forget_stale(path)
    except OSError as exc:
        log.info("Trained model not kept in %s: %s", path.parent, exc.strerror)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _forget_stale(kept: Path) -> None:
    """Models of the same name from other inputs, unused for a week (two versions of the bot
    sharing the folder each keep theirs meanwhile)."""
    week_ago = time.time() - 7 * 24 * 3600
    for old in kept.parent.glob(f"{kept.name.rsplit('-', 1)[0]}-*.pickle"):
        if old != kept and old.stat().st_mtime < week_ago:
            old.unlink(missing_ok=True)


def _touch(path: Path) -> None:
    """Mark a model used (its age is what ``_forget_stale`` looks at)."""
    with contextlib.suppress(OSError):
        os.utime(path)
