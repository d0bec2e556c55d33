"""Every table of the database, classified for the export, the erasure and the retention job.

Three kinds:

- :data:`PERSONAL_ROWS`: tables whose rows each belong to one person, found by an address, a
  chat or a registration, and deleted whole. Rows with an event expire with their event; rows
  without one expire ``keep`` (by default ``BOT_RETENTION_DAYS``) after their last activity.
- :data:`BY_CODE`: personal tables with their own rules: registrations become anonymous shells
  for the audit trail (``bot.registrations.erasure``), cases are anonymised or deleted
  (``bot.privacy.cases``).
- :data:`NOT_PERSONAL`: nothing about a participant in them (event data, counters, the bot's own
  Message-IDs, staff decisions).

A table that is in none of them fails ``tests/privacy/test_tables.py``: whoever adds a table
decides here what happens to it when a person asks for their data or to be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Delete, Table, false, or_, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.person import Person
from bot.storage.base import load_models


@dataclass(frozen=True)
class PersonalRows:
    """A table of rows that each belong to one person."""

    table: str
    # Columns that find the person: an address, a (channel, chat id) pair, a registration.
    email: str | None = None
    chat: tuple[str, str] | None = None
    registration: str | None = None
    # The event a row belongs to; the row expires with it.
    event: str | None = None
    # When the row was last touched, for rows without an event.
    activity: str | None = None
    # How long rows without an event are kept; None: BOT_RETENTION_DAYS.
    keep: timedelta | None = None
    # Columns the export names but does not copy (a stored copy of an earlier export).
    leave_out: frozenset[str] = frozenset()

    def sa_table(self) -> Table | None:
        """The table, if its feature's models are loaded (they are, in the running bot)."""
        return load_models().tables.get(self.table)

    def of(self, table: Table, person: Person, registration_ids: set[int]) -> ColumnElement[bool]:
        """Which rows are the person's."""
        found: list[ColumnElement[bool]] = []
        if self.email and person.emails:
            found.append(table.c[self.email].in_(sorted(person.emails)))
        if self.chat and person.pairs():
            channel, chat_id = (table.c[c] for c in self.chat)
            found.append(tuple_(channel, chat_id).in_(sorted(person.pairs())))
        if self.registration and registration_ids:
            found.append(table.c[self.registration].in_(sorted(registration_ids)))
        return or_(*found) if found else false()

    def without_event(self, table: Table) -> ColumnElement[bool]:
        return table.c[self.event].is_(None) if self.event else true()


PERSONAL_ROWS: tuple[PersonalRows, ...] = (
    PersonalRows("conversations", chat=("channel", "chat_id"), event="event_slug",
                 activity="updated_at"),
    PersonalRows("chat_outbox", chat=("channel", "chat_id"), event="event_slug",
                 activity="created_at"),
    PersonalRows("mail_inbound", email="sender", event="event_slug", activity="updated_at"),
    PersonalRows("mail_outbox", email="to_address", event="event_slug", activity="created_at"),
    # Only needed for the limit of automatic replies a day.
    PersonalRows("mail_autoreplies", email="email", activity="at", keep=timedelta(days=2)),
    PersonalRows("mail_undeliverable", email="email", activity="at"),
    # Codes and confirmations sent to an address, signups started in a chat: for the limits,
    # which look back a day.
    PersonalRows("limited_actions", email="email", chat=("channel", "chat_id"), activity="at",
                 keep=timedelta(days=2)),
    # A question not confirmed within a week is forgotten; "slet mig" again asks again.
    PersonalRows("privacy_erasure_requests", email="email", activity="created_at",
                 keep=timedelta(days=7)),
    # What a person needs to take part (health data) and who comes with them: deleted with the
    # registration's personal data (``anonymise_registrations``), here for the report and erasure.
    PersonalRows("registration_needs", registration="registration_id"),
    PersonalRows("registration_companions", registration="registration_id"),
    PersonalRows("reminder_notices", chat=("channel", "chat_id"), registration="registration_id",
                 event="event_slug", activity="queued_at"),
    # Telegram's updates until handled, a day after to drop repeats (bot/channels/telegram/journal).
    PersonalRows("telegram_updates", chat=("channel", "chat_id"), activity="received_at",
                 keep=timedelta(days=1)),
    # What was said in each web chat, its files included; a file kept there is the calendar
    # file or an earlier data export, which the export would otherwise copy into itself.
    PersonalRows("web_chat_messages", chat=("channel", "chat_id"), event="event_slug",
                 activity="created_at", leave_out=frozenset({"file_content"})),
    # A registration's check-in code, and when and by whom the person was checked in.
    PersonalRows("registration_checkins", registration="registration_id", event="event_slug",
                 activity="created_at"),
)  # fmt: skip

BY_CODE: frozenset[str] = frozenset(
    {
        "participants",
        "participant_identities",
        "registrations",
        "registration_audit",
        "cases",
        "case_messages",
        "case_posts",
        "learned_answers",
    }
)

NOT_PERSONAL: frozenset[str] = frozenset(
    {
        "registration_events",  # per event: the queue counter
        "mail_threads",  # the bot's own Message-IDs and their events
        "mailbox_state",  # per IMAP folder: where the worker stands
        "privacy_event_ends",  # per event: when it ended
        "event_snapshots",  # per event: what participants were last told
        "event_changes",  # per event: changes and what staff decided
        # The staff desk: staff accounts, their sessions and sign-in links (hashes only), and
        # what staff did at the desk; about staff, never about a participant.
        "staff_accounts",
        "desk_sessions",
        "desk_signin_links",
        "desk_audit",
        # Per event and hour: whether the bot answered a question or handed it over, and the
        # case it became; no words, no chat, no person (see bot.conversations.questions).
        "questions_asked",
        # Per event: evaluation answers kept without a registration, chat or address, to the
        # hour (bot.evaluation.models); whom it was sent to is in reminder_notices, above. A
        # mailed comment is kept without its signature.
        "evaluation_answers",
    }
)


def unclassified() -> set[str]:
    """Tables of the models that this module does not classify (must be empty)."""
    known = {rule.table for rule in PERSONAL_ROWS} | BY_CODE | NOT_PERSONAL
    return set(load_models().tables) - known


def rule_tables() -> list[tuple[PersonalRows, Table]]:
    """The personal-rows tables that exist in this installation's schema."""
    load_models()
    return [(rule, table) for rule in PERSONAL_ROWS if (table := rule.sa_table()) is not None]


async def delete_rows(session: AsyncSession, statement: Delete) -> int:
    """Run a DELETE; how many rows it deleted."""
    result = cast(CursorResult[Any], await session.execute(statement))
    return int(result.rowcount or 0)
