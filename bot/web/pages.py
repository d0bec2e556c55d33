"""Templates and error pages shared by everything the web server shows.

Jinja2 with autoescaping on every template, so text from people and from the knowledge files is
always shown as text, never read as markup (no template marks user text ``|safe``). Texts are
translated in Python with the bot's catalogues and passed in, so ``python -m bot i18n check``
sees every one of them. Error pages (403, 404, 413, 429, 500) are plain pages in the person's
language, Danish unless they chose English, with a way back.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bot.i18n import Lang, translator

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@cache
def _version(path: Path) -> str:
    """A short hash of a static file, so a changed file is fetched anew despite caching."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


class Pages:
    """Renders templates from the shared folder and the given ones (a channel's own)."""

    def __init__(
        self, folders: Sequence[Path] = (), static: Mapping[str, Path] | None = None
    ) -> None:
        self.env = Environment(
            loader=FileSystemLoader([*folders, TEMPLATES]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # URL prefix under /static -> folder; "web" is the shared one.
        self.static = {"web": STATIC, **dict(static or {})}
        self.env.globals["static"] = self.static_url

    def static_url(self, area: str, name: str) -> str:
        return f"/static/{area}/{name}?v={_version(self.static[area] / name)}"

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def macro(self, template: str, name: str) -> Callable[..., Any]:
        """A macro of a template, to draw one piece of a page (a message) on its own."""
        macro: Callable[..., Any] = getattr(self.env.get_template(template).module, name)
        return macro

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.render(name, **context), status_code=status)

    def error(self, status: int, lang: Lang, back: str | None = None) -> HTMLResponse:
        """The error page for ``status`` in ``lang``, with a link back when there is one."""
        _ = translator(lang).gettext
        title, text = error_texts(status, lang)
        return self.page(
            "error.html",
            status,
            lang=lang,
            title=title,
            text=text,
            back=back,
            back_label=_("Back to the chat"),
        )

    def static_files(self) -> dict[str, StaticFiles]:
        return {area: CachedStatic(directory=folder) for area, folder in self.static.items()}


def error_texts(status: int, lang: Lang) -> tuple[str, str]:
    """Heading and explanation of an error page, in plain words."""
    _ = translator(lang).gettext
    if status == 404:
        return _("Page not found"), _(
            "There is no chat at this address. Please check the link on the event's web page."
        )
    if status == 403:
        return _("The page had expired"), _(
            "For your safety the message was not sent. Please go back to the chat and send it "
            "again. The chat needs cookies to remember your conversation."
        )
    if status == 413:
        return _("The message was too long"), _(
            "Please go back to the chat and write a shorter message."
        )
    if status == 429:
        return _("You are writing very fast"), _("Please wait a moment, then try again.")
    return _("Something went wrong"), _(
        "Sorry, something went wrong on my side. Please try again in a moment."
    )


class CachedStatic(StaticFiles):
    """Static files, cached by browsers for a day (their URLs change when they do)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def error_handlers(pages: Pages, lang: Lang) -> dict[Any, Any]:
    """Starlette exception handlers drawing the error pages (for the default language)."""

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return pages.error(status, lang)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("web: error while answering %s", request.url.path, exc_info=exc)
        return pages.error(500, lang)

    return {HTTPException: http_error, Exception: server_error}
