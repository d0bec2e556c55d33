"""What the evaluation page says, in the staff's language (Danish first)."""

from __future__ import annotations

from bot.evaluation.questions import AGAIN, LABELS, PRACTICAL, QUESTIONS, SATISFACTION
from bot.evaluation.store import Comment
from bot.i18n import Lang, fmt_date, translator


def page_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "back": _("Back to the participants"),
        "heading": _("Evaluation"),
        "summary": _("Answers"),
        "answer": _("Answer"),
        "count": _("Number"),
        "comments": _("Comments"),
        "no_comments": _("No comments yet."),
        "anonymous": _(
            "The answers are anonymous: they are kept without names, addresses or chats."
        ),
        "satisfaction": _(QUESTIONS[SATISFACTION]),
        "practical": _(QUESTIONS[PRACTICAL]),
        "again": _(QUESTIONS[AGAIN]),
    }


def summary_lines(lang: Lang, answered: int, asked: int, average: float | None) -> list[str]:
    """'Svar: 12 (sendt til 20)', 'Gennemsnit: 4,2 af 5'."""
    _ = translator(lang).gettext
    lines = [_("Answered: {count} (sent to {total})").format(count=answered, total=asked)]
    if average is not None:
        shown = f"{average:.1f}".replace(".", "," if lang == "da" else ".")
        lines.append(_("Average satisfaction: {average} of 5").format(average=shown))
    return lines


def answer_label(lang: Lang, answer: str) -> str:
    return translator(lang).gettext(LABELS[answer])


def comment_date(lang: Lang, comment: Comment) -> str:
    return fmt_date(comment.at, lang)
