"""Registrations: signup, cancellation, capacity and waiting list, for every channel alike.

- ``service``: :class:`RegistrationService`, the one place the rules are applied and stored.
- ``form``: what a signup asks for, and checking it.
- ``identity``: who is asking (an e-mail address and/or a chat) and through which channel.
- ``rules``: deadline and session rules that need no database.
- ``results``: the outcome contract and detached snapshots the service returns.
- ``confirmation``: what the participant is told; ``ics``: the calendar file; ``promotions``:
  telling those who got a seat from the waiting list.
- ``mailing``: the outcome told by e-mail when no chat of the person's made the change.
- ``on_behalf``: staff acting for a person (the desk): the same rules, the staff member named.
- ``export``: the participant list for staff, as CSV or an Excel workbook; ``models``: the
  tables.
"""

from bot.registrations.confirmation import Message, message_for, promotion_message
from bot.registrations.form import (
    FormProblem,
    InvalidSignup,
    SignupForm,
    check_signup,
    signup_fields,
)
from bot.registrations.identity import ChatId, Identity, normalise_email
from bot.registrations.models import RegistrationStatus
from bot.registrations.results import AuditRecord, EventCounts, Outcome, RegistrationInfo, Result
from bot.registrations.service import RegistrationService

__all__ = [
    "AuditRecord",
    "ChatId",
    "EventCounts",
    "FormProblem",
    "Identity",
    "InvalidSignup",
    "Message",
    "Outcome",
    "RegistrationInfo",
    "RegistrationService",
    "RegistrationStatus",
    "Result",
    "SignupForm",
    "check_signup",
    "message_for",
    "normalise_email",
    "promotion_message",
    "signup_fields",
]
