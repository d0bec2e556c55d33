"""What the page of questions the bot could not answer says, in the staff's language."""

from __future__ import annotations

from bot.i18n import Lang, translator


def page_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("What the bot could not answer"),
        "intro": _(
            "Questions the bot handed to the secretariat that still wait for an answer, with "
            "similar questions put together. Answer a group once: every participant in it "
            "gets the answer, and the bot answers the next person who asks."
        ),
        "choose": _("Choose an event"),
        "event": _("Event"),
        "all_events": _("All events"),
        "show": _("Show"),
        "groups": _("Questions waiting for an answer"),
        "no_groups": _("No questions are waiting for an answer here."),
        "no_event": _("No event"),
        "answer": _("Answer to everyone who asked"),
        "shares": _("Who answered the questions"),
        "shares_intro": _(
            "Every question the bot was asked: answered by the bot itself, or handed to the "
            "secretariat, and how many of those the secretariat has answered."
        ),
        "per_event": _("Per event"),
        "per_week": _("Per week"),
        "week": _("Week"),
        "questions": _("Questions"),
        "by_bot": _("Answered by the bot"),
        "handed_over": _("Handed over"),
        "by_staff": _("Answered by the secretariat (of those handed over)"),
        "total": _("In all"),
        "no_log": _("No questions have been counted yet."),
        "wordings": _("How it was asked"),
    }


def asked_text(lang: Lang, count: int) -> str:
    """A group's heading: how many asked."""
    _ = translator(lang).gettext
    if count == 1:
        return _("Asked once")
    return _("Asked {count} times").format(count=count)


def group_hint(lang: Lang, can_teach: bool) -> str:
    _ = translator(lang).gettext
    if can_teach:
        return _(
            "The answer is sent to each participant on their own channel, and saved as the "
            "bot's answer to these questions."
        )
    return _(
        "The answer is sent to each participant on their own channel. These questions are "
        "about no known event, so the answer cannot be saved for the bot."
    )


def send_label(lang: Lang, can_teach: bool) -> str:
    _ = translator(lang).gettext
    return _("Send the answer and save it") if can_teach else _("Send the answer")


def week_text(lang: Lang, year: int, week: int) -> str:
    _ = translator(lang).gettext
    return _("Week {week}, {year}").format(week=week, year=year)


def done_text(lang: Lang, answered: int, taught: int, left: int) -> str:
    """What came of answering a group."""
    _ = translator(lang).gettext
    said = [_("Cases answered: {count}.").format(count=answered)]
    if taught:
        said.append(_("The bot now answers these questions itself."))
    if left:
        said.append(
            _(
                "Left as they were: {count}, as another staff member has them, or they were "
                "answered or closed in the meantime."
            ).format(count=left)
        )
    return " ".join(said)


def none_left_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "None of these questions could be answered: another staff member has them, or they "
        "were answered or closed in the meantime. Nothing was sent."
    )
