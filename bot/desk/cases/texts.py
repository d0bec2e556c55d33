"""What the desk's case pages say, in the staff's language (Danish first).

Sentences the staff chat and the command line already say about cases (a case's status, "You
have taken case #12 ...", "Case #12 is closed already.") come from ``bot.cases.texts`` and
are the same words here; the rest is the desk's own.
"""

from __future__ import annotations

from bot.cases import texts as case_texts
from bot.cases.service import CaseEntry, CaseInfo
from bot.channels.registry import label as channel_label
from bot.i18n import Lang, translator


def list_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("Cases"),
        "intro": _(
            "Questions the bot handed to the secretariat. Open a case to see the whole "
            "conversation, take it, answer the participant, close it, or save the answer for "
            "the bot."
        ),
        "filter": _("Choose cases"),
        "show": _("Show"),
        "event": _("Event"),
        "all_events": _("All events"),
        "no_event": _("No event"),
        "update": _("Update the list"),
        "none": _("There are no cases here."),
        "live": _("New cases appear here by themselves."),
        "question": _("Question"),
        "received": _("Received"),
        "channel": _("Channel"),
        "status": _("Status"),
    }


def filter_labels(lang: Lang) -> dict[str, str]:
    """The choices of which cases to show, by their value in the address."""
    _ = translator(lang).gettext
    return {
        "aabne": _("Open cases"),
        "nye": _("New cases, not taken"),
        "mine": _("My cases"),
        "lukkede": _("Closed cases"),
        "alle": _("All cases"),
    }


def shown_text(lang: Lang, shown: int, total: int) -> str:
    _ = translator(lang).gettext
    if shown < total:
        return _("Showing the newest {shown} of {total} cases.").format(shown=shown, total=total)
    return _("Cases shown: {count}").format(count=total)


def announce_text(lang: Lang, new: list[int]) -> str:
    """Read out when new cases arrive on the open page."""
    _ = translator(lang).gettext
    if len(new) == 1:
        return _("New case: #{id}.").format(id=new[0])
    return _("New cases: {count}.").format(count=len(new))


def case_texts_for(lang: Lang) -> dict[str, str]:
    """The labels of a case's page."""
    _ = translator(lang).gettext
    return {
        "from": _("From"),
        "event": _("Event"),
        "channel": _("Channel"),
        "received": _("Received"),
        "status": _("Status"),
        "conversation": _("Conversation"),
        "take": _("Take the case"),
        "take_hint": _("The bot keeps quiet for the participant while you have the case."),
        "answer": _("Your answer to the participant"),
        "send": _("Send the answer"),
        "close": _("Close the case"),
        "close_hint": _("The bot answers the participant again."),
        "teach": _("Save as answer"),
        "teach_hint": _(
            "The bot then answers the next person who asks this question with the last answer."
        ),
        "back": _("Back to the cases"),
        "closed": _("The case is closed."),
        "unknown": _("not known"),
        "actions": _("What to do"),
    }


def title_text(lang: Lang, case_id: int) -> str:
    _ = translator(lang).gettext
    return _("Case #{id}").format(id=case_id)


def answer_hint(lang: Lang, channel: str) -> str:
    _ = translator(lang).gettext
    return _(
        "It is sent to the participant on {channel}, as an answer from the staff chat is."
    ).format(channel=channel_label(channel, lang))


def held_text(lang: Lang, name: str) -> str:
    """On the page of a case another staff member has."""
    _ = translator(lang).gettext
    return _("{name} has this case. Take it over if you are to answer it.").format(name=name)


def take_over_text(lang: Lang, name: str) -> str:
    _ = translator(lang).gettext
    return _("Take the case over from {name}").format(name=name)


def who_text(case: CaseInfo, lang: Lang) -> str:
    """Who asked, as staff need it: name and address; never a chat's or a session's id."""
    _ = translator(lang).gettext
    parts = [p for p in (case.name, case.email) if p]
    if case.name and case.email == case.name:
        parts = [case.name]
    if parts:
        return ", ".join(parts)
    if not (case.user_id or case.chat_id):  # erased at the participant's request
        return _("(deleted)")
    return _("A participant on {channel}").format(channel=channel_label(case.channel, lang))


def author_text(case: CaseInfo, entry: CaseEntry, lang: Lang) -> str:
    """Who said it (the same words as ``python -m bot cases show``)."""
    _ = translator(lang).gettext
    if entry.author == "participant":
        return _("{name} (participant)").format(name=entry.author_name or who_text(case, lang))
    if entry.author == "staff":
        return _("{name} (secretariat)").format(name=entry.author_name or "?")
    if entry.text == "taught":
        return _("{name} saved the answer as the bot's answer.").format(
            name=entry.author_name or "?"
        )
    if entry.text == "erased":
        return _("(deleted at the participant's request)")
    return _("The bot")


def entry_text(entry: CaseEntry, lang: Lang) -> str:
    """What was said (the bot's own notes are said in full by ``author_text``)."""
    if entry.author == "bot" and entry.text in ("taught", "erased"):
        return ""
    return entry.text or deleted_text(lang)


def deleted_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("(deleted at the participant's request)")


# -- after an action, and why one was not done ----------------------------------------------


def done_text(action: str, case: CaseInfo, lang: Lang) -> str:
    """What the staff member is told after take, answer, close or teach."""
    return case_texts.done_text(action, case, lang)


def empty_answer_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Write your answer in the field before you send it. Nothing was sent.")


def taken_problem_text(action: str, name: str, lang: Lang) -> str:
    """The case is someone else's: say who, and what to do."""
    _ = translator(lang).gettext
    if action == "answer":
        return _(
            "{name} has taken the case, so your answer was not sent. Take the case over "
            "first if you are to answer it."
        ).format(name=name)
    if action == "close":
        return _(
            "{name} took the case in the meantime, so it was not closed. Look at it again first."
        ).format(name=name)
    return _(
        "{name} took the case in the meantime. Look at it again, and take it over if you are "
        "to have it."
    ).format(name=name)


def unreachable_text(channel: str, lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "The participant wrote on {channel}, which is not set up on this server, so nothing "
        "was sent."
    ).format(channel=channel_label(channel, lang))


def problem_text(reason: str, case_id: int, lang: Lang) -> str:
    """A case that refused: closed already, no answer to save, no event to save it for."""
    return case_texts.problem_text(reason, case_id, lang)
