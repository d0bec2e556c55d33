"""The event a participants page is about, and the addresses of its pages and forms.

Every address holds the event's id (the knowledge file's) and nothing personal: registrations
are named by their number in the posted forms, a search is the staff's own query (``?q=``).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.desk.events import event_path
from bot.desk.kit import Desk
from bot.knowledge.schema import Event
from bot.staff import Account

SIGNUP = "tilmeld"
CANCEL = "afmeld"
MOVE_UP = "ryk-op"
FILL = "fyld-op"
CSV = "deltagere.csv"
XLSX = "deltagere.xlsx"


@dataclass(frozen=True)
class Paths:
    """The addresses of one event's participants pages."""

    page: str
    signup: str
    cancel: str
    move_up: str
    fill: str
    csv: str
    xlsx: str


def paths_of(slug: str) -> Paths:
    page = event_path(slug)
    return Paths(
        page=page,
        signup=f"{page}/{SIGNUP}",
        cancel=f"{page}/{CANCEL}",
        move_up=f"{page}/{MOVE_UP}",
        fill=f"{page}/{FILL}",
        csv=f"{page}/{CSV}",
        xlsx=f"{page}/{XLSX}",
    )


def event_of(desk: Desk, request: Request) -> Event | None:
    """The event the address names, if the knowledge has it."""
    return desk.services.kb.event(str(request.path_params["event"]))


async def event_form(
    desk: Desk, request: Request, browser_id: str, account: Account
) -> tuple[Event, FormData] | Response:
    """The event a form was posted about, and the form; or the page saying why not (the form's
    token expired, or the knowledge has no such event)."""
    posted = await desk.posted(request)
    if posted is None:
        return desk.expired(request)
    event = event_of(desk, request)
    if event is None:
        return desk.not_found_page(request, browser_id, account)
    return event, posted[1]


def registration_number(value: str) -> int | None:
    """A registration's number as a form posted it; None for anything else."""
    text = value.strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return int(text)
