"""Checking a draft as ``knowledge check`` does, and publishing it into the knowledge folder.

The check is the loader's: the knowledge folder as it would be with the draft in it
(:func:`~bot.knowledge.loader.load_knowledge` with the draft's text in place of its file), so
the desk says exactly what ``python -m bot knowledge check`` would say once it is published,
problems with the other files included. Publishing is :func:`bot.knowledge.publishing.publish`
(checked again, written atomically, never over another file), then the desk's audit trail, and
then the running bot's own step of its knowledge watch, so it answers from the new file at once
and asks about a changed event as it does for any edited file.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.changes.watch import KnowledgeWatch
from bot.desk.kit import Desk
from bot.desk.knowledge import texts
from bot.desk.knowledge.drafts import Draft
from bot.desk.knowledge.fields import id_of
from bot.desk.knowledge.shown import field_names, place_of
from bot.i18n import Lang, translator
from bot.knowledge import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from bot.knowledge.document import KnowledgeDocument
from bot.knowledge.publishing import PublishError, publish
from bot.knowledge.schema import SLUG_PATTERN
from bot.staff import Account

log = logging.getLogger(__name__)

# Ids an event cannot have at the desk: its page would be one of the desk's own.
RESERVED = frozenset({"ny", "udkast"})


@dataclass
class Checked:
    """The check of a draft: the knowledge base it would make, or what is wrong."""

    name: str
    kb: KnowledgeBase | None = None
    # What is wrong, by the name of the form's field it is shown at.
    at_fields: dict[str, list[str]] = field(default_factory=dict)
    # Every problem as ``knowledge check`` says it, with the id of its field in the page.
    summary: list[tuple[str, str | None]] = field(default_factory=list)
    # Problems in other files of the folder (nothing loads until they are fixed).
    others: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.kb is not None and not self.summary and not self.others


def file_name(draft: Draft, document: KnowledgeDocument) -> str:
    """The file the draft is published as: the one it edits, or ``<id>.yaml``."""
    if draft.file is not None:
        return draft.file
    slug = document.get(("id",))
    return f"{slug}.yaml" if isinstance(slug, str) and re.fullmatch(SLUG_PATTERN, slug) else ""


def taken_by(folder: Path, name: str) -> str | None:
    """The id in the file of that name, if there is such a file (or "?" if it has none)."""
    path = folder / name
    if not path.exists():
        return None
    try:
        document = KnowledgeDocument(path.read_text(encoding="utf-8"))
    except Exception:  # a broken file still takes its name
        return "?"
    slug = document.get(("id",))
    return str(slug) if slug else "?"


def check(folder: Path, draft: Draft, document: KnowledgeDocument, lang: Lang) -> Checked:
    """The draft checked with the rest of the knowledge folder."""
    name = file_name(draft, document)
    names = field_names(draft.kind, document)
    found = Checked(name or "udkast.yaml")
    own = found.name
    if draft.new:
        other = taken_by(folder, name) if name else None
        if other is not None:
            said = texts.name_taken(lang, name, other)
            found.at_fields.setdefault("id", []).append(said)
            found.summary.append((said, id_of(("id",))))
        elif name.removesuffix(".yaml") in RESERVED:
            said = texts.id_reserved(lang, name.removesuffix(".yaml"))
            found.at_fields.setdefault("id", []).append(said)
            found.summary.append((said, id_of(("id",))))
        if other is not None or not name:
            own = next(
                n for i in range(1, 1000) if not (folder / (n := f"udkast-{i}.yaml")).exists()
            )
            found.name = own
    try:
        found.kb = load_knowledge(folder, {own: document.text})
    except KnowledgeError as exc:
        for problem in exc.problems:
            _place(found, problem, own, names, lang)
    return found


def _place(found: Checked, problem: Problem, own: str, names: dict[str, str], lang: Lang) -> None:
    if problem.file != own:
        # Another file with the draft's id: the check says it at the file read second.
        if problem.field == "id" and dict(problem.params).get("other") == own:
            said = texts.id_used(lang, str(dict(problem.params).get("id")), problem.file)
            found.at_fields.setdefault("id", []).append(said)
            found.summary.append((said, id_of(("id",))))
        else:
            found.others.append(problem.say(lang))
        return
    place = place_of(problem.field, problem.template, names)
    if place is not None:
        found.at_fields.setdefault(place, []).append(problem.text(lang))
    found.summary.append((problem.say(lang), names.get(place) if place else None))


def signed(document: KnowledgeDocument, account: Account, lang: Lang) -> None:
    """A drafted file's "checked by: (your name)" filled in with who publishes it."""
    _ = translator(lang).gettext
    unsigned = _("Drafted from the invitation by the bot; checked by: (your name)")
    if document.get(("source", "note")) == unsigned:
        document.set(("source", "note"), f"{unsigned.rsplit(':', 1)[0]}: {account.name}")


@dataclass(frozen=True)
class Published:
    """A draft published: the event's id and file."""

    slug: str
    name: str


async def publish_draft(
    desk: Desk, draft: Draft, document: KnowledgeDocument, account: Account
) -> Published:
    """Write the draft into the knowledge folder, note it in the audit trail, and have the
    running bot use it. Raises PublishError or KnowledgeError (nothing written)."""
    services = desk.services
    folder = services.settings.knowledge_dir
    name = file_name(draft, document)
    if not name:
        raise PublishError("name", name)
    signed(document, account, desk.lang)
    # The watch sees the folder as it is now, so its step below sees the new file as new.
    watch = KnowledgeWatch(services, clock=services.clock)
    await asyncio.to_thread(publish, folder, name, document.text, replaces=draft.base)
    slug = str(document.get(("id",)))
    async with services.db.transaction() as session:
        desk.accounts.audit(session, account, "knowledge_published", subject=f"event:{slug}")
    log.info("desk: %s published by staff account %d", name, account.id)
    try:
        await watch.step()
    except Exception:  # the bot's own watch tries again within seconds
        log.exception("desk: the published knowledge could not be loaded at once")
    return Published(slug, name)
