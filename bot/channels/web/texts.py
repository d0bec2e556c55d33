"""The web chat page's own words, translated like every message of the bot.

The conversation's texts come from the turn; these are the page around it: headings, labels,
buttons and the polite refusals. They are passed to the templates as one mapping, so the
catalogue check sees each of them here.
"""

from __future__ import annotations

from bot.i18n import Lang, translator


def page_texts(lang: Lang, title: str) -> dict[str, str]:
    """Every text of the chat page, for an event called ``title``."""
    _ = translator(lang).gettext
    return {
        "title": _("Questions about {title}").format(title=title),
        "intro": _(
            "Write your question below. An automatic assistant answers at once. If it cannot "
            "answer, it asks the secretariat, and they answer you here in the chat."
        ),
        "skip": _("Go to the text field"),
        "conversation": _("The conversation"),
        "empty": _("No messages yet."),
        "you": _("You"),
        "bot": _("Assistant"),
        "choose": _("Choose an answer, or write it in the field below"),
        "label": _("Your message"),
        "hint": _("Write your question or answer, then press Send."),
        "send": _("Send"),
        "sending": _("Sending …"),
        "failed": _("The message could not be sent. Please check your connection and try again."),
        "cookie": _("The chat uses a cookie to remember your conversation."),
    }


def source_text(lang: Lang, source: str) -> str:
    _ = translator(lang).gettext
    return _("Source: {source}").format(source=source)


def file_text(lang: Lang, name: str, media_type: str) -> str:
    """The link text of a file: what it is, and its name."""
    _ = translator(lang).gettext
    if media_type.startswith("text/calendar"):
        return _("Download the calendar file ({name})").format(name=name)
    if media_type == "application/json":
        return _("Download your data ({name})").format(name=name)
    if media_type == "application/pdf":
        return _("Download the certificate ({name})").format(name=name)
    if media_type.startswith("image/"):
        return _("Download the QR code for check-in ({name})").format(name=name)
    return _("Download the file {name}").format(name=name)


def slow_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("You are writing very fast. Please wait a moment, then send your message again.")


def too_long_text(lang: Lang, limit: int) -> str:
    _ = translator(lang).gettext
    return " ".join(
        [_("Your message is too long."), _("Please write at most {limit} characters.")]
    ).format(limit=limit)


def stale_choice_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "That button is no longer in use. Please use the newest buttons, or write your answer."
    )


def frame_title(lang: Lang, title: str) -> str:
    _ = translator(lang).gettext
    return _("Chat about {title}").format(title=title)
