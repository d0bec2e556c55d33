"""The participants of one event (``/desk/arrangementer/<event id>``): search, sign someone up on
their behalf, cancel, give a waiting person a seat, the history of each registration, and the
list to download as CSV or an Excel workbook.

- ``page``: the participants page; ``notices``: what it says after a form.
- ``signup``: the signup form; ``changes``: cancel, move up, fill free seats.
- ``export``: the downloads; ``history``: the audit trail in words, with staff's names.
- ``event``: the event an address names, and its addresses; ``texts``: what the pages say.

Every change goes through the registration service's rules (``bot.registrations.on_behalf``);
the desk only asks and tells.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.desk.events import EVENTS
from bot.desk.kit import Desk
from bot.desk.participants.changes import ChangePages
from bot.desk.participants.event import CANCEL, CSV, FILL, MOVE_UP, SIGNUP, XLSX
from bot.desk.participants.export import Downloads
from bot.desk.participants.page import ParticipantsPage
from bot.desk.participants.signup import SignupPage
from bot.registrations.on_behalf import OnBehalf


def routes(desk: Desk) -> list[BaseRoute]:
    on_behalf = OnBehalf(desk.services.registrations, desk.services.delivery)
    page = ParticipantsPage(desk)
    signup = SignupPage(desk, on_behalf)
    changes = ChangePages(desk, on_behalf)
    downloads = Downloads(desk)
    event = EVENTS + "/{event}"
    return [
        Route(event, desk.guarded(page.show), methods=["GET"]),
        Route(f"{event}/{SIGNUP}", desk.guarded(signup.form), methods=["GET"]),
        Route(f"{event}/{SIGNUP}", desk.guarded(signup.submit), methods=["POST"]),
        Route(f"{event}/{CANCEL}", desk.guarded(changes.cancel), methods=["POST"]),
        Route(f"{event}/{MOVE_UP}", desk.guarded(changes.move_up), methods=["POST"]),
        Route(f"{event}/{FILL}", desk.guarded(changes.fill), methods=["POST"]),
        Route(f"{event}/{CSV}", desk.guarded(downloads.csv), methods=["GET"]),
        Route(f"{event}/{XLSX}", desk.guarded(downloads.xlsx), methods=["GET"]),
    ]
