"""What the participants page says after a form (post, then redirect, then this on the page).

The redirect's address carries a code and numbers only (``?besked=venteliste&r=17&nr=3``): the
registration's number, the waiting-list place, those who got a seat, whether an e-mail went. The
page looks the names up in the list as it is now; a code or number it does not know says nothing,
so an address made up by hand shows no one's data that the page does not show anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from bot.desk.participants import texts
from bot.i18n import Lang, join_names
from bot.registrations.results import RegistrationInfo

REGISTERED = "tilmeldt"
WAITLISTED = "venteliste"
ALREADY = "allerede"
CANCELLED = "afmeldt"
MOVED_UP = "rykket-op"
EXTRA_SEAT = "ekstra-plads"
FILLED = "fyldt"
STALE = "forældet"
ENDED = "slut"
PROBLEMS = frozenset({STALE, ENDED})


@dataclass(frozen=True)
class Notice:
    text: str
    problem: bool = False


def after(
    page: str,
    code: str,
    *,
    registration: int | None = None,
    position: int | None = None,
    promoted: Sequence[int] = (),
    told: bool | None = None,
) -> str:
    """The page's address with what happened."""
    params: dict[str, str] = {"besked": code}
    if registration is not None:
        params["r"] = str(registration)
    if position is not None:
        params["nr"] = str(position)
    if promoted:
        params["op"] = ",".join(str(i) for i in promoted)
    if told is not None:
        params["sendt"] = "1" if told else "0"
    return f"{page}?{urlencode(params)}"


def _numbers(value: str | None) -> list[int]:
    return [int(part) for part in (value or "").split(",")[:50] if part.isdigit()]


def read(
    params: Mapping[str, str], people: Mapping[int, RegistrationInfo], lang: Lang
) -> Notice | None:
    """The notice the address asks for, from the list as it is; None for none."""
    code = params.get("besked")
    if code is None:
        return None
    if code == STALE:
        return Notice(texts.stale_notice(lang), problem=True)
    if code == ENDED:
        return Notice(texts.ended_notice(lang), problem=True)
    if code == FILLED:
        names = [people[i].name for i in _numbers(params.get("op")) if i in people]
        return Notice(texts.filled_notice(lang, join_names(names, lang)))
    numbers = _numbers(params.get("r"))
    info = people.get(numbers[0]) if numbers else None
    if info is None:
        return None
    name = info.name or texts.someone(lang)
    told = params.get("sendt") == "1"
    position = _numbers(params.get("nr"))
    parts: list[str] = []
    if code == REGISTERED:
        parts = [texts.registered_notice(lang, name), texts.mailed_text(lang, info.email, told)]
    elif code == WAITLISTED:
        place = str(position[0]) if position else str(info.position or "")
        parts = [
            texts.waitlisted_notice(lang, name, place),
            texts.mailed_text(lang, info.email, told),
        ]
    elif code == ALREADY:
        parts = [texts.already_notice(lang, name, info.position)]
    elif code == CANCELLED:
        parts = [texts.cancelled_notice(lang, name)]
        parts.append(texts.mailed_text(lang, info.email, told, confirmation=False))
        names = [people[i].name for i in _numbers(params.get("op")) if i in people]
        if names:
            parts.append(texts.promoted_notice(lang, join_names(names, lang)))
    elif code == MOVED_UP:
        parts = [texts.moved_up_notice(lang, name)]
    elif code == EXTRA_SEAT:
        parts = [texts.extra_seat_notice(lang, name)]
    else:
        return None
    return Notice(" ".join(parts))
