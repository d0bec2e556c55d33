"""The web chat's addresses: the page, its form, the script's JSON API, files and embed.js.

- ``GET /chat/<event>``: the chat about that event, the whole conversation as an ordered list
  (the first visit says the welcome). A new browser gets a session cookie here.
- ``POST /chat/<event>``: the form (``message``, or a pressed ``choice``), for browsers without
  script: the message is handled and the browser sent back to the page (Post/Redirect/Get), to
  the newest message (``#seneste``). A refusal (too fast, too long) shows the page with the text
  kept in the field.
- ``POST /chat/<event>/api/messages``: the same for the script, JSON in and out; the answer
  holds every message newer than the one the page has, drawn by the same template.
- ``GET /chat/<event>/api/messages?after=N``: waits (long polling) for messages newer than N,
  such as a staff member's answer, up to ``POLL_SECONDS``.
- ``GET /chat/<event>/files/<n>``: a file of this chat (the calendar file, the data export);
  another session's gets "not found".
- ``GET /chat/<event>/embed.js``: one ``<script>`` tag puts the chat in a frame on another page.

Every POST needs the session's form token and must come from the server's own pages; URLs
hold no more than the event's name and message numbers, never who is writing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.web.chat import Said, WebChat
from bot.channels.web.texts import file_text, frame_title, page_texts, source_text
from bot.channels.web.transcript import Line, current_choices, open_choices
from bot.i18n import Lang, normalise_lang
from bot.knowledge.schema import Event
from bot.web.origin import from_this_site
from bot.web.pages import Pages
from bot.web.sessions import SessionKeys, served_securely

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
# How long the script's request for news waits, and how many may wait per chat.
POLL_SECONDS = 25.0
MAX_POLLS_PER_CHAT = 3
TOKEN_HEADER = "x-csrf-token"


class ChatRoutes:
    """The web chat's request handlers, on one :class:`WebChat`."""

    def __init__(self, chat: WebChat, keys: SessionKeys, pages: Pages) -> None:
        self.chat = chat
        self.keys = keys
        self.pages = pages
        self.settings = chat.settings

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/chat/{slug}", self.show, methods=["GET"]),
            Route("/chat/{slug}", self.post_form, methods=["POST"]),
            Route("/chat/{slug}/api/messages", self.post_json, methods=["POST"]),
            Route("/chat/{slug}/api/messages", self.poll, methods=["GET"]),
            Route("/chat/{slug}/files/{line:int}", self.file, methods=["GET"]),
            Route("/chat/{slug}/embed.js", self.embed, methods=["GET"]),
        ]

    # -- pieces ---------------------------------------------------------------------------

    def _event(self, request: Request) -> Event | None:
        slug = str(request.path_params["slug"])
        if not SLUG.match(slug):
            return None
        return self.chat.services.kb.event(slug)

    async def _not_found(self, request: Request) -> Response:
        return self.pages.error(404, await self.chat.lang(self.keys.read(request)))

    @staticmethod
    def _address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def _secure(self, request: Request) -> bool:
        return served_securely(request, self.settings.web_public_url)

    def _posted_session(self, request: Request, token: str | None) -> str | None:
        """The session of a POST with a right token from the server's own page, else None."""
        session_id = self.keys.read(request)
        if not from_this_site(request, self.settings.web_public_url):
            return None
        return session_id if self.keys.token_ok(session_id, token) else None

    @staticmethod
    def _chat_url(event: Event) -> str:
        return f"/chat/{event.id}"

    def _render_lines(
        self, event: Event, lines: list[Line], current: Line | None, lang: Lang, token: str
    ) -> list[str]:
        """Each message as the page draws it (the same template), for the script to add."""
        message = self.pages.macro("chat_macros.html", "message")
        texts = page_texts(lang, event.title)
        return [
            str(
                message(
                    self._view(event, line, lang),
                    current is not None and current.id == line.id,
                    False,
                    self._chat_url(event),
                    token,
                    texts,
                )
            )
            for line in lines
        ]

    def _view(self, event: Event, line: Line, lang: Lang) -> dict[str, Any]:
        line_lang = normalise_lang(line.lang) if line.lang else lang
        return {
            "line": line,
            "lang": line_lang if line_lang != lang else None,
            "paragraphs": [p.split("\n") for p in line.text.split("\n\n") if p.strip()],
            "source": source_text(line_lang, line.source) if line.source else None,
            "file_url": f"/chat/{event.id}/files/{line.id}" if line.file_name else None,
            "file_label": (
                file_text(line_lang, line.file_name, line.file_type or "")
                if line.file_name
                else None
            ),
        }

    async def _page(
        self,
        event: Event,
        session_id: str,
        *,
        status: int = 200,
        notice: str | None = None,
        kept: str = "",
    ) -> Response:
        lang = await self.chat.lang(session_id)
        lines = await self.chat.transcript.lines(session_id)
        current = current_choices(lines)
        return self.pages.page(
            "chat.html",
            status,
            lang=lang,
            texts=page_texts(lang, event.title),
            lines=[self._view(event, line, lang) for line in lines],
            current=current.id if current else None,
            action=self._chat_url(event),
            api=f"{self._chat_url(event)}/api/messages",
            token=self.keys.form_token(session_id),
            notice=notice,
            kept=kept,
            max_chars=self.settings.web_max_message_chars,
            last_id=lines[-1].id if lines else 0,
        )

    # -- the page and its form ------------------------------------------------------------

    async def show(self, request: Request) -> Response:
        event = self._event(request)
        if event is None:
            return await self._not_found(request)
        session_id = self.keys.read(request)
        if session_id is None:
            if not self.chat.new_chat_allowed(self._address(request)):
                return self.pages.error(429, await self.chat.lang(None))
            session_id = self.keys.new_id()
        await self.chat.open(session_id, event)
        response = await self._page(event, session_id)
        self.keys.set(response, session_id, secure=self._secure(request))
        return response

    async def post_form(self, request: Request) -> Response:
        event = self._event(request)
        if event is None:
            return await self._not_found(request)
        form = await request.form(max_files=0, max_fields=10)
        token = form.get("csrf")
        session_id = self._posted_session(request, token if isinstance(token, str) else None)
        if session_id is None:
            lang = await self.chat.lang(self.keys.read(request))
            return self.pages.error(403, lang, back=self._chat_url(event))
        message, choice = form.get("message"), form.get("choice")
        text = message if isinstance(message, str) else ""
        said = await self.chat.say(
            session_id,
            event.id,
            address=self._address(request),
            text=text,
            choice=choice if isinstance(choice, str) and choice else None,
        )
        if said.notice is not None:
            kept = text if said.status != 409 else ""
            return await self._page(
                event, session_id, status=said.status, notice=said.notice, kept=kept
            )
        return RedirectResponse(f"{self._chat_url(event)}#seneste", status_code=303)

    # -- the script's API -----------------------------------------------------------------

    async def _news(
        self, event: Event, session_id: str, after: int, said: Said | None = None
    ) -> JSONResponse:
        lang = await self.chat.lang(session_id)
        new = await self.chat.transcript.lines(session_id, after)
        # A message of the person among the new ones: the open choices are among them too.
        if any(line.by_person for line in new):
            current = current_choices(new)
        else:
            current = await open_choices(self.chat.transcript, session_id)
        token = self.keys.form_token(session_id)
        html = self._render_lines(event, new, current, lang, token)
        return JSONResponse(
            {
                "lang": lang,
                "last": new[-1].id if new else after,
                "current": current.id if current else None,
                "items": [
                    {"id": line.id, "by_person": line.by_person, "text": line.text, "html": item}
                    for line, item in zip(new, html, strict=True)
                ],
                "notice": said.notice if said else None,
            },
            status_code=said.status if said else 200,
        )

    async def post_json(self, request: Request) -> Response:
        event = self._event(request)
        if event is None:
            return JSONResponse({"notice": None}, status_code=404)
        session_id = self._posted_session(request, request.headers.get(TOKEN_HEADER))
        if session_id is None:
            return JSONResponse({"notice": None, "reload": True}, status_code=403)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"notice": None}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"notice": None}, status_code=400)
        text, choice, after = body.get("message"), body.get("choice"), body.get("after")
        said = await self.chat.say(
            session_id,
            event.id,
            address=self._address(request),
            text=text if isinstance(text, str) else "",
            choice=choice if isinstance(choice, str) and choice else None,
        )
        return await self._news(event, session_id, after if isinstance(after, int) else 0, said)

    async def poll(self, request: Request) -> Response:
        event = self._event(request)
        session_id = self.keys.read(request)
        if event is None or session_id is None:
            return JSONResponse({"notice": None}, status_code=404 if event is None else 403)
        try:
            after = max(0, int(request.query_params.get("after", "0")))
        except ValueError:
            after = 0
        if self.chat.transcript.waiting(session_id) >= MAX_POLLS_PER_CHAT:
            return JSONResponse({"notice": None}, status_code=429, headers={"Retry-After": "5"})
        await self.chat.transcript.wait(session_id, after, POLL_SECONDS)
        return await self._news(event, session_id, after)

    # -- files and the embed code ---------------------------------------------------------

    async def file(self, request: Request) -> Response:
        event = self._event(request)
        session_id = self.keys.read(request)
        found = None
        if event is not None and session_id is not None:
            found = await self.chat.transcript.file(session_id, int(request.path_params["line"]))
        if found is None:
            return await self._not_found(request)
        name, media_type, content = found
        return Response(
            content,
            media_type=media_type,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )

    async def embed(self, request: Request) -> Response:
        event = self._event(request)
        if event is None:
            return await self._not_found(request)
        base = (self.settings.web_public_url or str(request.base_url)).rstrip("/")
        lang = normalise_lang(self.settings.default_language)
        script = EMBED % {
            "src": json.dumps(f"{base}{self._chat_url(event)}"),
            "title": json.dumps(frame_title(lang, event.title)),
        }
        return Response(
            script,
            media_type="text/javascript; charset=utf-8",
            headers={
                # Loaded by other sites' pages: that is what it is for.
                "Cross-Origin-Resource-Policy": "cross-origin",
                "Cache-Control": "public, max-age=3600",
            },
        )


# The embed code: a frame with the chat, right after the <script> tag that loads it. The sites
# that may show the frame are set on the server (BOT_WEB_ALLOWED_ORIGINS); others see nothing.
EMBED = """(function () {
  "use strict";
  var here = document.currentScript;
  if (!here || !here.parentNode) { return; }
  var frame = document.createElement("iframe");
  frame.src = %(src)s;
  frame.title = %(title)s;
  frame.className = "deltagerbot-chat";
  frame.style.width = "100%%";
  frame.style.maxWidth = here.getAttribute("data-width") || "48rem";
  frame.style.height = here.getAttribute("data-height") || "44rem";
  frame.style.border = "2px solid #6b6b6b";
  here.parentNode.insertBefore(frame, here.nextSibling);
}());
"""
