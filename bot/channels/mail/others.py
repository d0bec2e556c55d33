"""People an e-mail signs up besides its sender, each with their own address.

"jeg tilmelder også min kollega Per Nielsen, per.nielsen@example.dk" or "mig og Jens Hviid
(jens.hviid@example.org)": an address written in the reply, with the name written just before
it. Each becomes a registration of its own at that address, and the address is told by e-mail
(it is not the sender's to prove). Addresses without a name before them, the sender's own, and
the organiser's are not people to sign up.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Lang, translator
from bot.knowledge.schema import Event
from bot.registrations.form import InvalidSignup, SignupForm
from bot.registrations.identity import EMAIL, normalise_email
from bot.registrations.mailing import queue_outcome_mail
from bot.registrations.results import Result
from bot.registrations.service import RegistrationService

log = logging.getLogger(__name__)
# An organisation the e-mail did not give; visible to staff in the participant list.
UNKNOWN_ORGANISATION = "(ikke oplyst i e-mailen)"

_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The name right before an address: capitalised words, then a comma, bracket, colon or dash.
_NAME_BEFORE = re.compile(
    r"(?P<name>[A-ZÆØÅÉ][\w'-]+(?:\s+[A-ZÆØÅÉ][\w'-]+){1,3})\s*[,(:<–-]?\s*(?:\[?mailto:)?$"
)
# Others are few; more is a list for staff, not for an automatic reply.
MAX_OTHERS = 5


@dataclass(frozen=True)
class Other:
    """Someone signed up by the sender: their name and their own address."""

    name: str
    email: str


def read_others(message: str, sender: str | None, not_these: set[str] | None = None) -> list[Other]:
    """The people the message signs up who have an address of their own, in order."""
    own = {a.casefold() for a in (sender, *(not_these or set())) if a}
    found: list[Other] = []
    for line in message.splitlines():
        if line.lstrip().startswith(">"):
            continue
        for match in _ADDRESS.finditer(line):
            address = match.group().rstrip(".")
            try:
                email = normalise_email(address)
            except ValueError:
                continue
            named = _NAME_BEFORE.search(line[: match.start()].rstrip())
            if email in own or named is None or any(o.email == email for o in found):
                continue
            found.append(Other(named.group("name"), email))
    return found[:MAX_OTHERS]


def organiser_addresses(event: Event) -> list[str]:
    """The event's own addresses: written in a reply, they are never a colleague's."""
    found = [str(e) for contact in event.contacts for e in contact.emails]
    if event.registration and event.registration.email:
        found.append(str(event.registration.email))
    return found


def also_signed_up(others: list[Other], lang: Lang) -> str | None:
    """What the sender is told of the people they signed up too."""
    if not others:
        return None
    _ = translator(lang).gettext
    return "\n".join(
        _("{name} ({email}) is signed up too and gets a confirmation of their own.").format(
            name=other.name, email=other.email
        )
        for other in others
    )


async def sign_up_others(
    service: RegistrationService,
    event: Event,
    others: list[Other],
    *,
    by: str,
    organisation: str | None,
    lang: Lang,
    now: datetime,
) -> None:
    """Each one signed up at their own address, and told there (in the same transaction) what
    came of it and who signed them up, so that one who did not agree can say so."""
    _ = translator(lang).gettext
    why = _(
        "You get this e-mail because {name} signed you up by e-mail. If that was not agreed "
        "with you, please reply to this e-mail and tell us."
    ).format(name=by)
    for other in others:
        form = SignupForm(
            name=other.name,
            email=other.email,
            organisation=organisation or UNKNOWN_ORGANISATION,
            lang=lang,
        )

        async def tell(session: AsyncSession, result: Result, to: str = other.email) -> None:
            if service.delivery is not None:
                await queue_outcome_mail(
                    session, service.delivery, event, result, to=to, lang=lang, why=why, now=now
                )

        try:
            await service.signup(event, form, channel=EMAIL, now=now, also=tell)
        except InvalidSignup:
            log.info("a colleague named in an e-mail could not be signed up")
