"""Everything stored about a person, read in one session: what an export is made of.

Rows are read as plain dictionaries (column name to value), as stored, so the export holds every
column; datetimes become ISO strings, binary values base64 (a raw message kept for a retry, a
calendar file). What belongs to staff rather than to the participant is left out: who of the
secretariat took a case, staff members' names on their answers, who taught an answer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.models import CaseMessage
from bot.knowledge.learned import LearnedAnswer
from bot.privacy.cases import cases_of
from bot.privacy.person import Person
from bot.privacy.tables import rule_tables
from bot.registrations.models import AuditEntry, Participant, ParticipantIdentity, Registration
from bot.storage.base import load_models

Row = dict[str, Any]
# Staff's own data, not the participant's.
STAFF_COLUMNS = frozenset({"taken_by", "taken_by_id", "created_by"})


@dataclass
class PersonData:
    """The person's rows, by table, in the order they were made."""

    participants: list[Row] = field(default_factory=list)
    identities: list[Row] = field(default_factory=list)
    registrations: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)
    cases: list[Row] = field(default_factory=list)  # each with its "messages"
    learned: list[Row] = field(default_factory=list)
    # The personal-rows tables (bot.privacy.tables), by table name.
    rows: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (
            self.participants or self.registrations or self.cases or any(self.rows.values())
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "identities": self.identities,
            "registrations": self.registrations,
            "registration_audit": self.audit,
            "cases": self.cases,
            "learned_answers": self.learned,
            **{name: rows for name, rows in self.rows.items()},
        }


def plain(value: Any) -> Any:
    """A stored value as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _row(mapping: Any, leave_out: frozenset[str] = frozenset()) -> Row:
    return {key: plain(value) for key, value in mapping.items() if key not in leave_out}


async def _rows(
    session: AsyncSession,
    table: Table,
    where: ColumnElement[bool],
    order: str,
    leave_out: frozenset[str] = frozenset(),
) -> list[Row]:
    result = await session.execute(select(table).where(where).order_by(table.c[order]))
    return [_row(r._mapping, STAFF_COLUMNS | leave_out) for r in result]


async def person_data(session: AsyncSession, person: Person) -> PersonData:
    """Everything stored about ``person``, across channels."""
    data = PersonData()
    ids = sorted(person.participant_ids)
    tables = load_models().tables
    data.participants = await _rows(session, tables["participants"], Participant.id.in_(ids), "id")
    data.identities = await _rows(
        session, tables["participant_identities"], ParticipantIdentity.participant_id.in_(ids), "id"
    )
    data.registrations = await _rows(
        session, tables["registrations"], Registration.participant_id.in_(ids), "id"
    )
    registration_ids = {r["id"] for r in data.registrations}
    data.audit = await _rows(
        session,
        tables["registration_audit"],
        or_(
            AuditEntry.participant_id.in_(ids),
            AuditEntry.registration_id.in_(sorted(registration_ids)),
        ),
        "id",
    )
    data.cases = await _rows(session, tables["cases"], cases_of(person), "id")
    case_ids = [c["id"] for c in data.cases]
    messages = await _rows(
        session, tables["case_messages"], CaseMessage.case_id.in_(case_ids), "id"
    )
    for case in data.cases:
        case["messages"] = [
            # A staff member's name is theirs; the participant sees "the secretariat".
            m if m["author"] == "participant" else {**m, "author_name": None}
            for m in messages
            if m["case_id"] == case["id"]
        ]
    data.learned = await _rows(
        session, tables["learned_answers"], LearnedAnswer.case_id.in_(case_ids), "id"
    )
    for rule, table in rule_tables():
        where = rule.of(table, person, registration_ids)
        order = next(iter(table.primary_key.columns)).name
        data.rows[rule.table] = await _rows(session, table, where, order, rule.leave_out)
    return data
