"""The desk's knowledge pages and what their forms do.

- ``GET /desk/viden``: every event (upcoming, past) and background source, and the drafts not
  yet published.
- ``GET /desk/viden/<id>``: one event as a readable page; a changed event's notice to its
  participants is offered here (``POST .../aendring/<n>``: send it, or not, through
  :class:`~bot.changes.ChangeService`, as ``/aendring`` in the staff chat does).
- ``POST /desk/viden/<id>/ret``: a draft to change the event (its file as it is now).
- ``GET|POST /desk/viden/ny``: the invitation uploaded (or its text pasted), drafted by
  ``bot.knowledge.drafting`` into a new draft. Its body may be larger than other requests
  (``UPLOAD_MAX_BYTES``: the drafting's own limit and room for the form around the file).
- ``GET|POST /desk/viden/udkast/<token>``: the draft as a form beside the invitation's lines;
  a post saves it (then: the page again, with the check's problems), tries a question on it, or
  publishes it. ``POST .../kasser`` deletes it.

Every form carries the form token (``Desk.posted``); saving and publishing answer with a
redirect to a page (post, redirect, get); a question tried is answered on the page itself, so
it never stands in an address.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.answering import Answerer
from bot.changes import ChangeError
from bot.desk.kit import Desk
from bot.desk.knowledge import texts
from bot.desk.knowledge.drafts import Draft, Drafts
from bot.desk.knowledge.edits import apply, edits
from bot.desk.knowledge.publishing import Checked, check, publish_draft
from bot.desk.knowledge.readable import readable
from bot.desk.knowledge.shown import NoteReader, shown
from bot.i18n import Lang, fmt_date, guess_language, translator
from bot.knowledge import Event, KnowledgeError
from bot.knowledge.document import EditError, FieldPath, KnowledgeDocument
from bot.knowledge.drafting import Document, ReadError, draft_document, read_bytes, read_path
from bot.knowledge.drafting.reading import MAX_BYTES
from bot.knowledge.drafting.writing import write_draft
from bot.knowledge.export import files_by_event
from bot.knowledge.learned import with_learned
from bot.knowledge.publishing import PublishError, digest
from bot.knowledge.schema import SLUG_PATTERN
from bot.staff import Account

log = logging.getLogger(__name__)

KNOWLEDGE = "/desk/viden"
NEW = "/desk/viden/ny"
DRAFTS = "/desk/viden/udkast"
# An upload: the drafting's limit for the file, and room for the form around it.
UPLOAD_MAX_BYTES = MAX_BYTES + 1024 * 1024
# A draft's form: a long programme with descriptions is far more than a chat message.
FORM_MAX_BYTES = 2 * 1024 * 1024
FORM_MAX_FIELDS = 5000
MAX_PASTED_CHARS = 200_000
MAX_QUESTION_CHARS = 500
FLASHES = ("udgivet", "sendt", "ikke-sendt", "kasseret", "gemt")


def knowledge_path(slug: str) -> str:
    return f"{KNOWLEDGE}/{slug}"


def draft_path(token: str) -> str:
    return f"{DRAFTS}/{token}"


def routes(desk: Desk) -> list[BaseRoute]:
    pages = KnowledgePages(desk)
    guarded = desk.guarded
    return [
        Route(KNOWLEDGE, guarded(pages.overview), methods=["GET"]),
        Route(NEW, guarded(pages.upload_page), methods=["GET"]),
        Route(NEW, guarded(pages.upload), methods=["POST"]),
        Route(DRAFTS + "/{token}", guarded(pages.draft_page), methods=["GET"]),
        Route(DRAFTS + "/{token}", guarded(pages.draft_posted), methods=["POST"]),
        Route(DRAFTS + "/{token}/kasser", guarded(pages.discard), methods=["POST"]),
        Route(KNOWLEDGE + "/{slug}", guarded(pages.event_page), methods=["GET"]),
        Route(KNOWLEDGE + "/{slug}/ret", guarded(pages.begin_edit), methods=["POST"]),
        Route(
            KNOWLEDGE + "/{slug}/aendring/{number:int}",
            guarded(pages.decide_change),
            methods=["POST"],
        ),
    ]


def _path_of(name: str) -> FieldPath:
    return tuple(int(p) if p.isdigit() else p for p in name.split("."))


def _place(event: Event, lang: Lang) -> str:
    venue = event.venue
    if venue is None:
        return "–"
    return (
        venue.name or venue.address or (translator(lang).gettext("Online") if venue.online else "–")
    )


class KnowledgePages:
    """The handlers of the knowledge pages."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.services = desk.services
        self.lang = desk.lang
        self.folder = desk.settings.knowledge_dir
        self.drafts = Drafts(desk.settings.data_dir / "desk" / "knowledge")

    def _gettext(self) -> Any:
        return translator(self.lang).gettext

    def _flash(self, request: Request) -> str | None:
        for key in FLASHES:
            if key in request.query_params:
                return texts.flash(self.lang, key, request.query_params.get(key, ""))
        return None

    def _not_found(self, request: Request, browser_id: str, account: Account) -> Response:
        title, text = texts.not_found_texts(self.lang)
        return self.desk.message(
            request,
            browser_id,
            title,
            text,
            status=404,
            account=account,
            back=KNOWLEDGE,
            back_label=texts.list_texts(self.lang)["title"],
        )

    # -- the list and the readable page ---------------------------------------------------

    async def overview(self, request: Request, browser_id: str, account: Account) -> Response:
        now = self.services.clock()
        kb = self.services.curated
        files = await asyncio.to_thread(files_by_event, self.folder)
        t = texts.list_texts(self.lang)

        def row(event: Event) -> dict[str, str]:
            return {
                "title": event.title,
                "href": knowledge_path(event.id),
                "date": fmt_date(event.start, self.lang),
                "place": _place(event, self.lang),
                "file": files[event.id].name if event.id in files else "",
            }

        events = sorted(kb.events.values(), key=lambda e: (e.start, e.id))
        drafts = [
            {
                "title": KnowledgeDocument(d.text).get(("title",)) or t["untitled"],
                "href": draft_path(d.token),
                "what": t["draft_new"] if d.new else t["draft_edit"],
                "by": t["draft_by"].format(
                    name=d.started_by,
                    date=fmt_date(datetime.fromisoformat(d.updated_at), self.lang),
                ),
            }
            for d in self.drafts.all(now)
            if _readable(d.text)
        ]
        return self.desk.page(
            "knowledge/list.html",
            browser_id=browser_id,
            account=account,
            t=t,
            flash=self._flash(request),
            drafts=drafts,
            upcoming=[row(e) for e in events if e.end >= now],
            past=[row(e) for e in reversed(events) if e.end < now],
            backgrounds=[
                {"title": b.title, "href": knowledge_path(b.id)}
                for b in sorted(kb.backgrounds.values(), key=lambda b: b.title)
            ],
            new=NEW,
        )

    async def event_page(self, request: Request, browser_id: str, account: Account) -> Response:
        slug = str(request.path_params["slug"])
        source = self.services.curated.get(slug)
        if source is None:
            return self._not_found(request, browser_id, account)
        changes = [c for c in await self.services.changes.pending() if c.event == slug]
        registered = await self.services.registrations.registered_count(slug) if changes else 0
        t = texts.event_texts(self.lang)
        drafts = [d for d in self.drafts.all(self.services.clock()) if d.event == slug]
        return self.desk.page(
            "knowledge/event.html",
            browser_id=browser_id,
            account=account,
            t=t,
            flash=self._flash(request),
            page=readable(source, self.lang),
            edit_action=f"{knowledge_path(slug)}/ret",
            drafts=[draft_path(d.token) for d in drafts],
            changes=[
                {
                    "action": f"{knowledge_path(slug)}/aendring/{c.id}",
                    "lines": c.lines(self.lang),
                }
                for c in changes
            ],
            change_intro=t["change_intro"].format(count=registered),
            back=KNOWLEDGE,
        )

    async def begin_edit(self, request: Request, browser_id: str, account: Account) -> Response:
        if await self.desk.posted(request) is None:
            return self.desk.expired(request)
        slug = str(request.path_params["slug"])
        path = (await asyncio.to_thread(files_by_event, self.folder)).get(slug)
        if path is None or slug not in self.services.curated.sources:
            return self._not_found(request, browser_id, account)
        text = path.read_text(encoding="utf-8")
        now = self.services.clock()
        draft = self.drafts.editing(path.name, digest(text), now)
        if draft is None:
            try:
                kind = str(KnowledgeDocument(text).get(("kind",)) or "event")
            except Exception:
                title, said = texts.broken_file_texts(self.lang)
                return self.desk.message(
                    request, browser_id, title, said, status=409, account=account,
                    back=knowledge_path(slug), back_label=texts.event_texts(self.lang)["back"],
                )  # fmt: skip
            draft = self.drafts.start(
                text, kind, account.name, now, file=path.name, base=digest(text), event=slug
            )
        return RedirectResponse(draft_path(draft.token), status_code=303)

    async def decide_change(self, request: Request, browser_id: str, account: Account) -> Response:
        posted = await self.desk.posted(request)
        if posted is None:
            return self.desk.expired(request)
        _browser, form = posted
        slug = str(request.path_params["slug"])
        number = int(request.path_params["number"])
        send = self.desk.field(form, "action") == "send"
        pending = {c.id for c in await self.services.changes.pending() if c.event == slug}
        try:
            if number not in pending:
                raise ChangeError("decided", number)
            done = await self.services.changes.decide(
                number, send, account.name, self.services.curated, self.services.clock()
            )
        except ChangeError:
            title, said = texts.change_gone_texts(self.lang)
            return self.desk.message(
                request, browser_id, title, said, status=409, account=account,
                back=knowledge_path(slug), back_label=texts.event_texts(self.lang)["back"],
            )  # fmt: skip
        async with self.services.db.transaction() as session:
            self.desk.accounts.audit(
                session,
                account,
                "change_sent" if send else "change_skipped",
                subject=f"change:{number}",
            )
        flash = f"sendt={done.told or 0}" if send else "ikke-sendt"
        return RedirectResponse(f"{knowledge_path(slug)}?{flash}", status_code=303)

    # -- a new event from its invitation --------------------------------------------------

    def _upload_form(
        self,
        browser_id: str,
        account: Account,
        *,
        status: int = 200,
        problems: dict[str, str] | None = None,
        slug: str = "",
        pasted: str = "",
    ) -> Response:
        t = texts.upload_texts(self.lang)
        return self.desk.page(
            "knowledge/upload.html",
            browser_id=browser_id,
            account=account,
            status=status,
            t=t,
            limit=MAX_BYTES // (1024 * 1024),
            problems=problems or {},
            slug=slug,
            pasted=pasted,
            action=NEW,
            back=KNOWLEDGE,
            back_label=texts.list_texts(self.lang)["title"],
        )

    async def upload_page(self, request: Request, browser_id: str, account: Account) -> Response:
        return self._upload_form(browser_id, account)

    async def upload(self, request: Request, browser_id: str, account: Account) -> Response:
        posted = await self.desk.posted(request, max_fields=5, max_files=1)
        if posted is None:
            return self.desk.expired(request)
        _browser, form = posted
        slug = self.desk.field(form, "id", 100).strip()
        pasted = self.desk.field(form, "text", MAX_PASTED_CHARS)
        problems: dict[str, str] = {}
        if slug and not re.fullmatch(SLUG_PATTERN, slug):
            problems["f-id"] = texts.bad_id(self.lang, slug)
        upload = form.get("invitation")
        chosen = isinstance(upload, UploadFile) and bool(upload.filename)
        if not chosen and not pasted.strip():
            problems["f-invitation"] = texts.upload_texts(self.lang)["nothing"]
        if problems:
            return self._upload_form(
                browser_id, account, status=400, problems=problems, slug=slug, pasted=pasted
            )
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                document = await self._read_upload(upload)
            else:
                name = texts.upload_texts(self.lang)["pasted"]
                document = await asyncio.to_thread(read_bytes, pasted.encode("utf-8"), name, ".txt")
        except ReadError as exc:
            field = "f-invitation" if chosen else "f-text"
            return self._upload_form(
                browser_id,
                account,
                status=400,
                problems={field: exc.say(self.lang)},
                slug=slug,
                pasted=pasted,
            )
        draft = await asyncio.to_thread(self._drafted, document, slug or None, account)
        return RedirectResponse(draft_path(draft.token), status_code=303)

    async def _read_upload(self, upload: UploadFile) -> Document:
        """The invitation read as ``knowledge draft FILE`` reads a file, with the same checks
        (kind, size) and sentences: under its own name in a folder of its own."""
        name = re.split(r"[\\/]", upload.filename or "")[-1]
        name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[-120:] or "invitation"
        data = await upload.read(MAX_BYTES + 1)

        def read() -> Document:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / name
                path.write_bytes(data)
                return read_path(path)

        return await asyncio.to_thread(read)

    def _drafted(self, document: Document, slug: str | None, account: Account) -> Draft:
        drafted = draft_document(document, slug)
        text = write_draft(drafted, self.lang)
        missing = {
            key: texts.missing_text(self.lang, note.say(self.lang))
            for key, note in drafted.missing.items()
        }
        return self.drafts.start(
            text,
            drafted.kind,
            account.name,
            self.services.clock(),
            source=document.name,
            lines=[(line.number, line.page, line.text) for line in document.lines],
            missing=missing,
        )

    # -- the draft ------------------------------------------------------------------------

    async def _check(self, draft: Draft, document: KnowledgeDocument) -> Checked:
        return await asyncio.to_thread(check, self.folder, draft, document, self.lang)

    async def draft_page(self, request: Request, browser_id: str, account: Account) -> Response:
        draft = self.drafts.get(str(request.path_params["token"]))
        if draft is None:
            return self._not_found(request, browser_id, account)
        return await self._draft_form(browser_id, account, draft, flash=self._flash(request))

    async def _draft_form(
        self,
        browser_id: str,
        account: Account,
        draft: Draft,
        *,
        status: int = 200,
        flash: str | None = None,
        refused: str | None = None,
        tried: dict[str, Any] | None = None,
        checked: Checked | None = None,
    ) -> Response:
        t = texts.draft_texts(self.lang)
        _ = self._gettext()
        document = KnowledgeDocument(draft.text)
        checked = checked or await self._check(draft, document)
        show = draft.checked
        fixed = frozenset() if draft.new else frozenset({"id"})
        shown_sections = shown(
            document,
            draft.kind,
            _,
            problems=checked.at_fields if show else {},
            missing=draft.missing,
            fixed=fixed,
        )
        notes = [f.notes for s in shown_sections for f in s.fields]
        notes += [i.notes for s in shown_sections for i in s.items]
        notes += [f.notes for s in shown_sections for i in s.items for f in i.fields]
        unsure = sum(bool(n.unsure) for n in notes)
        whole = NoteReader(_).read(document.notes(("id",))).unsure
        published = self.services.curated.get(draft.event) if draft.event else None
        title = document.get(("title",)) or texts.list_texts(self.lang)["untitled"]
        heading = t["title_new" if draft.new else "title_edit"].format(title=title)
        intro = t["intro_new"].format(file=draft.source) if draft.source else t["intro_edit"]
        lines = [
            {"number": n, "text": line.rstrip("\n")}
            for n, line in enumerate(document.text.splitlines(), start=1)
        ]
        return self.desk.page(
            "knowledge/draft.html",
            browser_id=browser_id,
            account=account,
            status=status,
            t=t,
            heading=heading,
            intro=intro,
            flash=flash,
            refused=refused,
            sections=shown_sections,
            summary=checked.summary if show else [],
            others=checked.others if show else [],
            ok=show and checked.ok,
            unsure_left=t["unsure_left"].format(count=unsure) if unsure else None,
            whole_unsure=whole,
            source=[{"number": n, "page": p, "text": x} for n, p, x in draft.lines],
            source_name=draft.source,
            yaml_lines=lines,
            version=digest(draft.text)[:20],
            action=draft_path(draft.token),
            discard=f"{draft_path(draft.token)}/kasser",
            tried=tried,
            back=knowledge_path(published.id) if published else KNOWLEDGE,
            back_label=published.title if published else texts.list_texts(self.lang)["title"],
        )

    async def draft_posted(self, request: Request, browser_id: str, account: Account) -> Response:
        token = str(request.path_params["token"])
        posted = await self.desk.posted(request, max_fields=FORM_MAX_FIELDS)
        if posted is None:
            return self.desk.expired(request)
        _browser, form = posted
        draft = self.drafts.get(token)
        if draft is None:
            return self._not_found(request, browser_id, account)
        t = texts.draft_texts(self.lang)
        if self.desk.field(form, "version") != digest(draft.text)[:20]:
            return await self._draft_form(
                browser_id, account, draft, status=409, refused=t["stale"]
            )
        document = KnowledgeDocument(draft.text)
        try:
            self._edit(document, draft, form)
        except EditError:
            log.exception("desk: a draft's edit could not be made")
            return await self._draft_form(
                browser_id, account, draft, status=422, refused=t["not_saved"]
            )
        draft.text = document.text
        draft.checked = True
        self.drafts.save(draft, self.services.clock())
        action = self.desk.field(form, "action")
        question = self.desk.field(form, "question", MAX_QUESTION_CHARS).strip()
        if action == "publish":
            return await self._publish(request, browser_id, account, draft, document)
        if action == "try" or question:
            checked = await self._check(draft, document)
            tried = await self._try(question, document, checked) if question else None
            return await self._draft_form(browser_id, account, draft, tried=tried, checked=checked)
        return RedirectResponse(f"{draft_path(token)}?gemt", status_code=303)

    def _edit(self, document: KnowledgeDocument, draft: Draft, form: FormData) -> None:
        """The posted form made into edits of the document: unsure marks checked off first
        (they do not move anything), then the fields."""
        reader = NoteReader(self._gettext())
        for name in form.getlist("checked"):
            if isinstance(name, str) and name:
                path = _path_of(name)
                document.drop_notes(path, reader.read(document.notes(path)).unsure_at)
        values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        removed = {v for v in form.getlist("remove") if isinstance(v, str)}
        fixed = frozenset() if draft.new else frozenset({"id"})
        apply(document, edits(document, values, removed, draft.kind, fixed=fixed), draft.missing)

    async def _try(
        self, question: str, document: KnowledgeDocument, checked: Checked
    ) -> dict[str, Any]:
        t = texts.draft_texts(self.lang)
        if checked.kb is None:
            return {"question": question, "text": None, "note": t["cannot_try"]}
        kb = with_learned(checked.kb, self.services.learned)
        slug = str(document.get(("id",)))
        lang = guess_language(question)
        answer = await asyncio.to_thread(
            lambda: Answerer(kb).answer(question, slug, lang, self.services.clock())
        )
        return {
            "question": question,
            "text": answer.text,
            "note": t["handed_over"] if answer.escalate else t["answered"],
            "escalate": answer.escalate,
        }

    async def _publish(
        self,
        request: Request,
        browser_id: str,
        account: Account,
        draft: Draft,
        document: KnowledgeDocument,
    ) -> Response:
        t = texts.draft_texts(self.lang)
        checked = await self._check(draft, document)
        if not checked.ok:
            return await self._draft_form(
                browser_id, account, draft, status=422, refused=t["problems_left"],
                checked=checked,
            )  # fmt: skip
        try:
            published = await publish_draft(self.desk, draft, document, account)
        except PublishError as exc:
            said = t["exists" if exc.reason in ("exists", "name") else "changed"]
            return await self._draft_form(
                browser_id, account, draft, status=409, refused=said.format(name=exc.name)
            )
        except KnowledgeError:
            return await self._draft_form(
                browser_id, account, draft, status=422, refused=t["problems_left"]
            )
        self.drafts.delete(draft.token)
        return RedirectResponse(f"{knowledge_path(published.slug)}?udgivet", status_code=303)

    async def discard(self, request: Request, browser_id: str, account: Account) -> Response:
        if await self.desk.posted(request) is None:
            return self.desk.expired(request)
        self.drafts.delete(str(request.path_params["token"]))
        return RedirectResponse(f"{KNOWLEDGE}?kasseret", status_code=303)


def _readable(text: str) -> bool:
    try:
        KnowledgeDocument(text)
    except Exception:
        return False
    return True
