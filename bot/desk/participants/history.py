"""The audit trail of a registration as staff read it: when, what, who and through which channel.

A change made at the desk is stored with the actor ``desk:<account id>`` (the number, so the
trail does not change when a name does) and shown with the staff member's name. Other actors
are shown plainly: the participant, the bot itself (a seat from the waiting list), a staff
member at the command line or in the staff chat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.channels.registry import label as channel_label
from bot.i18n import Lang, fmt_datetime, translator
from bot.registrations.on_behalf import CHANNEL as DESK_CHANNEL
from bot.registrations.results import AuditRecord
from bot.staff import Account

PREFIX = "desk:"


def desk_actor(account: Account) -> str:
    """How the audit names a staff member acting at the desk."""
    return f"{PREFIX}{account.id}"


@dataclass(frozen=True)
class HistoryLine:
    when: str
    what: str
    who: str
    channel: str


def actor_name(actor: str, names: Mapping[int, str], lang: Lang) -> str:
    _ = translator(lang).gettext
    kind, _sep, rest = actor.partition(":")
    if actor.startswith(PREFIX) and rest.isdigit():
        name = names.get(int(rest))
        if name is None:
            return _("staff member no. {number} (account removed)").format(number=rest)
        return name
    if kind == "participant":
        return _("the participant")
    if actor == "system":
        return _("the bot")
    if kind in ("cli", "staff", "email") and rest:
        return _("{name} (staff)").format(name=rest)
    return actor


def _what(record: AuditRecord, lang: Lang) -> str:
    _ = translator(lang).gettext
    action, new = record.action, record.new_status
    if action == "signed_up":
        return _("Signed up") if new == "registered" else _("Signed up, on the waiting list")
    if action == "cancelled":
        if record.note == "erasure":
            return _("Cancelled when the person's data was erased")
        return _("Cancelled")
    if action == "promoted":
        return _("Got a seat from the waiting list")
    if action == "moved_up":
        if record.note == "extra seat":
            return _("Moved up from the waiting list, with an extra seat")
        return _("Moved up from the waiting list")
    if action == "merged":
        return _("Joined with another record of the same person")
    if action == "merged_duplicate":
        return _("Cancelled as a second registration of the same person")
    if action == "erased":
        return _("Name and address erased at the person's request")
    if action == "expired":
        return _("Name and address deleted after the event")
    if action == "needs_changed":
        return _("Needs or companions changed")
    if action == "need_arranged":
        return _("A need marked as arranged")
    if action == "need_unarranged":
        return _("A need no longer marked as arranged")
    return action


def _channel(name: str, lang: Lang) -> str:
    _ = translator(lang).gettext
    if name == DESK_CHANNEL:
        return _("the desk")
    if name == "system":
        return _("automatically")
    return channel_label(name, lang)


def history(
    records: Sequence[AuditRecord], names: Mapping[int, str], lang: Lang
) -> dict[int, list[HistoryLine]]:
    """Registration id -> its lines, oldest first."""
    lines: dict[int, list[HistoryLine]] = {}
    for record in records:
        lines.setdefault(record.registration_id, []).append(
            HistoryLine(
                when=fmt_datetime(record.at, lang),
                what=_what(record, lang),
                who=actor_name(record.actor, names, lang),
                channel=_channel(record.channel, lang),
            )
        )
    return lines
