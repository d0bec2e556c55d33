"""Putting a knowledge file into the knowledge folder: checked as a whole, written at once.

:func:`publish` writes one file only if the folder with it loads exactly as ``knowledge check``
and the running bot load it (:func:`~bot.knowledge.loader.load_knowledge` with the new text in
place of the file), and never over a file it was not meant to replace: a new file must not
exist, and a replaced one must still be the one the person began from (its digest), so two
people editing the same event, or an edit on the server meanwhile, are never silently lost.

The text is written to a temporary file in the same folder, flushed to disk, and renamed over
the file (``os.replace``; a new file is linked into place, which fails if the name was taken
meanwhile), so the running bot's knowledge watch, which reloads the folder within seconds,
never reads half a file. The temporary name does not end in ``.yaml``, so the watch and the
loader never see it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$")


class PublishError(Exception):
    """The file was not written: ``reason`` is ``exists`` (a new file's name is taken),
    ``changed`` (the file is no longer the one the edit began from) or ``name``."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.reason = reason
        self.name = name


def digest(text: str) -> str:
    """The SHA-256 of a file's text: what an edit began from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_digest(folder: Path, name: str) -> str | None:
    """The digest of the file as it is now; None if there is none."""
    try:
        return digest((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def publish(folder: Path, name: str, text: str, *, replaces: str | None) -> KnowledgeBase:
    """Write ``text`` as ``folder/name``; the knowledge base the folder now holds.

    ``replaces`` is the digest of the file the text replaces, or None for a new file. Raises
    PublishError (nothing written) when the name is taken or the file changed meanwhile, and
    KnowledgeError (nothing written) when the folder would not load with it.
    """
    if not _NAME.match(name):
        raise PublishError("name", name)
    if current_digest(folder, name) != replaces:
        raise PublishError("exists" if replaces is None else "changed", name)
    kb = load_knowledge(folder, {name: text})
    write_atomically(folder / name, text, new=replaces is None)
    return kb


def write_atomically(path: Path, text: str, *, new: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place; with ``new``,
    FileExistsError (and nothing written) if the file exists by then."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if new:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise PublishError("exists", path.name) from None
            except OSError:  # a file system without hard links: the last check, then rename
                if path.exists():
                    raise PublishError("exists", path.name) from None
                os.replace(temporary, path)
        else:
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
