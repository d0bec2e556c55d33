"""Staff acting for a person (a phone call, a colleague): the same rules, the staff member named.

Every change goes through the :class:`~bot.registrations.service.RegistrationService` operation
any channel uses: a signup meets the same capacity, waiting list, deadline and session rules; a
cancellation frees the seat for the waiting list the same way, and those promoted are told the
same way. What staff add:

- the audit names the staff member as the actor (the caller's ``actor``, ``desk:<account id>``
  at the desk) and the channel ``desk``;
- the person is told by e-mail at the registration's address, in their language, in the same
  transaction (:mod:`bot.registrations.mailing`, as a chat's signup on an unproven address is),
  with a line saying the secretariat made the change;
- ``also`` runs in that transaction too, for the caller's own record of what staff did.

Moving a chosen person up from the waiting list is staff's decision: into a free seat, or, when
none is free and staff say so, an extra seat beyond the capacity (see ``RegistrationService.
move_up``). Giving free seats to the waiting list in its order is ``fill_free_seats``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import Delivery
from bot.i18n import Lang, normalise_lang, translator
from bot.knowledge.schema import Event
from bot.registrations.form import SignupForm
from bot.registrations.identity import EMAIL
from bot.registrations.mailing import queue_outcome_mail
from bot.registrations.results import MoveUp, Outcome, RegistrationInfo, Result
from bot.registrations.service import RegistrationService

CHANNEL = "desk"
# Outcomes that changed something the person should hear of from us.
_TOLD = frozenset({Outcome.REGISTERED, Outcome.WAITLISTED, Outcome.CANCELLED})

AlsoWithResult = Callable[[AsyncSession, Result], Awaitable[None]]
AlsoWithMoveUp = Callable[[AsyncSession, MoveUp], Awaitable[None]]


@dataclass(frozen=True)
class Done:
    """What the service answered, and whether the person was sent an e-mail about it."""

    result: Result
    told: bool


def _why(lang: Lang, outcome: Outcome) -> str:
    _ = translator(lang).gettext
    if outcome is Outcome.CANCELLED:
        return _(
            "The secretariat cancelled this registration for you. If that was not agreed with "
            "you, please reply to this e-mail and tell us."
        )
    return _(
        "The secretariat signed you up with this address. If that was not agreed with you, "
        "please reply to this e-mail and tell us."
    )


class OnBehalf:
    """The registration changes staff make for people, on one service."""

    def __init__(self, service: RegistrationService, delivery: Delivery | None) -> None:
        self.service = service
        self.delivery = delivery

    def mails(self) -> bool:
        """Whether people can be told by e-mail here (a mailbox to send from)."""
        return self.delivery is not None and self.delivery.reaches(EMAIL)

    def _telling(
        self, event: Event, now: datetime, told: list[bool], also: AlsoWithResult | None
    ) -> AlsoWithResult:
        """In the change's transaction: tell the person (``told`` says whether they were), then
        the caller's own ``also``."""

        async def then(session: AsyncSession, result: Result) -> None:
            await self._tell(session, event, result, now, told)
            if also is not None:
                await also(session, result)

        return then

    async def _tell(
        self, session: AsyncSession, event: Event, result: Result, now: datetime, told: list[bool]
    ) -> None:
        info = result.registration
        if self.delivery is None or info is None or result.outcome not in _TOLD:
            return
        lang = normalise_lang(info.lang)
        sent = await queue_outcome_mail(
            session,
            self.delivery,
            event,
            result,
            to=info.email,
            lang=lang,
            why=_why(lang, result.outcome),
            now=now,
        )
        told.append(sent)

    async def signup(
        self,
        event: Event,
        form: SignupForm,
        *,
        actor: str,
        now: datetime,
        also: AlsoWithResult | None = None,
    ) -> Done:
        """Sign the person up under every channel's rules; InvalidSignup as for any signup."""
        told: list[bool] = []
        then = self._telling(event, now, told, also)
        result = await self.service.signup(
            event, form, channel=CHANNEL, now=now, actor=actor, also=then
        )
        return Done(result, any(told))

    async def cancel(
        self,
        event: Event,
        registration_id: int,
        *,
        actor: str,
        now: datetime,
        also: AlsoWithResult | None = None,
    ) -> Done:
        """Cancel the registration; NOT_REGISTERED when it is no active one of the event."""
        told: list[bool] = []
        then = self._telling(event, now, told, also)
        result = await self.service.cancel_registration(
            event, registration_id, channel=CHANNEL, now=now, actor=actor, also=then
        )
        return Done(result, any(told))

    async def move_up(
        self,
        event: Event,
        registration_id: int,
        *,
        actor: str,
        now: datetime,
        extra_seat: bool = False,
        also: AlsoWithMoveUp | None = None,
    ) -> MoveUp:
        """Give the chosen waiting person a seat (see ``RegistrationService.move_up``)."""
        return await self.service.move_up(
            event,
            registration_id,
            channel=CHANNEL,
            now=now,
            actor=actor,
            extra_seat=extra_seat,
            also=also,
        )

    async def fill_free_seats(
        self, event: Event, *, actor: str, now: datetime
    ) -> tuple[RegistrationInfo, ...]:
        """Give the free seats to the waiting list in its order; those who got one."""
        return await self.service.promote_waiting(event, channel=CHANNEL, now=now, actor=actor)
