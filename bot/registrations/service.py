"""The registration service: signup, cancellation, the waiting list, and "my registrations".

Transport-independent: channels call it with a channel name, what they know of the person and the
time now, and tell the person what the :class:`~bot.registrations.results.Result` says.

How a change stays correct under concurrency and crashes:

- Every change is one database transaction: the participant, their identities, the registration
  and its audit lines are written together or not at all.
- Changes to one event are serialised. On SQLite a write transaction holds the database's write
  lock from its first statement (``BEGIN IMMEDIATE``); on PostgreSQL it locks the event's row in
  ``registration_events`` (``SELECT … FOR UPDATE``, or, for a signup that will make a
  registration, the ``UPDATE`` that takes its queue number). So "is there a seat?" and "take it"
  cannot interleave with another signup, and seat 51 of 50 is never given. The seats are counted
  in a statement of their own after the lock is held: in PostgreSQL's READ COMMITTED a statement
  that waits for a lock still reads other rows as they were when it began.
- Signups for one event go no faster than its lock is passed on, so the signups that arrive
  while one is being made wait and are then made together, in one transaction (group commit,
  ``_gathered``; alone, a signup is a batch of one): identities looked up, new participants
  written, the lock taken with a queue number for each, the seats counted once, and each new
  person placed in memory against those counts, in arrival order; then one plain insert per
  table (registrations, needs, audit lines, check-in codes) for the whole batch, nothing read
  back. Anyone already known is signed up by the full logic, in their turn. A failing batch is
  made again signup by signup, so one bad signup (or a channel's ``also``) fails alone. A signup
  made inside a unit of work (``Database.unit``) is made alone in the unit, as before.
- The database refuses a second active registration of one person for one event (partial unique
  index) whatever the code does.
- On PostgreSQL two first-time signups of one person for two events can race to create the same
  identity; the loser's transaction fails on the unique constraint and is run again from the
  start, now finding the identity. Deadlocks and serialisation failures are retried the same way.

Waiting-list order is the order of signing up (``queue_no``, counted per event under the lock).
When a seat frees up, the first waiting person who fits (event and session capacity) is promoted,
and told so on their own channel in the same transaction (``bot.registrations.promotions``,
through the service's ``delivery``; a service without one tells nobody). Promoted registrations
are also returned in ``Result.promoted``.

The audit names who made each change: the ``actor`` a staff tool passes (``staff:lene``, or
``desk:<account id>`` from the desk), else the participant, since without one the person acts
for themselves (a chat, their own e-mail). Staff may also cancel a registration by its id and
move a chosen person up from the waiting list, into a free seat or, as their decision, an
extra one beyond the capacity (``move_up``).
A signup updates the person's stored details (name, organisation, language) only when it comes
from the person: a chat signup made on an address alone, which the chat did not prove, leaves
them as they are (``_speaks_for_the_person``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.issuing import code_for, new_codes
from bot.clock import localize
from bot.delivery import Delivery
from bot.knowledge.schema import Event
from bot.metrics import CANCELLATIONS, SIGNUPS
from bot.registrations.form import CleanSignup, SignupForm, clean_signup
from bot.registrations.identity import EMAIL, ChatId, Identity, check_channel
from bot.registrations.models import (
    AuditEntry,
    Participant,
    ParticipantIdentity,
    Registration,
    RegistrationEvent,
    RegistrationNeed,
    RegistrationStatus,
)
from bot.registrations.needs import MAX_COMPANIONS, NeedsRead, merged
from bot.registrations.needs_kept import (
    Kept,
    as_kept,
    companion_counts,
    companion_seats_query,
    keep,
    keep_fresh,
    kept_of,
)
from bot.registrations.promotions import announce_promotions
from bot.registrations.results import (
    AuditRecord,
    EventCounts,
    MoveUp,
    MoveUpOutcome,
    Outcome,
    RegistrationInfo,
    Result,
)
from bot.registrations.rules import (
    deadline_passed,
    event_capacity,
    find_session,
    is_closed,
    signup_closes_at,
)
from bot.storage.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")
EventLookup = Callable[[str], Event | None]

ATTEMPTS = 5
# PostgreSQL: deadlock detected, serialisation failure. Both leave nothing behind; run again.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})

REGISTERED = RegistrationStatus.REGISTERED.value
WAITLISTED = RegistrationStatus.WAITLISTED.value
CANCELLED = RegistrationStatus.CANCELLED.value

# The signup's own statements, built once: a statement built anew is compiled (or looked up in
# the cache by a key computed from its whole tree) each time, which costs more CPU than the
# round trip. Each signup runs these under its event's lock; less CPU there is a shorter hold.
_EVENTS = cast(Table, RegistrationEvent.__table__)
_REGISTRATIONS = cast(Table, Registration.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
_PARTICIPANTS = cast(Table, Participant.__table__)
_IDENTITIES = cast(Table, ParticipantIdentity.__table__)
_LOCK = (
    select(_EVENTS.c.last_queue_no).where(_EVENTS.c.slug == bindparam("event")).with_for_update()
)
# Locks the row as ``FOR UPDATE`` does, and takes the next queue numbers in the same round trip.
_TAKE_NUMBERS = (
    update(_EVENTS)
    .where(_EVENTS.c.slug == bindparam("event"))
    .values(last_queue_no=_EVENTS.c.last_queue_no + bindparam("numbers"))
    .returning(_EVENTS.c.last_queue_no)
)
# Many rows in one statement, their ids returned in the order of the rows given.
_NEW_REGISTRATIONS = insert(_REGISTRATIONS).returning(
    _REGISTRATIONS.c.id, sort_by_parameter_order=True
)
_NEW_PARTICIPANTS = insert(_PARTICIPANTS).returning(
    _PARTICIPANTS.c.id, sort_by_parameter_order=True
)
# Signups of one event gathered into one transaction at most (``RegistrationService._gathered``).
BATCH = 64


@dataclass
class _Change:
    """One write transaction and who makes it."""

    session: AsyncSession
    channel: str
    now: datetime
    actor: str | None
    promoted: list[Registration] = field(default_factory=list)


AlsoInTransaction = Callable[[AsyncSession, Result], Awaitable[None]]


@dataclass
class _Signup:
    """A signup asked for, waiting for its batch (``RegistrationService._gathered``)."""

    event: Event
    form: CleanSignup
    who: Identity
    channel: str
    now: datetime
    actor: str | None
    also: AlsoInTransaction | None


@dataclass
class _New:
    """A registration a batch is to make: for whom, its queue number, seat or waiting place."""

    change: _Change
    event: Event
    form: CleanSignup
    who: Identity
    participant_id: int
    queue_no: int
    seat: bool
    position: int | None  # on the waiting list; None: not known (read once it is made)
    new_person: bool = True  # made in this change: their only chat is the one given
    index: int = 0  # its signup's place in the batch

    @property
    def seats(self) -> int:
        return 1 + len(self.form.companions)


@dataclass
class _Seats:
    """An event's seats as a batch holds them under the event's lock: counted once, then kept
    in memory as the batch places new people."""

    taken: int
    waiting: int
    last_no: int  # the last queue number given
    sessions: dict[str, int]  # seats taken per session with a capacity, once counted


# Told, in the transaction that kept them, that a registration's needs were set (a signup or a
# change on any channel): staff are alerted about late needs (``bot.arranging.alerts``).
NeedsWatch = Callable[[AsyncSession, Event, int, datetime], Awaitable[None]]
AlsoAfterMoveUp = Callable[[AsyncSession, MoveUp], Awaitable[None]]


def _with(
    also: AlsoInTransaction | None, work: Callable[[_Change], Awaitable[Result]]
) -> Callable[[_Change], Awaitable[Result]]:
    """The work, followed in the same transaction by the caller's own writes."""
    if also is None:
        return work

    async def both(change: _Change) -> Result:
        result = await work(change)
        await also(change.session, result)
        return result

    return both


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in RETRY_SQLSTATES


class RegistrationService:
    """Signups and cancellations for the events of the knowledge base, on one database."""

    def __init__(self, db: Database, events: EventLookup, delivery: Delivery | None = None) -> None:
        self.db = db
        # Needed when merging two participants touches registrations for other events, and to
        # tell the promoted about their event.
        self._events = events
        # How the promoted are told; None (a tool or a test) tells nobody.
        self.delivery = delivery
        # Who is told of needs kept (``Services.start`` sets it); None: nobody.
        self.needs_watch: NeedsWatch | None = None
        # Signups waiting for their event's batch, by event; the drains making them.
        self._queued: dict[str, list[tuple[_Signup, asyncio.Future[Result]]]] = {}
        self._drains: set[asyncio.Task[None]] = set()

    # ----------------------------------------------------------------- public operations

    async def signup(
        self,
        event: Event,
        form: SignupForm,
        *,
        channel: str,
        now: datetime,
        chat: ChatId | None = None,
        actor: str | None = None,
        also: AlsoInTransaction | None = None,
    ) -> Result:
        """Sign a person up: registered, waitlisted, already registered, deadline passed or full.

        ``chat`` is the chat to link to the form's address (only when the chat may be: see
        ``bot.registrations.dialogue``); ``actor`` names a staff member acting for the person.
        ``also`` runs in the same transaction with the result: a channel's own record of the
        message it acted on, say, commits together with the registration or not at all.
        Raises :class:`~bot.registrations.form.InvalidSignup` when the form is incomplete.
        """
        clean = clean_signup(event, form)
        who = Identity(email=clean.email, chat=chat)
        asked = _Signup(event, clean, who, check_channel(channel), localize(now), actor, also)
        if self.db.in_unit():
            # The unit's savepoint is this task's own: it cannot join another task's batch.
            result = (await self._signups([asked]))[0]
        else:
            result = await self._gathered(asked)
        log.info(
            "signup event=%s registration=%s outcome=%s channel=%s promoted=%d",
            event.id,
            result.registration.id if result.registration else None,
            result.outcome.value,
            channel,
            len(result.promoted),
        )
        return result

    async def cancel(
        self,
        event: Event,
        who: Identity,
        *,
        channel: str,
        now: datetime,
        actor: str | None = None,
        also: AlsoInTransaction | None = None,
    ) -> Result:
        """Cancel the person's registration (or place on the waiting list) for the event.

        ``also`` runs in the same transaction with the result, as for :meth:`signup`.
        """
        result = await self._write(
            channel, now, actor, _with(also, lambda change: self._cancel(change, event, who))
        )
        log.info(
            "cancel event=%s registration=%s outcome=%s channel=%s promoted=%d",
            event.id,
            result.registration.id if result.registration else None,
            result.outcome.value,
            channel,
            len(result.promoted),
        )
        return result

    async def update_needs(
        self,
        event: Event,
        who: Identity,
        read: NeedsRead,
        *,
        channel: str,
        now: datetime,
        also: AlsoInTransaction | None = None,
    ) -> Result:
        """Change a registered person's needs and companions by what a later message says:
        kinds stated are added, kinds withdrawn removed, the rest kept (``needs.merged``).

        UPDATED, or NOT_REGISTERED when the person has no active registration for the event.
        Companions withdrawn free their seats for the waiting list; companions added are kept
        even when the event is full (the person may depend on them; staff see the count).
        """
        result = await self._write(
            channel,
            now,
            None,
            _with(also, lambda change: self._update_needs(change, event, who, read)),
        )
        log.info(
            "needs updated event=%s registration=%s outcome=%s channel=%s",
            event.id,
            result.registration.id if result.registration else None,
            result.outcome.value,
            channel,
        )
        return result

    async def promote_waiting(
        self, event: Event, *, channel: str, now: datetime, actor: str | None = None
    ) -> tuple[RegistrationInfo, ...]:
        """Give free seats to the waiting list (after staff raised the capacity, say)."""

        async def work(change: _Change) -> tuple[RegistrationInfo, ...]:
            await self._lock_event(change, event.id)
            await self._promote(change, event)
            return await self._promoted_infos(change)

        return await self._write(channel, now, actor, work)

    async def cancel_registration(
        self,
        event: Event,
        registration_id: int,
        *,
        channel: str,
        now: datetime,
        actor: str | None = None,
        also: AlsoInTransaction | None = None,
    ) -> Result:
        """Cancel one registration of the event by its id (staff acting for the person).

        As any cancellation: a freed seat goes to the waiting list, and those promoted are told.
        ``NOT_REGISTERED`` (with the registration, if it is this event's) when it is not an
        active registration of this event: cancelled meanwhile, or a stale page.
        """

        async def work(change: _Change) -> Result:
            await self._lock_event(change, event.id)
            reg = await self._registration(change.session, event.id, registration_id)
            if reg is None or reg.status == CANCELLED:
                return await self._result(change, Outcome.NOT_REGISTERED, event.id, reg)
            return await self._cancel_active(change, event, reg)

        result = await self._write(channel, now, actor, _with(also, work))
        log.info(
            "cancel event=%s registration=%s outcome=%s channel=%s promoted=%d",
            event.id,
            registration_id,
            result.outcome.value,
            channel,
            len(result.promoted),
        )
        return result

    async def move_up(
        self,
        event: Event,
        registration_id: int,
        *,
        channel: str,
        now: datetime,
        actor: str | None = None,
        extra_seat: bool = False,
        also: AlsoAfterMoveUp | None = None,
    ) -> MoveUp:
        """Give a chosen person on the waiting list a seat: staff's decision, out of turn.

        A free seat (of the event, and of their session when it has a limit of its own) is
        theirs. When there is none, nothing is done (``NO_SEAT``, with the seats counted) unless
        ``extra_seat``: then they get one beyond the capacity, and the audit says so. The
        waiting list then moves again only when cancellations bring the seats taken below the
        capacity. The person is told as anyone promoted is, in the same transaction; ``also``
        runs in it too, after a seat was given.
        """

        async def work(change: _Change) -> MoveUp:
            session = change.session
            await self._lock_event(change, event.id)
            reg = await self._registration(session, event.id, registration_id)
            if reg is None or reg.status != WAITLISTED:
                info = await self._info(session, reg) if reg is not None else None
                return MoveUp(MoveUpOutcome.NOT_WAITING, info)
            if change.now.astimezone(UTC) >= event.end.astimezone(UTC):
                return MoveUp(MoveUpOutcome.ENDED, await self._info(session, reg))
            full = await self._full(session, event, reg.session_key)
            capacity, taken, session_key = full or (None, 0, None)
            if full is not None and not extra_seat:
                info = await self._info(session, reg)
                return MoveUp(MoveUpOutcome.NO_SEAT, info, capacity, taken, session_key)
            reg.status = REGISTERED
            reg.updated_at = change.now
            await session.flush()
            self._audit(change, reg, "moved_up", WAITLISTED, note="extra seat" if full else None)
            change.promoted.append(reg)
            outcome = MoveUpOutcome.EXTRA_SEAT if full else MoveUpOutcome.MOVED_UP
            moved = MoveUp(outcome, await self._info(session, reg), capacity, taken, session_key)
            if also is not None:
                await also(session, moved)
            return moved

        moved = await self._write(channel, now, actor, work)
        log.info(
            "move up event=%s registration=%s outcome=%s channel=%s",
            event.id,
            registration_id,
            moved.outcome.value,
            channel,
        )
        return moved

    async def link(
        self, who: Identity, *, channel: str, now: datetime, actor: str | None = None
    ) -> int | None:
        """Link an e-mail address and a chat to one participant; their id, or None."""

        async def work(change: _Change) -> int | None:
            participant = await self._find_participant(change, who)
            return participant.id if participant else None

        return await self._write(channel, now, actor, work)

    async def cancel_for_erasure(
        self,
        session: AsyncSession,
        participant_ids: Collection[int],
        *,
        channel: str,
        now: datetime,
    ) -> tuple[RegistrationInfo, ...]:
        """Cancel the people's active registrations in the caller's transaction (an erasure).

        As any cancellation: a freed seat goes to the waiting list, and those promoted are told
        and returned. ``bot.privacy`` then anonymises the rows.
        """
        change = _Change(session, check_channel(channel), localize(now), None)
        active = select(Registration).where(
            Registration.participant_id.in_(list(participant_ids)),
            Registration.status != CANCELLED,
        )
        # Lock the events first (in a fixed order), then read the rows as they are now.
        events = active.with_only_columns(Registration.event_slug)
        slugs = sorted(set(await session.scalars(events)))
        for slug in slugs:
            await self._lock_event(change, slug)
        rows = await session.scalars(
            active.order_by(Registration.id).execution_options(populate_existing=True)
        )
        for reg in list(rows):
            if reg.status == CANCELLED:  # the merge of two of them cancelled it meanwhile
                continue
            old = reg.status
            reg.status, reg.cancelled_at, reg.updated_at = CANCELLED, change.now, change.now
            await session.flush()
            self._audit(change, reg, "cancelled", old, note="erasure")
            event = self._events(reg.event_slug)
            if old == REGISTERED and event is not None:
                await self._promote(change, event)
        promoted = tuple(
            p for p in await self._promoted_infos(change) if p.participant_id not in participant_ids
        )
        await self._announce(change, promoted)
        log.info("erasure cancelled registrations; promoted=%d", len(promoted))
        return promoted

    async def whose_address(self, email: str, chat: ChatId) -> str:
        """Whether an address typed in a chat is ``ours`` (linked to this chat), a known
        participant's (``other``), or ``new``.

        Typing an address does not prove it is yours: before a chat is linked to an address (and
        so sees and can cancel or erase what is done by that address, now or later by e-mail),
        the address must be confirmed with a code sent to it.
        """
        who = Identity(email=email, chat=chat)
        async with self.db.session() as session:
            owners = await self._owners(session, who)
        if EMAIL not in owners:
            return "new"
        return "ours" if owners.get(chat.kind) == owners[EMAIL] else "other"

    async def registrations_of(
        self, who: Identity, *, now: datetime, include_past: bool = False
    ) -> list[RegistrationInfo]:
        """The person's active registrations, soonest event first; past events only on request."""
        now = localize(now)
        async with self.db.session() as session:
            ids = await self._participant_ids(session, who)
            if not ids:
                return []
            rows = (
                await session.execute(
                    select(Registration)
                    .where(Registration.participant_id.in_(ids), Registration.status != CANCELLED)
                    .order_by(Registration.created_at, Registration.id)
                )
            ).scalars()
            kept: list[Registration] = []
            for reg in rows:
                event = self._events(reg.event_slug)
                if include_past or event is None or event.end > now:
                    kept.append(reg)
            infos = [await self._info(session, reg, reading=True) for reg in kept]

        def soonest(info: RegistrationInfo) -> tuple[int, datetime]:
            event = self._events(info.event_slug)
            return (0, event.start) if event else (1, info.created_at)

        return sorted(infos, key=soonest)

    async def event_registrations(
        self, event_slug: str, *, include_cancelled: bool = False, matching: str | None = None
    ) -> list[RegistrationInfo]:
        """Everyone signed up for an event, in signup order, with waiting-list positions.

        ``matching``: only those whose name, e-mail address or organisation holds the text
        (case and spacing aside); positions stay those on the whole waiting list.
        """
        query = select(Registration).where(Registration.event_slug == event_slug)
        if not include_cancelled:
            query = query.where(Registration.status != CANCELLED)
        async with self.db.session() as session:
            regs = list((await session.execute(query.order_by(Registration.queue_no))).scalars())
            chats = await self._chats(session, {r.participant_id for r in regs})
            kept = await kept_of(session, [r.id for r in regs])
        infos: list[RegistrationInfo] = []
        waiting = 0
        for reg in regs:
            position = None
            if reg.status == WAITLISTED:
                waiting += 1
                position = waiting
            infos.append(_snapshot(reg, position, chats.get(reg.participant_id), kept[reg.id]))
        wanted = _folded(matching or "")
        if wanted:
            infos = [
                i
                for i in infos
                if any(wanted in _folded(text) for text in (i.name, i.email, i.organisation))
            ]
        return infos

    async def audit_trail(
        self, event_slug: str | None = None, *, registration_id: int | None = None
    ) -> list[AuditRecord]:
        """Every recorded change, oldest first, for an event or one registration (or all)."""
        query = select(AuditEntry).order_by(AuditEntry.id)
        if event_slug is not None:
            query = query.where(AuditEntry.event_slug == event_slug)
        if registration_id is not None:
            query = query.where(AuditEntry.registration_id == registration_id)
        async with self.db.session() as session:
            rows = (await session.execute(query)).scalars().all()
        return [
            AuditRecord(
                at=localize(row.at),
                registration_id=row.registration_id,
                event_slug=row.event_slug,
                participant_id=row.participant_id,
                action=row.action,
                old_status=row.old_status,
                new_status=row.new_status,
                channel=row.channel,
                actor=row.actor,
                note=row.note,
            )
            for row in rows
        ]

    async def counts(self, event_slug: str | None = None) -> list[EventCounts]:
        """Registered, waiting and cancelled per event that has any registration (or one)."""
        query = select(Registration.event_slug, Registration.status, func.count()).group_by(
            Registration.event_slug, Registration.status
        )
        if event_slug is not None:
            query = query.where(Registration.event_slug == event_slug)
        needs = (
            select(Registration.event_slug, func.count())
            .where(
                Registration.status != CANCELLED,
                or_(
                    and_(Registration.needs.is_not(None), Registration.needs != ""),
                    Registration.id.in_(select(RegistrationNeed.registration_id)),
                ),
            )
            .group_by(Registration.event_slug)
        )
        if event_slug is not None:
            needs = needs.where(Registration.event_slug == event_slug)
        async with self.db.session() as session:
            rows = (await session.execute(query)).all()
            with_needs: dict[str, int] = {slug: n for slug, n in await session.execute(needs)}
        table: dict[str, dict[str, int]] = {}
        for slug, status, n in rows:
            table.setdefault(slug, {})[status] = n
        return [
            EventCounts(
                slug,
                t.get(REGISTERED, 0),
                t.get(WAITLISTED, 0),
                t.get(CANCELLED, 0),
                with_needs.get(slug, 0),
            )
            for slug, t in sorted(table.items())
        ]

    async def registered_count(self, event_slug: str) -> int:
        """How many have a seat at the event."""
        return sum(c.registered for c in await self.counts(event_slug))

    # ----------------------------------------------------------------- transactions

    async def _write(
        self,
        channel: str,
        now: datetime,
        actor: str | None,
        work: Callable[[_Change], Awaitable[T]],
    ) -> T:
        channel = check_channel(channel)
        now = localize(now)

        async def run(session: AsyncSession) -> T:
            change = _Change(session, channel, now, actor)
            done = await work(change)
            await self._announce(change, await self._promoted_infos(change))
            return done

        return await self._retrying(run)

    async def _retrying(self, run: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``run`` in a write transaction, run again from the start after a conflict."""
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.db.transaction() as session:
                    return await run(session)
            except DBAPIError as exc:
                if attempt >= ATTEMPTS or not _retryable(exc):
                    raise
                log.info("registration change conflicted (%s); retrying", type(exc).__name__)

    async def _lock_event(self, change: _Change, slug: str, *, numbers: int = 0) -> int:
        """Lock the event's row (creating it on first use) until the transaction ends.

        The event's last queue number; ``numbers``: that many more are taken (registrations are
        made) and the last of them is returned.
        """
        session = change.session
        query = _TAKE_NUMBERS if numbers else _LOCK
        params = {"event": slug, "numbers": numbers} if numbers else {"event": slug}
        found = (await session.execute(query, params)).scalar_one_or_none()
        if found is None:
            values = {"slug": slug, "last_queue_no": 0, "created_at": change.now}
            if self.db.dialect == "postgresql":
                pg = postgresql.insert(RegistrationEvent).values(values)
                await session.execute(pg.on_conflict_do_nothing(index_elements=["slug"]))
            else:
                lite = sqlite.insert(RegistrationEvent).values(values)
                await session.execute(lite.on_conflict_do_nothing(index_elements=["slug"]))
            found = (await session.execute(query, params)).scalar_one()
        return int(found)

    # ----------------------------------------------------------------- signup and cancel

    async def _signup(
        self, change: _Change, event: Event, form: CleanSignup, who: Identity
    ) -> Result | _New:
        """A signup a batch does not place in memory (``_batch``): someone already known, or a
        closed event. Its outcome, or the registration to make (``_made``)."""
        session = change.session
        await self._lock_event(change, event.id)
        participant = await self._find_participant(change, who)
        if participant is not None:
            active = await self._active(session, event.id, participant.id)
            if active is not None:
                return await self._result(change, Outcome.ALREADY_REGISTERED, event.id, active)
        if is_closed(event):
            return await self._result(change, Outcome.FULL, event.id)
        if deadline_passed(event, change.now):
            return await self._result(
                change, Outcome.DEADLINE_PASSED, event.id, deadline=signup_closes_at(event)
            )
        new = participant is None
        if participant is None:
            (participant_id,) = await self._add_participants(session, [(change, who, form)])
        else:
            participant_id = participant.id
            if _speaks_for_the_person(change, who):
                participant.name = form.name
                participant.organisation = form.organisation
                participant.lang = form.lang
                participant.updated_at = change.now
                await session.flush()
        queue_no = await self._lock_event(change, event.id, numbers=1)
        # Seats that are free while people wait go to them first, not to the newcomer.
        counted = await self._promote(change, event)
        taken, waiting = counted if counted is not None else (None, None)
        seats = 1 + len(form.companions)  # each companion takes a seat of their own
        seat = await self._has_seat(session, event, form.session_key, taken, seats)
        position = waiting + 1 if waiting is not None and not seat else None
        return _New(change, event, form, who, participant_id, queue_no, seat, position, new)

    async def _add_participants(
        self, session: AsyncSession, people: Sequence[tuple[_Change, Identity, CleanSignup]]
    ) -> list[int]:
        """New participants with the forms' details and the identities of each ``who``: their
        ids, in order. One statement a table for all of them."""
        if not people:
            return []
        details = [
            {
                "name": form.name,
                "organisation": form.organisation,
                "lang": form.lang,
                "merged_into_id": None,
                "created_at": change.now,
                "updated_at": change.now,
            }
            for change, _who, form in people
        ]
        ids = [int(i) for i in (await session.execute(_NEW_PARTICIPANTS, details)).scalars()]
        identities = [
            {
                "participant_id": participant_id,
                "kind": kind,
                "value": value,
                "created_at": change.now,
            }
            for participant_id, (change, who, _form) in zip(ids, people, strict=True)
            for kind, value in who.pairs()
        ]
        await session.execute(insert(_IDENTITIES), identities)
        return ids

    # ----------------------------------------------------------------- signups in batches

    async def _gathered(self, asked: _Signup) -> Result:
        """The signup's result, made in one transaction with the other signups for its event
        that wait meanwhile (``_batch``).

        The first signup of an event nobody is signing up for starts the event's drain, which
        takes up to :data:`BATCH` waiting signups at a time until none is left. A signup made
        alone is a batch of one.
        """
        slug = asked.event.id
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        queue = self._queued.get(slug)
        if queue is None:
            queue = self._queued[slug] = []
            drain = asyncio.create_task(self._drain(slug, queue))
            self._drains.add(drain)
            drain.add_done_callback(self._drains.discard)
        queue.append((asked, done))
        return await done

    async def _drain(self, slug: str, queue: list[tuple[_Signup, asyncio.Future[Result]]]) -> None:
        batch: list[tuple[_Signup, asyncio.Future[Result]]] = []
        try:
            while queue:
                # A signup whose caller gave up before its batch began is not made.
                batch = [(asked, done) for asked, done in queue[:BATCH] if not done.done()]
                del queue[:BATCH]
                if batch:
                    await self._settle(batch)
        finally:
            del self._queued[slug]
            for _asked, done in batch + queue:
                if not done.done():
                    done.cancel()

    async def _settle(self, batch: list[tuple[_Signup, asyncio.Future[Result]]]) -> None:
        """Make the batch's signups and give each caller its result, or its error.

        When the batch's transaction fails (a conflict that did not pass, an error of one
        signup or of a channel's ``also``), each signup is made again alone: one bad signup
        fails alone.
        """
        try:
            results = await self._signups([asked for asked, _done in batch])
        except Exception as exc:
            if len(batch) > 1:
                log.info(
                    "a batch of %d signups failed (%s); each is made alone",
                    len(batch),
                    type(exc).__name__,
                )
                for one in batch:
                    await self._settle([one])
                return
            if not batch[0][1].done():
                batch[0][1].set_exception(exc)
            return
        for (_asked, done), result in zip(batch, results, strict=True):
            if not done.done():
                done.set_result(result)

    async def _signups(self, batch: Sequence[_Signup]) -> list[Result]:
        return await self._retrying(lambda session: self._batch(session, batch))

    async def _batch(self, session: AsyncSession, batch: Sequence[_Signup]) -> list[Result]:
        """Signups for one event, in order, in one transaction: the lock is taken once, seats
        counted once, and each table written with one statement for all.

        Someone new (none of their identities known, nor given by a signup before them in the
        batch) signing up while the event is open is sure to get a seat or a place on the
        waiting list: they are placed in memory against the seats counted under the lock.
        Anyone else is signed up by ``_signup``, which reads what it needs; what the batch has
        placed so far is written first, and the seats are counted again after it.
        """
        changes = [_Change(session, a.channel, a.now, a.actor) for a in batch]
        opened = [not is_closed(a.event) and not deadline_passed(a.event, a.now) for a in batch]
        asked_pairs = [
            pair for a, o in zip(batch, opened, strict=True) if o for pair in a.who.pairs()
        ]
        known = await self._known(session, asked_pairs)
        fresh: list[bool] = []
        for a, o in zip(batch, opened, strict=True):
            pairs = set(a.who.pairs())
            fresh.append(o and not pairs & known)
            known |= pairs
        # Their participants and identities need no lock on the event: written before it is
        # taken, so it is held the shorter.
        new_ids = iter(
            await self._add_participants(
                session,
                [(c, a.who, a.form) for c, a, f in zip(changes, batch, fresh, strict=True) if f],
            )
        )
        results: dict[int, Result] = {}
        placed: list[_New] = []
        seats: _Seats | None = None
        for i, (change, asked) in enumerate(zip(changes, batch, strict=True)):
            if fresh[i]:
                if seats is None:
                    run = next((j for j in range(i, len(batch)) if not fresh[j]), len(batch)) - i
                    seats = await self._seats(change, asked.event, run)
                placed.append(await self._place(seats, placed, change, asked, next(new_ids), i))
                continue
            if placed:
                results.update(
                    zip([n.index for n in placed], await self._made(session, placed), strict=True)
                )
                placed, seats = [], None
            done = await self._signup(change, asked.event, asked.form, asked.who)
            if isinstance(done, _New):
                (result,) = await self._made(session, [done])
            else:
                result = done
            results[i] = result
        if placed:
            results.update(
                zip([n.index for n in placed], await self._made(session, placed), strict=True)
            )
        ordered = [results[i] for i in range(len(batch))]
        for change, asked, result in zip(changes, batch, ordered, strict=True):
            if asked.also is not None:
                await asked.also(session, result)
            await self._announce(change, await self._promoted_infos(change))
            # Counted for /metrics once committed: a change rolled back is no signup.
            self.db.after_commit(session, SIGNUPS.labels(change.channel, result.outcome).inc)
        return ordered

    async def _known(
        self, session: AsyncSession, pairs: Sequence[tuple[str, str]]
    ) -> set[tuple[str, str]]:
        """Which of these identities (kind, value) are known, in one statement."""
        if not pairs:
            return set()
        params: dict[str, Any] = {}
        for i, (kind, value) in enumerate(pairs):
            params[f"kind{i}"], params[f"value{i}"] = kind, value
        rows = await session.execute(_owners_query(len(pairs)), params)
        return {(kind, value) for kind, value, _pid in rows}

    async def _seats(self, change: _Change, event: Event, numbers: int) -> _Seats:
        """Lock the event, taking ``numbers`` queue numbers, and count its seats (after giving
        free ones to those who wait, credited to ``change``)."""
        last = await self._lock_event(change, event.id, numbers=numbers)
        counted = await self._promote(change, event)
        if counted is None:  # the event has begun: nobody promoted, nothing counted
            row = (await change.session.execute(_SEATS, {"event": event.id})).one()
            counted = int(row[0]), int(row[1])
        taken, waiting = counted
        return _Seats(taken, waiting, last - numbers, {})

    async def _place(
        self,
        seats: _Seats,
        placed: Sequence[_New],
        change: _Change,
        asked: _Signup,
        participant_id: int,
        index: int,
    ) -> _New:
        """A new person's seat or place on the waiting list, by the seats the batch holds: as
        ``_has_seat`` decides, without reading them again."""
        event, form = asked.event, asked.form
        need = 1 + len(form.companions)  # each companion takes a seat of their own
        capacity = event_capacity(event)
        seat = capacity is None or seats.taken + need <= capacity
        chosen = find_session(event, form.session_key)
        if seat and chosen is not None and chosen.capacity is not None:
            in_session = seats.sessions.get(chosen.key)
            if in_session is None:  # counted once, with those this batch has placed there
                in_session = await self._count(change.session, event.id, chosen.key) + sum(
                    n.seats for n in placed if n.seat and n.form.session_key == chosen.key
                )
            seat = in_session + need <= chosen.capacity
            seats.sessions[chosen.key] = in_session + need if seat else in_session
        position = None
        if seat:
            seats.taken += need
        else:
            seats.waiting += 1
            position = seats.waiting
        seats.last_no += 1
        return _New(
            change,
            event,
            form,
            asked.who,
            participant_id,
            seats.last_no,
            seat,
            position,
            index=index,
        )

    async def _made(self, session: AsyncSession, news: Sequence[_New]) -> list[Result]:
        """Make these registrations, with one statement a table (registrations, needs and
        companions, audit lines, check-in codes), and their results, in order.

        Nothing is read back: a new participant has exactly the identities just given, and a
        new registration the needs and companions just kept, and its place is behind all who
        wait when it was placed."""
        await session.flush()
        regs = [
            Registration(
                event_slug=n.event.id,
                participant_id=n.participant_id,
                status=REGISTERED if n.seat else WAITLISTED,
                queue_no=n.queue_no,
                session_key=n.form.session_key,
                name=n.form.name,
                email=n.form.email,
                organisation=n.form.organisation,
                needs=n.form.needs,
                lang=n.form.lang,
                channel=n.change.channel,
                created_at=n.change.now,
                updated_at=n.change.now,
                cancelled_at=None,
            )
            for n in news
        ]
        # Described by objects the session does not hold, written with plain inserts.
        rows = [{c.key: getattr(r, c.key) for c in _REGISTRATIONS.c if c.key != "id"} for r in regs]
        ids = (await session.execute(_NEW_REGISTRATIONS, rows)).scalars().all()
        for reg, reg_id in zip(regs, ids, strict=True):
            reg.id = int(reg_id)
        await keep_fresh(
            session,
            [
                (r.id, n.form.need_kinds, n.form.companions, n.change.now)
                for n, r in zip(news, regs, strict=True)
            ],
        )
        audit = [self._audit_row(n.change, r, "signed_up") for n, r in zip(news, regs, strict=True)]
        await session.execute(insert(_AUDIT), audit)
        if self.needs_watch is not None:
            for n, reg in zip(news, regs, strict=True):
                if n.form.need_kinds:
                    await self.needs_watch(session, n.event, reg.id, n.change.now)
        # A seat comes with its check-in code, shown in the confirmation and every reminder.
        seated = [
            (r.id, r.event_slug, localize(r.updated_at)) for r in regs if r.status == REGISTERED
        ]
        codes = iter(await new_codes(session, seated))
        results: list[Result] = []
        for n, reg in zip(news, regs, strict=True):
            code = next(codes) if n.seat else None
            position = n.position
            if not n.seat and position is None:
                position = await self._position(session, reg)
            if n.new_person:
                chat = n.who.chat
            else:
                chat = (await self._chats(session, {reg.participant_id})).get(reg.participant_id)
            info = _snapshot(
                reg, position, chat, as_kept(n.form.need_kinds, n.form.companions), code
            )
            outcome = Outcome.REGISTERED if n.seat else Outcome.WAITLISTED
            promoted = await self._promoted_infos(n.change)
            results.append(Result(outcome, reg.event_slug, info, promoted, None))
        return results

    async def _update_needs(
        self, change: _Change, event: Event, who: Identity, read: NeedsRead
    ) -> Result:
        session = change.session
        await self._lock_event(change, event.id)
        participant = await self._find_participant(change, who)
        active = await self._active(session, event.id, participant.id) if participant else None
        if active is None:
            return await self._result(change, Outcome.NOT_REGISTERED, event.id)
        kept = (await kept_of(session, [active.id]))[active.id]
        needs = merged(dict(kept.needs), read)
        companions = list(kept.companions)
        if "companion" not in needs:
            companions = []
        elif read.companions or read.companion_names:
            for name in read.companion_names:
                if name not in companions:
                    free = next((i for i, n in enumerate(companions) if n is None), None)
                    if free is None:
                        companions.append(name)
                    else:
                        companions[free] = name
            companions.extend([None] * max(0, read.companions - len(companions)))
            companions = companions[:MAX_COMPANIONS]
        elif not companions:
            companions = [None]
        await keep(session, active.id, needs, companions, change.now)
        words = " ".join(w for w in read.found.values() if w)
        if words:
            earlier = active.needs or ""
            active.needs = f"{earlier}\n{words}".strip() if words not in earlier else earlier
        active.updated_at = change.now
        await session.flush()
        self._audit(change, active, "needs_changed", active.status)
        if self.needs_watch is not None:
            await self.needs_watch(session, event, active.id, change.now)
        if len(companions) < len(kept.companions) and active.status == REGISTERED:
            await self._promote(change, event)
        return await self._result(change, Outcome.UPDATED, event.id, active)

    async def _cancel(self, change: _Change, event: Event, who: Identity) -> Result:
        session = change.session
        await self._lock_event(change, event.id)
        participant = await self._find_participant(change, who)
        active = await self._active(session, event.id, participant.id) if participant else None
        if active is None:
            return await self._result(change, Outcome.NOT_REGISTERED, event.id)
        return await self._cancel_active(change, event, active)

    async def _cancel_active(self, change: _Change, event: Event, active: Registration) -> Result:
        session = change.session
        old = active.status
        active.status = CANCELLED
        active.cancelled_at = change.now
        active.updated_at = change.now
        await session.flush()
        self._audit(change, active, "cancelled", old)
        self.db.after_commit(session, CANCELLATIONS.labels(change.channel).inc)
        await self._promote(change, event)
        return await self._result(change, Outcome.CANCELLED, event.id, active)

    # ----------------------------------------------------------------- seats and the waiting list

    async def _count(self, session: AsyncSession, slug: str, session_key: str | None = None) -> int:
        """Seats taken: the registered, and the companions who come with them."""
        return int((await session.execute(select(_taken(slug, session_key)))).scalar_one())

    async def _has_seat(
        self,
        session: AsyncSession,
        event: Event,
        session_key: str | None,
        taken: int | None,
        seats: int = 1,
    ) -> bool:
        capacity = event_capacity(event)
        if capacity is not None:
            if taken is None:
                taken = await self._count(session, event.id)
            if taken + seats > capacity:
                return False
        chosen = find_session(event, session_key)
        if chosen is not None and chosen.capacity is not None:
            return await self._count(session, event.id, chosen.key) + seats <= chosen.capacity
        return True

    async def _full(
        self, session: AsyncSession, event: Event, session_key: str | None
    ) -> tuple[int, int, str | None] | None:
        """What has no free seat for one more person in ``session_key``: (capacity, seats
        taken, the session's key when it is the session that is full); None if a seat is free."""
        capacity = event_capacity(event)
        if capacity is not None:
            taken = await self._count(session, event.id)
            if taken >= capacity:
                return capacity, taken, None
        chosen = find_session(event, session_key)
        if chosen is not None and chosen.capacity is not None:
            taken = await self._count(session, event.id, chosen.key)
            if taken >= chosen.capacity:
                return chosen.capacity, taken, chosen.key
        return None

    async def _promote(self, change: _Change, event: Event) -> tuple[int, int] | None:
        """Give free seats to the first waiting people who fit, in waiting-list order.

        Returns the seats taken and the number waiting afterwards, when they were counted.
        """
        if change.now.astimezone(UTC) >= event.start.astimezone(UTC):  # UTC: see rules
            return None  # once the event has begun, a freed seat is no use to anyone waiting
        session = change.session
        capacity = event_capacity(event)
        # Seats taken and how many wait, in one statement: mostly no one is to be promoted.
        taken, waiting = map(int, (await session.execute(_SEATS, {"event": event.id})).one())
        if (capacity is not None and taken >= capacity) or not waiting:
            return taken, waiting
        queue = (
            (
                await session.execute(
                    select(Registration)
                    .where(Registration.event_slug == event.id, Registration.status == WAITLISTED)
                    .order_by(Registration.queue_no)
                )
            )
            .scalars()
            .all()
        )
        if not queue:
            return taken, 0
        per_session: dict[str | None, int] = {
            key: await self._count(session, event.id, key)
            for key in {reg.session_key for reg in queue}
            if key is not None
        }
        brings = await companion_counts(session, [reg.id for reg in queue])
        for reg in queue:
            if capacity is not None and taken >= capacity:
                break
            # A person and their companions get seats together, or wait together.
            seats = 1 + brings.get(reg.id, 0)
            if capacity is not None and taken + seats > capacity:
                continue
            chosen = find_session(event, reg.session_key)
            session_full = (
                chosen is not None
                and chosen.capacity is not None
                and per_session.get(chosen.key, 0) + seats > chosen.capacity
            )
            if session_full:
                continue
            reg.status = REGISTERED
            reg.updated_at = change.now
            self._audit(change, reg, "promoted", WAITLISTED, actor="system")
            taken += seats
            per_session[reg.session_key] = per_session.get(reg.session_key, 0) + seats
            change.promoted.append(reg)
        await session.flush()
        return taken, sum(reg.status == WAITLISTED for reg in queue)

    # ----------------------------------------------------------------- participants

    async def _owners(self, session: AsyncSession, who: Identity) -> dict[str, int]:
        """kind -> participant id, for the identities of ``who`` that are known."""
        pairs = who.pairs()
        params: dict[str, Any] = {}
        for i, (kind, value) in enumerate(pairs):
            params[f"kind{i}"], params[f"value{i}"] = kind, value
        rows = await session.execute(_owners_query(len(pairs)), params)
        return {kind: pid for kind, _value, pid in rows}

    async def _participant_ids(self, session: AsyncSession, who: Identity) -> set[int]:
        return set((await self._owners(session, who)).values())

    async def _find_participant(self, change: _Change, who: Identity) -> Participant | None:
        """The participant ``who`` is, linking identities that are new and merging two into one."""
        session = change.session
        owners = await self._owners(session, who)
        if not owners:
            return None
        # An e-mail address is what the person gave us to reach them; it names the survivor.
        # ``who`` holds at most an address and one chat, so there are at most two owners.
        by_chat = owners.get(who.chat.kind) if who.chat is not None else None
        survivor = owners.get(EMAIL, by_chat)
        assert survivor is not None
        other = by_chat
        if other is not None and other != survivor:
            await self._merge(change, other, survivor)
        for kind, value in who.pairs():
            if kind not in owners:
                session.add(
                    ParticipantIdentity(
                        participant_id=survivor, kind=kind, value=value, created_at=change.now
                    )
                )
                log.info("linked an identity (%s) to participant %s", kind, survivor)
        await session.flush()
        return await session.get(Participant, survivor)

    async def _merge(self, change: _Change, other_id: int, survivor_id: int) -> None:
        """Make two participants one: identities and registrations move to the survivor.

        Where both hold an active registration for the same event, the better placed one is kept
        (registered over waitlisted, then the earlier) and the other cancelled; a seat freed that
        way goes to the waiting list of that event.
        """
        session = change.session
        note = f"participant {other_id} merged into {survivor_id}"
        theirs = (
            (
                await session.execute(
                    select(Registration)
                    .where(Registration.participant_id == other_id)
                    .order_by(Registration.id)
                )
            )
            .scalars()
            .all()
        )
        for reg in theirs:
            if reg.status == CANCELLED:
                continue
            mine = await self._active(session, reg.event_slug, survivor_id)
            if mine is None:
                continue
            event = self._events(reg.event_slug)
            if event is not None:
                await self._lock_event(change, reg.event_slug)
            keep_theirs = (reg.status, reg.queue_no) < (mine.status, mine.queue_no)
            # 'registered' sorts before 'waitlisted', so the tuple order is the preference.
            loser = mine if keep_theirs else reg
            old = loser.status
            loser.status = CANCELLED
            loser.cancelled_at = change.now
            loser.updated_at = change.now
            await session.flush()
            self._audit(change, loser, "merged_duplicate", old, actor="system", note=note)
            if old == REGISTERED and event is not None:
                await self._promote(change, event)
        for reg in theirs:
            reg.participant_id = survivor_id
            reg.updated_at = change.now
            await session.flush()
            if reg.status != CANCELLED:
                self._audit(change, reg, "merged", reg.status, actor="system", note=note)
        identities = (
            await session.execute(
                select(ParticipantIdentity).where(ParticipantIdentity.participant_id == other_id)
            )
        ).scalars()
        for identity in identities:
            identity.participant_id = survivor_id
        merged = await session.get(Participant, other_id)
        if merged is not None:
            merged.merged_into_id = survivor_id
            merged.updated_at = change.now
        await session.flush()
        log.info("merged participant %s into %s", other_id, survivor_id)

    async def _registration(
        self, session: AsyncSession, slug: str, registration_id: int
    ) -> Registration | None:
        """The event's registration with this id, as it is now (read under the event's lock)."""
        query = (
            select(Registration)
            .where(Registration.id == registration_id, Registration.event_slug == slug)
            .execution_options(populate_existing=True)
        )
        return (await session.execute(query)).scalar_one_or_none()

    async def _active(
        self, session: AsyncSession, slug: str, participant_id: int
    ) -> Registration | None:
        query = select(Registration).where(
            Registration.event_slug == slug,
            Registration.participant_id == participant_id,
            Registration.status != CANCELLED,
        )
        return (await session.execute(query)).scalar_one_or_none()

    # ----------------------------------------------------------------- audit and results

    def _audit(
        self,
        change: _Change,
        reg: Registration,
        action: str,
        old_status: str | None,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> None:
        row = self._audit_row(change, reg, action, old_status, actor=actor, note=note)
        change.session.add(AuditEntry(**row))

    @staticmethod
    def _audit_row(
        change: _Change,
        reg: Registration,
        action: str,
        old_status: str | None = None,
        *,
        actor: str | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """The audit line of a change to ``reg``, as column values."""
        if actor is None:
            actor = change.actor
        if actor is None:  # nobody named: the person acted for themselves
            actor = f"participant:{reg.participant_id}"
        return {
            "registration_id": reg.id,
            "event_slug": reg.event_slug,
            "participant_id": reg.participant_id,
            "action": action,
            "old_status": old_status,
            "new_status": reg.status,
            "channel": change.channel,
            "actor": actor,
            "at": change.now,
            "note": note,
        }

    async def _chats(self, session: AsyncSession, participant_ids: set[int]) -> dict[int, ChatId]:
        """Each participant's chat: any identity but an address, the one linked last."""
        if not participant_ids:
            return {}
        rows = await session.execute(
            select(
                ParticipantIdentity.participant_id,
                ParticipantIdentity.kind,
                ParticipantIdentity.value,
            )
            .where(
                ParticipantIdentity.kind != EMAIL,
                ParticipantIdentity.participant_id.in_(participant_ids),
            )
            .order_by(ParticipantIdentity.id)
        )
        # The most recently linked chat is the one to write to.
        return {pid: ChatId(kind, value) for pid, kind, value in rows}

    async def _info(
        self,
        session: AsyncSession,
        reg: Registration,
        chat: tuple[ChatId | None] | None = None,
        *,
        reading: bool = False,
        kept: Kept | None = None,
        position: int | None = None,
    ) -> RegistrationInfo:
        """``kept``: a registration made in this change, with these needs and companions (and
        no check-in code yet); ``position``: its place on the waiting list, when known."""
        if reg.status == WAITLISTED and position is None:
            position = await self._position(session, reg)
        fresh = kept is not None
        if kept is None:
            kept = (await kept_of(session, [reg.id]))[reg.id]
        # A seat comes with its check-in code, shown in the confirmation and every reminder.
        # ``reading``: a session that is never committed, so only a code already made is shown.
        code = None
        if reg.status == REGISTERED:
            code = await code_for(
                session,
                reg.id,
                reg.event_slug,
                localize(reg.updated_at),
                make=not reading,
                fresh=fresh,
            )
        if chat is not None:
            return _snapshot(reg, position, chat[0], kept, code)
        linked = await self._chats(session, {reg.participant_id})
        return _snapshot(reg, position, linked.get(reg.participant_id), kept, code)

    @staticmethod
    async def _position(session: AsyncSession, reg: Registration) -> int:
        """A waiting registration's place on its event's waiting list."""
        query = select(func.count()).where(
            Registration.event_slug == reg.event_slug,
            Registration.status == WAITLISTED,
            Registration.queue_no <= reg.queue_no,
        )
        return int((await session.execute(query)).scalar_one())

    async def _promoted_infos(self, change: _Change) -> tuple[RegistrationInfo, ...]:
        # A seat given and lost again in one change (a merge after a promotion) is no news.
        held = {reg.id: reg for reg in change.promoted if reg.status == REGISTERED}
        return tuple([await self._info(change.session, reg) for reg in held.values()])

    async def _announce(self, change: _Change, promoted: tuple[RegistrationInfo, ...]) -> None:
        """Tell the promoted they have a seat, in the change's transaction."""
        if self.delivery is None or not promoted:
            return
        told = await announce_promotions(
            change.session, self.delivery, self._events, promoted, change.now
        )
        log.info("promotions announced: %d of %d", told, len(promoted))

    async def _result(
        self,
        change: _Change,
        outcome: Outcome,
        slug: str,
        reg: Registration | None = None,
        *,
        deadline: datetime | None = None,
        chat: tuple[ChatId | None] | None = None,
        kept: Kept | None = None,
        position: int | None = None,
    ) -> Result:
        await change.session.flush()
        info = None
        if reg is not None:
            info = await self._info(change.session, reg, chat, kept=kept, position=position)
        return Result(outcome, slug, info, await self._promoted_infos(change), deadline)


def _speaks_for_the_person(change: _Change, who: Identity) -> bool:
    """Whether a signup may change the stored details (name, organisation, language) of the
    person it finds.

    Not a chat signup made on an address alone: the chat did not prove the address (the dialogue
    passes the chat only when it may link the chat to the address, see
    ``bot.registrations.dialogue``), so what it typed is anyone's word about that person. It is
    kept on its own registration, and the person's record stays as it was; nothing is filled in
    either, since a participant always has a name from their first signup, and a stranger's text
    must not become it. An e-mail (the From address is the person's own), a chat linked to
    the person, and staff (who name themselves as the actor) update the details as always.
    """
    return change.channel == EMAIL or who.chat is not None or change.actor is not None


def _folded(text: str) -> str:
    """Text as a search compares it: case and runs of spaces aside."""
    return " ".join(text.casefold().split())


def _snapshot(
    reg: Registration,
    position: int | None,
    chat: ChatId | None,
    kept: Kept,
    checkin_code: str | None = None,
) -> RegistrationInfo:
    return RegistrationInfo(
        id=reg.id,
        event_slug=reg.event_slug,
        participant_id=reg.participant_id,
        status=RegistrationStatus(reg.status),
        position=position,
        name=reg.name,
        email=reg.email,
        organisation=reg.organisation,
        session_key=reg.session_key,
        needs=reg.needs,
        lang=reg.lang,
        channel=reg.channel,
        chat=chat,
        created_at=localize(reg.created_at),
        cancelled_at=localize(reg.cancelled_at) if reg.cancelled_at else None,
        need_kinds=tuple(kept.needs),
        companions=kept.companions,
        checkin_code=checkin_code,
    )


def _taken(slug: str | BindParameter[str], session_key: str | None = None) -> ColumnElement[int]:
    """Seats taken, as one expression: the registered people and their companions."""
    query = select(func.count()).where(
        Registration.event_slug == slug, Registration.status == REGISTERED
    )
    if session_key is not None:
        query = query.where(Registration.session_key == session_key)
    companions = companion_seats_query(slug, session_key)
    return query.scalar_subquery() + companions.scalar_subquery()


# Seats taken at an event, and how many wait (``event``: its slug).
_SEATS = select(
    _taken(bindparam("event")),
    select(func.count())
    .where(Registration.event_slug == bindparam("event"), Registration.status == WAITLISTED)
    .scalar_subquery(),
)
_OWNERS: dict[int, Select[str, str, int]] = {}


def _owners_query(pairs: int) -> Select[str, str, int]:
    """Who owns any of ``pairs`` identities (``kind0``, ``value0``, …), built once per count."""
    query = _OWNERS.get(pairs)
    if query is None:
        wanted = [
            and_(
                ParticipantIdentity.kind == bindparam(f"kind{i}"),
                ParticipantIdentity.value == bindparam(f"value{i}"),
            )
            for i in range(pairs)
        ]
        query = select(
            ParticipantIdentity.kind, ParticipantIdentity.value, ParticipantIdentity.participant_id
        ).where(or_(*wanted))
        _OWNERS[pairs] = query
    return query
