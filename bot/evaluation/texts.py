"""What the evaluation says, in the person's language: short, plain, and saying it is anonymous."""

from __future__ import annotations

from bot.evaluation.questions import AGAIN, PRACTICAL, QUESTIONS, SATISFACTION, Answers
from bot.i18n import Lang, translator
from bot.knowledge.schema import Event


def subject(event: Event, lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("How was {title}?").format(title=event.title)


def chat_invitation(event: Event, lang: Lang) -> str:
    """The first message in a chat; the first question's buttons go with it."""
    _ = translator(lang).gettext
    lead = _(
        "Thank you for coming to {title}. Will you answer three short questions? "
        "Your answers are anonymous."
    ).format(title=event.title)
    return f"{lead}\n\n{_(QUESTIONS[SATISFACTION])}"


def mail_invitation(event: Event, lang: Lang) -> str:
    """The one e-mail, answered by a reply in the person's own words."""
    _ = translator(lang).gettext
    return "\n\n".join(
        [
            _(
                "Thank you for coming to {title}. We would like to know how the day was for you. "
                'Please answer the three questions by replying to this e-mail, for example "4, '
                'yes, yes":'
            ).format(title=event.title),
            "\n".join(
                [
                    "1. " + _(QUESTIONS[SATISFACTION]),
                    "2. " + _(QUESTIONS[PRACTICAL]) + " " + _("(yes, partly or no)"),
                    "3. " + _(QUESTIONS[AGAIN]) + " " + _("(yes, maybe or no)"),
                ]
            ),
            _("You are welcome to add a comment in your own words."),
            _("Your answers are anonymous: they are kept without your name or address."),
        ]
    )


def comment_question(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _('Thank you. Would you like to add a comment? Write it here, or press "No comment".')


def no_comment_label(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("No comment")


def thanks(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Thank you for your answers. They are anonymous and help us plan the next event.")


def over(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("That evaluation is over. Thank you.")


def mail_thanks(event: Event, answers: Answers, lang: Lang) -> str:
    """The answer to a reply: thanks, and whether its answers were read or kept as a comment."""
    _ = translator(lang).gettext
    if (answers.satisfaction, answers.practical, answers.again) == (None, None, None):
        return _(
            "Thank you for your reply about {title}. We have kept what you wrote, anonymously, "
            "and will read it."
        ).format(title=event.title)
    return _(
        "Thank you for your answers about {title}. They are anonymous and help us plan the next "
        "event."
    ).format(title=event.title)
