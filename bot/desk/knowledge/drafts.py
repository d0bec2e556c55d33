"""Drafts in progress at the desk: a knowledge file being made or edited, until it is published.

A draft is the text of the knowledge file (comments and all) with what the page needs beside
it: the invitation's numbered lines, what the drafting found missing, the file it will replace
and that file's digest when the edit began. It is kept as one JSON file per draft under the data
directory (``desk/knowledge/<token>.json``, written atomically), so a person can leave the page
and come back, and nothing of it reaches the knowledge folder before it is published. The token
in the draft's address is random and says nothing about the event or the person. A draft left
untouched for ``KEEP_DAYS`` is deleted.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.knowledge.publishing import write_atomically

KEEP_DAYS = 14
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class Draft:
    """One knowledge file in the making."""

    token: str
    text: str
    kind: str  # "event" or "background"
    started_by: str
    started_at: str
    updated_at: str
    # Editing a published file: its name and digest when the edit began (None: a new file).
    file: str | None = None
    base: str | None = None
    event: str | None = None
    # Drafted from an invitation: its name, its numbered lines (number, page, text), and what
    # the drafting found the invitation does not say (field name -> sentence).
    source: str | None = None
    lines: list[tuple[int, int | None, str]] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    # Saved at least once: the check's problems are shown.
    checked: bool = False

    @property
    def new(self) -> bool:
        return self.file is None


class Drafts:
    """The drafts kept in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, token: str) -> Path | None:
        return self.folder / f"{token}.json" if _TOKEN.match(token) else None

    def start(
        self,
        text: str,
        kind: str,
        by: str,
        now: datetime,
        *,
        file: str | None = None,
        base: str | None = None,
        event: str | None = None,
        source: str | None = None,
        lines: list[tuple[int, int | None, str]] | None = None,
        missing: dict[str, str] | None = None,
    ) -> Draft:
        stamp = now.isoformat()
        draft = Draft(
            token=secrets.token_urlsafe(18),
            text=text,
            kind=kind,
            started_by=by,
            started_at=stamp,
            updated_at=stamp,
            file=file,
            base=base,
            event=event,
            source=source,
            lines=lines or [],
            missing=missing or {},
        )
        self.save(draft, now)
        return draft

    def get(self, token: str) -> Draft | None:
        path = self._path(token)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        data["lines"] = [tuple(line) for line in data.get("lines", [])]
        return Draft(**data)

    def save(self, draft: Draft, now: datetime) -> None:
        draft.updated_at = now.isoformat()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(draft.token)
        assert path is not None
        write_atomically(path, json.dumps(asdict(draft), ensure_ascii=False))

    def delete(self, token: str) -> None:
        path = self._path(token)
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def all(self, now: datetime) -> list[Draft]:
        """The drafts in progress, newest first; those left too long are deleted."""
        found: list[Draft] = []
        if not self.folder.is_dir():
            return found
        for path in self.folder.glob("*.json"):
            draft = self.get(path.stem)
            if draft is None:
                continue
            if datetime.fromisoformat(draft.updated_at) < now - timedelta(days=KEEP_DAYS):
                self.delete(draft.token)
                continue
            found.append(draft)
        return sorted(found, key=lambda d: d.updated_at, reverse=True)

    def editing(self, file: str, base: str, now: datetime) -> Draft | None:
        """An edit of ``file`` begun from the file as it is now, if there is one."""
        return next((d for d in self.all(now) if d.file == file and d.base == base), None)
