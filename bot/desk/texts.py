"""What the desk's pages and its sign-in mail say, in the staff's language (Danish first).

Translated here with the bot's catalogues, so ``python -m bot i18n check`` sees every text; the
templates only place them.
"""

from __future__ import annotations

from bot.i18n import Lang, translator


def chrome_texts(lang: Lang) -> dict[str, str]:
    """What every desk page shows around its content."""
    _ = translator(lang).gettext
    return {
        "desk": _("Desk"),
        "skip": _("Skip to the content"),
        "signout": _("Sign out"),
        "signed_in_as": _("Signed in as"),
        "menu": _("Desk menu"),
        "nav_home": _("Overview"),
        "nav_events": _("Events"),
        "nav_cases": _("Cases"),
        "nav_questions": _("Unanswered questions"),
        "nav_knowledge": _("Knowledge"),
    }


def signin_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("Sign in to the desk"),
        "intro": _("The desk is for the secretariat's staff."),
        "email": _("E-mail address"),
        "password": _("Password"),
        "signin": _("Sign in"),
        "link_heading": _("No password, or forgotten it?"),
        "link_hint": _("We send a link to your address. It works once, for 15 minutes."),
        "send_link": _("Send me a link"),
    }


def refused_text(lang: Lang) -> str:
    """A failed sign-in, whatever the reason: no account, a wrong password, a locked account."""
    _ = translator(lang).gettext
    return _(
        "The e-mail address or the password is wrong, or the account is locked for a while "
        "after too many attempts. Try again in a while, or ask for a link."
    )


def signed_out_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("You are signed out.")


def too_many_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "There have been too many attempts to sign in from here. Wait a few minutes, then try "
        "again."
    )


def expired_texts(lang: Lang) -> tuple[str, str]:
    """A form without its right token (an old page, another site's page)."""
    _ = translator(lang).gettext
    return _("The page had expired"), _(
        "For your safety nothing was done. Please go back and try again. The desk needs "
        "cookies to keep you signed in."
    )


def not_found_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("Page not found"), _("There is no page at this address on the desk.")


def back_to_desk(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Back to the desk")


def back_to_signin(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Back to sign-in")


def link_sent_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("Check your inbox"), _(
        "If the address has an account at the desk, a sign-in link is on its way to it. The "
        "link works once, for 15 minutes."
    )


def no_links_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "Sign-in links cannot be sent from this server, as e-mail is not set up here. Please "
        "ask the person who runs the bot."
    )


def link_texts(lang: Lang) -> tuple[str, str]:
    """The page a link opens: one button to sign in (a mail program's look at the link does
    not use it up)."""
    _ = translator(lang).gettext
    return _("Sign in with the link"), _(
        "Press the button to sign in. After that the link no longer works."
    )


def link_dead_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("The link no longer works"), _(
        "It has already been used, or more than 15 minutes have passed. Please ask for a new "
        "link on the sign-in page."
    )


def link_mail(lang: Lang, name: str, url: str) -> tuple[str, str]:
    """Subject and text of the mail with a sign-in link."""
    _ = translator(lang).gettext
    subject = _("Your sign-in link for the desk")
    body = _(
        "Hello {name},\n\n"
        "Here is your link to sign in at Deltagerbot's desk. It works once, for 15 minutes:\n\n"
        "{url}\n\n"
        "If you did not ask for it, you can ignore this e-mail: nobody can sign in without the "
        "link."
    ).format(name=name, url=url)
    return subject, body


def start_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("Desk"),
        "upcoming": _("Upcoming events"),
        "questions": _("Questions the bot could not answer"),
        "none": _("There are no upcoming events."),
    }


def open_cases_text(lang: Lang, count: int) -> str:
    _ = translator(lang).gettext
    return _("Open cases in all: {count}").format(count=count)
