"""What cases say: to the participant (in their language) and to staff (in the staff's).

Every sentence is a gettext message; channels add only their markup (buttons, HTML escaping).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from bot.channels.registry import label as channel_label
from bot.channels.registry import shown_id
from bot.i18n import Lang, fmt_datetime, normalise_lang, translator

if TYPE_CHECKING:
    from bot.cases.service import CaseEntry, CaseInfo
    from bot.knowledge.schema import Event

EventTitle = Callable[[str], str | None]
PREVIEW_CHARS = 300


def tr(lang: str) -> Callable[[str], str]:
    return translator(normalise_lang(lang)).gettext


# -- to the participant ----------------------------------------------------------------------


def taken_text(lang: str) -> str:
    _ = tr(lang)
    return _(
        "A member of the secretariat is now looking at your question and will write to you here."
    )


def relay_text(answer: str, lang: str) -> str:
    _ = tr(lang)
    return _("Answer from the secretariat:") + "\n\n" + answer


def closed_text(lang: str) -> str:
    _ = tr(lang)
    return _("The secretariat has finished with your question. You are welcome to ask me again.")


def quiet_text(lang: str) -> str:
    _ = tr(lang)
    return _(
        "The secretariat has not written for a while, so I will answer you again myself. "
        "Your question is still with them."
    )


# -- to staff --------------------------------------------------------------------------------


def state_key(case: CaseInfo) -> str:
    """What a staff post shows of the case; a post is redrawn when this changes."""
    return f"{case.status}|{case.taken_by or ''}|{'muted' if case.muted_until else ''}"


def status_text(case: CaseInfo, lang: Lang) -> str:
    _ = tr(lang)
    who = case.taken_by or "?"
    if case.status == "new":
        return _("New, not taken")
    if case.status == "taken":
        return _("Taken by {name}").format(name=who)
    if case.status == "answered":
        return _("Answered by {name}").format(name=who)
    return _("Closed")


def who_asked(case: CaseInfo, lang: Lang) -> str:
    parts = [case.name] if case.name else []
    if case.email and case.email != case.name:
        parts.append(case.email)
    if not parts:
        _ = tr(lang)
        if not (case.user_id or case.chat_id):  # erased at the participant's request
            return _("(deleted)")
        parts.append(
            _("{channel} user {id}").format(
                channel=channel_label(case.channel, lang),
                id=shown_id(case.channel, case.user_id or case.chat_id or ""),
            )
        )
    return ", ".join(parts)


def post_text(case: CaseInfo, title: EventTitle, lang: Lang) -> str:
    """The staff post of a case: the question, who asked, the event, the channel, the status."""
    _ = tr(lang)
    event = (title(case.event) if case.event else None) or _("not known")
    lines = [
        _("Case #{id}").format(id=case.id) + " · " + status_text(case, lang),
        _("From: {who}").format(who=who_asked(case, lang)),
        _("Event: {event}").format(event=event),
        _("Channel: {channel}").format(channel=channel_label(case.channel, lang))
        + " · "
        + fmt_datetime(case.created_at, lang),
        "",
        _("Question:"),
        case.question or _("(deleted at the participant's request)"),
    ]
    if case.answer:
        lines += ["", _("Last answer:"), case.answer]
    if case.status != "closed":
        lines += ["", _("Reply to this message to answer the participant.")]
    return "\n".join(lines)


def followup_text(case: CaseInfo, entry: CaseEntry, lang: Lang) -> str:
    """A participant's further message in a case, for staff."""
    _ = tr(lang)
    return (
        _("Case #{id}: {who} writes:").format(id=case.id, who=who_asked(case, lang))
        + "\n"
        + entry.text
    )


def cases_text(cases: Sequence[CaseInfo], title: EventTitle, lang: Lang) -> str:
    """The open cases, one short line each (for /sager)."""
    _ = tr(lang)
    if not cases:
        return _("There are no open cases.")
    lines = [_("Open cases: {count}").format(count=len(cases))]
    for case in cases:
        question = " ".join(case.question.split())
        if len(question) > 80:
            question = question[:79] + "…"
        event = (title(case.event) if case.event else None) or "–"
        lines.append(
            f"#{case.id} · {status_text(case, lang)} · {channel_label(case.channel, lang)} · "
            f"{event}\n   {question}"
        )
    return "\n".join(lines)


def action_labels(lang: Lang) -> dict[str, str]:
    """The staff's buttons on a case post: take, close (resolved), teach (save as answer)."""
    _ = tr(lang)
    return {"take": _("Take the case"), "close": _("Resolved"), "teach": _("Save as answer")}


def done_text(action: str, case: CaseInfo, lang: Lang) -> str:
    """What a staff member is told after acting on a case."""
    _ = tr(lang)
    if action == "take":
        return _("You have taken case #{id}. The bot keeps quiet for the participant.").format(
            id=case.id
        )
    if action == "answer":
        return _("Your answer in case #{id} has been sent to the participant.").format(id=case.id)
    if action == "close":
        return _("Case #{id} is closed. The bot answers the participant again.").format(id=case.id)
    return _("Saved: the bot now answers this question itself.")


def problem_text(reason: str, case_id: int, lang: Lang) -> str:
    """Why a staff action on a case could not be done."""
    _ = tr(lang)
    texts = {
        "not_found": _("There is no case #{id}."),
        "closed": _("Case #{id} is closed already."),
        "no_answer": _("Case #{id} has no answer to save yet. Answer it first."),
        "no_event": _(
            "Case #{id} is not about a known event, so the answer cannot be saved for one."
        ),
    }
    return texts.get(reason, _("Case #{id} could not be changed.")).format(id=case_id)


def events_text(events: Iterable[Event], lang: Lang) -> str:
    """The events by short name and title, for staff told how to name one."""
    _ = translator(lang).gettext
    return _("Events:") + "\n" + "\n".join(f"{e.id} – {e.title}" for e in events)
