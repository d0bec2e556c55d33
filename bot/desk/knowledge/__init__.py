"""The events' knowledge at the desk (``/desk/viden``): read, draft from an invitation, change,
try a question, publish.

- ``pages``: the addresses and what their forms do.
- ``fields``: which fields of a knowledge file the form shows, in which sections.
- ``values``: a field's value as the form shows it, and as the file gets it back.
- ``edits``: a posted form as edits of the document, only where something was changed.
- ``shown``: the form as the page shows it, with the draft's source lines and doubts.
- ``readable``: an event as a page a person reads.
- ``drafts``: drafts in progress, kept until they are published.
- ``publishing``: a draft checked as ``knowledge check`` does, and published.
- ``texts``: what the pages say, in the staff's language.

Editing a knowledge file with its comments kept, and writing it into the folder, are
``bot.knowledge.document`` and ``bot.knowledge.publishing``, for any part of the bot.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response

from bot.desk.kit import Desk
from bot.desk.knowledge.pages import DRAFTS, FORM_MAX_BYTES, KNOWLEDGE, NEW, UPLOAD_MAX_BYTES
from bot.desk.knowledge.pages import routes as routes
from bot.desk.knowledge.texts import form_too_large_texts, list_texts, too_large, upload_texts
from bot.desk.texts import chrome_texts
from bot.knowledge.drafting.reading import MAX_BYTES

__all__ = ["KNOWLEDGE", "larger_bodies", "routes"]


def larger_bodies(desk: Desk) -> dict[str, tuple[int, Callable[[], Response]]]:
    """The addresses (path prefixes) whose posts may be larger than the web server's limit,
    with their limits and the page for a post larger still: an invitation's upload (the
    drafting's own limit), and a draft's form (a long programme)."""

    def page(title: str, text: str, back: str, back_label: str) -> Response:
        """A page that says it, with no form and nothing of the desk's: it is shown before
        anyone is known to be signed in."""
        response = desk.pages.page(
            "desk/message.html",
            413,
            lang=desk.lang,
            chrome=chrome_texts(desk.lang),
            account=None,
            token="",
            title=title,
            text=text,
            back=back,
            back_label=back_label,
            form_action=None,
            button="",
        )
        return desk.headers(response)

    def upload_too_large() -> Response:
        t = upload_texts(desk.lang)
        limit = MAX_BYTES // (1024 * 1024)
        return page(t["too_large_title"], too_large(desk.lang, limit), NEW, t["title"])

    def form_too_large() -> Response:
        title, text = form_too_large_texts(desk.lang)
        return page(title, text, KNOWLEDGE, list_texts(desk.lang)["title"])

    return {
        NEW: (UPLOAD_MAX_BYTES, upload_too_large),
        DRAFTS + "/": (FORM_MAX_BYTES, form_too_large),
    }
