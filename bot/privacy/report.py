"""The export, as a person reads it: plain text in their language, and a JSON file of all of it.

The text is for reading on a phone or in a letter: what is stored about the person, grouped as
they know it (who they are, their registrations, their questions to the secretariat, the
e-mails and messages), with dates in their language. The JSON file holds every stored column of
every row, for whoever wants the whole of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels.registry import label as channel_label
from bot.i18n import Lang, fmt_date, fmt_datetime, translator
from bot.privacy.collect import PersonData
from bot.registrations.identity import EMAIL
from bot.registrations.needs import need_label, noted_text

EventTitle = Callable[[str], str | None]
SNIPPET_CHARS = 200


def report_json(data: PersonData, now: datetime) -> bytes:
    """Everything, as one JSON document (UTF-8, readable indentation)."""
    document = {"exported_at": now.isoformat(), "data": data.as_json()}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def report_text(
    data: PersonData, lang: Lang, title: EventTitle, retention_days: int, now: datetime
) -> str:
    """The readable report."""
    _ = translator(lang).gettext
    head = _("This is everything I have stored about you ({date}).").format(
        date=fmt_date(now, lang, weekday=False)
    )
    if data.empty:
        return "\n\n".join([head, _("I have nothing stored about you.")])
    parts = [head]
    for section in (_about, _registrations, _history, _chats, _cases, _mail, _messages, _other):
        text = section(data, lang, title)
        if text:
            parts.append(text)
    parts.append(_footer(lang, retention_days))
    return "\n\n".join(parts)


# -- the sections ---------------------------------------------------------------------------


def _about(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    lines = [_("About you:")]
    for p in data.participants:
        if p["name"] or p["organisation"]:
            lines.append("- " + ", ".join(v for v in (p["name"], p["organisation"]) if v))
    for identity in data.identities:
        if identity["kind"] == EMAIL:
            lines.append("- " + _("E-mail: {address}").format(address=identity["value"]))
        else:
            lines.append(
                "- "
                + _("{channel} user number: {id}").format(
                    channel=channel_label(identity["kind"], lang), id=identity["value"]
                )
            )
    return "\n".join(lines) if len(lines) > 1 else ""


def _registrations(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    if not data.registrations:
        return ""
    lines = [_("Your registrations:")]
    # Made by staff for the person: the audit names someone else than the participant.
    by_staff = {
        a["registration_id"]
        for a in data.audit
        if a["action"] == "signed_up" and not str(a["actor"]).startswith("participant:")
    }
    for reg in data.registrations:
        given = [reg["name"], reg["email"], reg["organisation"], reg["needs"]]
        how = _("the secretariat") if reg["id"] in by_staff else channel_label(reg["channel"], lang)
        lines.append(
            "- "
            + _("{event}: {status}. Signed up {date} by {channel}.").format(
                event=title(reg["event_slug"]) or reg["event_slug"],
                status=status_word(reg["status"], lang),
                date=_when(reg["created_at"], lang),
                channel=how,
            )
            + "\n  "
            + _("You gave: {details}").format(details="; ".join(g for g in given if g))
        )
        kinds = [
            n["kind"]
            for n in data.rows.get("registration_needs", ())
            if n["registration_id"] == reg["id"]
        ]
        companions = [
            c["name"]
            for c in data.rows.get("registration_companions", ())
            if c["registration_id"] == reg["id"]
        ]
        noted = noted_text(kinds, companions, lang)
        if noted:
            lines.append("  " + noted.replace("\n", "\n  "))
        arranged = [
            _("{need} ({when})").format(
                need=need_label(n["kind"], lang), when=_when(n["arranged_at"], lang)
            )
            for n in data.rows.get("registration_needs", ())
            if n["registration_id"] == reg["id"] and n.get("arranged_at")
        ]
        if arranged:
            lines.append("  " + _("Arranged for you: {needs}.").format(needs=", ".join(arranged)))
    return "\n".join(lines)


def _history(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    if not data.audit:
        return ""
    return _("The record of changes to your registrations has {count} lines.").format(
        count=len(data.audit)
    )


def _chats(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    chats = data.rows.get("conversations", [])
    if not chats:
        return ""
    lines = [_("Our chats:")]
    for chat in chats:
        event = title(chat["event_slug"]) if chat["event_slug"] else None
        lines.append(
            "- "
            + _("{channel}: event {event}, language {lang}").format(
                channel=channel_label(chat["channel"], lang),
                event=event or chat["event_slug"] or "–",
                lang=chat["lang"] or "–",
            )
        )
        if chat["flow"]:
            lines.append("  " + _("A signup you had begun, with what you had written."))
    return "\n".join(lines)


def _cases(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    if not data.cases:
        return ""
    lines = [_("Your questions to the secretariat:")]
    for case in data.cases:
        lines.append(
            f"- {_when(case['created_at'], lang)}: “{_snippet(case['question'])}” "
            + _("(messages: {count})").format(count=len(case["messages"]))
        )
    if data.learned:
        lines.append(
            _("The secretariat saved {count} of the answers, so I can give them to others.").format(
                count=len(data.learned)
            )
        )
    return "\n".join(lines)


def _mail(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    inbound = data.rows.get("mail_inbound", [])
    if not inbound:
        return ""
    lines = [_("E-mails from you:")]
    for mail in inbound:
        lines.append(f"- {_when(mail['received_at'], lang)}: {mail['subject'] or '–'}")
    return "\n".join(lines)


def _messages(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    lines = [_("What I have sent you:")]
    for mail in data.rows.get("mail_outbox", []):
        if mail["subject"]:  # privacy mail is emptied once sent
            lines.append(
                "- "
                + _("E-mail {date}: {subject}").format(
                    date=_when(mail["created_at"], lang), subject=mail["subject"]
                )
            )
    for message in data.rows.get("chat_outbox", []):
        lines.append(
            "- "
            + _("Message in {channel} {date}: “{text}”").format(
                channel=channel_label(message["channel"], lang),
                date=_when(message["created_at"], lang),
                text=_snippet(message["text"]),
            )
        )
    return "\n".join(lines) if len(lines) > 1 else ""


def _other(data: PersonData, lang: Lang, title: EventTitle) -> str:
    _ = translator(lang).gettext
    shown = {
        "conversations",
        "mail_inbound",
        "mail_outbox",
        "chat_outbox",
        "registration_needs",
        "registration_companions",
    }
    counts = {name: len(rows) for name, rows in data.rows.items() if rows and name not in shown}
    # The notes to staff that a need of the person's was to be booked (``bot.arranging``).
    alerts = sum(1 for n in data.rows.get("reminder_notices", ()) if n.get("kind") == "needs")
    if alerts:
        counts["needs_alerts"] = alerts
        counts["reminder_notices"] -= alerts
        if not counts["reminder_notices"]:
            del counts["reminder_notices"]
    # That the person was sent the evaluation after an event (``bot.evaluation``); the answers
    # themselves are kept without a person, so they are not theirs to be shown.
    asked = sum(1 for n in data.rows.get("reminder_notices", ()) if n.get("kind") == "evaluation")
    if asked:
        counts["evaluations_sent"] = asked
        counts["reminder_notices"] -= asked
        if not counts["reminder_notices"]:
            del counts["reminder_notices"]
    if not counts:
        return ""
    names = {
        "mail_autoreplies": _("automatic replies to you, counted for a day"),
        "mail_undeliverable": _("that mail to your address came back"),
        "privacy_erasure_requests": _("a question whether to delete your data"),
        "reminder_notices": _("reminders sent to you"),
        "needs_alerts": _("notes to the secretariat that your interpreter was to be booked"),
        "evaluations_sent": _("that you were sent the evaluation after an event"),
        "limited_actions": _("codes, confirmations and signups, counted for a day"),
        "registration_checkins": _("your check-in codes, and when you were checked in"),
    }
    listed = ", ".join(
        f"{names.get(name, name)} ({count})" for name, count in sorted(counts.items())
    )
    return _("Also kept, for the bot's own bookkeeping: {tables}.").format(tables=listed)


def _footer(lang: Lang, retention_days: int) -> str:
    _ = translator(lang).gettext
    lines = [
        _("The attached file holds all of it, with the full texts."),
        _(
            "It is deleted {days} days after the event it is about. "
            "To delete it now, write /delete_me in the chat or “delete me” by e-mail."
        ).format(days=retention_days),
    ]
    return "\n".join(lines)


def erase_question(data: PersonData, lang: Lang) -> str:
    """What an erasure would delete, and the question; the channel says how to answer it."""
    _ = translator(lang).gettext
    lines = [
        _("Do you want me to delete everything I have stored about you?"),
        "",
        _("Registrations: {count}").format(count=len(data.registrations)),
        _("Questions to the secretariat: {count}").format(count=len(data.cases)),
        _("E-mails and messages: {count}").format(
            count=sum(
                len(data.rows.get(t, [])) for t in ("mail_inbound", "mail_outbox", "chat_outbox")
            )
        ),
        "",
        _(
            "Registrations for events to come are cancelled. The record of registrations keeps "
            "what happened and when, without your name. This cannot be undone."
        ),
    ]
    return "\n".join(lines)


# -- words ----------------------------------------------------------------------------------


def status_word(status: str, lang: Lang) -> str:
    _ = translator(lang).gettext
    words = {
        "registered": _("registered"),
        "waitlisted": _("on the waiting list"),
        "cancelled": _("cancelled"),
    }
    return words.get(status, status)


def _when(value: Any, lang: Lang) -> str:
    """A stored time (an ISO string in the export's rows) as the person reads dates."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    return fmt_datetime(value, lang) if isinstance(value, datetime) else "–"


def _snippet(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"
