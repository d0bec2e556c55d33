"""What the participants pages say, in the staff's language (Danish first).

Translated here with the bot's catalogues, so ``python -m bot i18n check`` sees every text; the
templates only place them. Names and addresses are put in with ``format`` and escaped by the
templates like any other text.
"""

from __future__ import annotations

from bot.i18n import Lang, translator


def page_texts(lang: Lang) -> dict[str, str]:
    """The participants page: headings, columns, buttons."""
    _ = translator(lang).gettext
    return {
        "back": _("All events"),
        "add": _("Sign someone up"),
        "add_hint": _("For a person who phoned or wrote, or a colleague's signup."),
        "export_heading": _("Download the list"),
        "export_xlsx": _("As an Excel workbook (.xlsx)"),
        "export_csv": _("As a CSV file"),
        "export_hint": _(
            "The list holds the registered and the waiting list, with needs. It holds "
            "personal data: keep it safe, and delete it after the event."
        ),
        "search_heading": _("Search"),
        "search_label": _("Name, e-mail address or organisation"),
        "search": _("Search"),
        "show_all": _("Show everyone"),
        "registered": _("Registered"),
        "waiting": _("Waiting list"),
        "cancelled": _("Cancelled"),
        "no": _("No."),
        "name": _("Name"),
        "organisation": _("Organisation"),
        "email": _("E-mail"),
        "session": _("Choice"),
        "needs": _("Needs"),
        "signed_up": _("Signed up"),
        "cancelled_at": _("Cancelled"),
        "history": _("History"),
        "actions": _("Actions"),
        "cancel": _("Cancel registration"),
        "move_up": _("Give a seat"),
        "none_registered": _("Nobody is registered yet."),
        "none_waiting": _("Nobody is on the waiting list."),
        "none_cancelled": _("Nobody has cancelled."),
        "none_found": _("Nobody here matches the search."),
        "fill": _("Give the free seats to the waiting list"),
        "no_history": _("Nothing recorded."),
        "summary": _("In numbers"),
    }


def when_where(lang: Lang, when: str, place: str | None) -> str:
    _ = translator(lang).gettext
    if place:
        return _("{when}, {place}").format(when=when, place=place)
    return when


def seats_text(lang: Lang, registered: int, capacity: int | None) -> str:
    _ = translator(lang).gettext
    if capacity is None:
        return _("Registered: {registered} (no limit on seats)").format(registered=registered)
    return _("Registered: {registered} of {capacity} seats").format(
        registered=registered, capacity=capacity
    )


def waiting_text(lang: Lang, waiting: int) -> str:
    _ = translator(lang).gettext
    return _("On the waiting list: {waiting}").format(waiting=waiting)


def needs_count_text(lang: Lang, count: int) -> str:
    _ = translator(lang).gettext
    return _("Needs to arrange: {count}").format(count=count)


def deadline_line(lang: Lang, deadline: str, passed: bool) -> str:
    _ = translator(lang).gettext
    if passed:
        return _("Signup closed: the deadline was {deadline}.").format(deadline=deadline)
    return _("Signup deadline: {deadline}.").format(deadline=deadline)


def closed_line(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Signup is closed for this event.")


def session_line(lang: Lang, label: str, registered: int, capacity: int | None) -> str:
    _ = translator(lang).gettext
    if capacity is None:
        return _("{session}: {registered} registered").format(session=label, registered=registered)
    return _("{session}: {registered} registered of {capacity} seats").format(
        session=label, registered=registered, capacity=capacity
    )


def free_seats_text(lang: Lang, free: int | None, waiting: int) -> str:
    """Seats free while people wait (the seats were raised, say)."""
    _ = translator(lang).gettext
    if free is None:
        return _(
            "There is no longer a limit on seats, and {waiting} are on the waiting list."
        ).format(waiting=waiting)
    return _("{free} seats are free, and {waiting} are on the waiting list.").format(
        free=free, waiting=waiting
    )


def found_text(lang: Lang, query: str, count: int) -> str:
    _ = translator(lang).gettext
    return _("Registrations matching “{query}”: {count}.").format(query=query, count=count)


def position_text(lang: Lang, position: int | None) -> str:
    _ = translator(lang).gettext
    return _("number {position}").format(position=position)


def hidden_for(lang: Lang, name: str) -> str:
    """The end of a button's name for screen readers: whom it acts on."""
    _ = translator(lang).gettext
    return _("for {name}").format(name=name or _("an anonymous registration"))


# -- what happened (after a form) ---------------------------------------------------------


def mailed_text(lang: Lang, email: str, told: bool, *, confirmation: bool = True) -> str:
    _ = translator(lang).gettext
    if not told:
        return _("No e-mail was sent, as e-mail is not set up on this server: please tell them.")
    if confirmation:
        return _("A confirmation is on its way to {email}.").format(email=email)
    return _("They are told by e-mail at {email}.").format(email=email)


def registered_notice(lang: Lang, name: str) -> str:
    _ = translator(lang).gettext
    return _("{name} is registered.").format(name=name)


def waitlisted_notice(lang: Lang, name: str, position: str) -> str:
    _ = translator(lang).gettext
    text = _("There is no free seat, so {name} is on the waiting list as number {position}.")
    return text.format(name=name, position=position)


def already_notice(lang: Lang, name: str, position: int | None) -> str:
    _ = translator(lang).gettext
    if position is not None:
        return _(
            "{name} is already on the waiting list as number {position}. Nothing was changed."
        ).format(name=name, position=position)
    return _("{name} is already registered. Nothing was changed.").format(name=name)


def cancelled_notice(lang: Lang, name: str) -> str:
    _ = translator(lang).gettext
    return _("{name} is cancelled.").format(name=name)


def promoted_notice(lang: Lang, names: str) -> str:
    _ = translator(lang).gettext
    return _("The seat went to {names} from the waiting list, who is told so.").format(names=names)


def moved_up_notice(lang: Lang, name: str) -> str:
    _ = translator(lang).gettext
    return _("{name} has a seat now, and is told so.").format(name=name)


def extra_seat_notice(lang: Lang, name: str) -> str:
    _ = translator(lang).gettext
    return _("{name} has an extra seat beyond the capacity, and is told so.").format(name=name)


def filled_notice(lang: Lang, names: str) -> str:
    _ = translator(lang).gettext
    if not names:
        return _("Nobody on the waiting list could have a seat.")
    return _("From the waiting list, {names} got a seat, and they are told so.").format(names=names)


def stale_notice(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "That registration is no longer as the page showed it (someone changed it meanwhile), "
        "so nothing was done. The list below is as it is now."
    )


def ended_notice(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("The event is over, so nobody is moved up from the waiting list any more.")


def someone(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("The participant")


# -- confirming ---------------------------------------------------------------------------


def cancel_question(
    lang: Lang, name: str, email: str, title: str, registered: bool, waiting: int, mails: bool
) -> dict[str, str]:
    _ = translator(lang).gettext
    lines = [
        _("{name} ({email}) will no longer be signed up for {title}.").format(
            name=name, email=email, title=title
        )
    ]
    if mails:
        lines.append(_("They are told by e-mail."))
    if registered and waiting:
        lines.append(_("The seat goes to the first on the waiting list who fits, who is told so."))
    return {
        "title": _("Cancel {name}?").format(name=name),
        "text": " ".join(lines),
        "button": _("Yes, cancel"),
        "back": _("No, go back"),
    }


def extra_seat_question(
    lang: Lang, name: str, capacity: int, taken: int, session: str | None
) -> dict[str, str]:
    _ = translator(lang).gettext
    if session is None:
        full = _("All {capacity} seats are taken.").format(capacity=capacity)
    else:
        full = _("All {capacity} seats of {session} are taken.").format(
            capacity=capacity, session=session
        )
    then = _(
        "If you give {name} a seat anyway, {count} will be registered. When someone cancels, "
        "the waiting list moves up only once fewer are registered than there are seats."
    ).format(name=name, count=taken + 1)
    return {
        "title": _("Give {name} an extra seat?").format(name=name),
        "text": f"{full} {then}",
        "button": _("Yes, give an extra seat"),
        "back": _("No, go back"),
    }


# -- the signup form ----------------------------------------------------------------------


def signup_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("Sign someone up"),
        "intro": _(
            "The same rules apply as when people sign up themselves: when every seat is taken, "
            "the person goes on the waiting list."
        ),
        "mails": _("The person gets the confirmation by e-mail, with the calendar file."),
        "no_mails": _(
            "E-mail is not set up on this server, so the person gets no confirmation: please "
            "tell them yourself."
        ),
        "name": _("Name"),
        "email": _("E-mail address"),
        "email_hint": _("The confirmation goes here."),
        "organisation": _("Organisation or council"),
        "needs": _("Needs (optional)"),
        "needs_hint": _("For example wheelchair, interpreter, hearing loop, companion or diet."),
        "choice": _("Choice"),
        "no_choice": _("None chosen yet"),
        "lang": _("Language of the confirmation"),
        "da": "Dansk",
        "en": "English",
        "submit": _("Sign the person up"),
        "cancel": _("Back to the participants"),
        "problems": _("The signup was not saved. Please correct this:"),
    }


def field_problem(lang: Lang, field: str, empty: bool) -> str:
    """A field the rules refused, said to staff: empty, or not acceptable as given."""
    _ = translator(lang).gettext
    if field == "name":
        return _("Write the person's name.") if empty else _("The name is too long.")
    if field == "email":
        if empty:
            return _("Write the person's e-mail address.")
        return _("This is not an e-mail address. Write it as name@example.dk.")
    if field == "organisation":
        if empty:
            return _("Write which organisation or council the person comes from.")
        return _("The organisation is too long.")
    if field == "session":
        if empty:
            return _("Choose one of the choices.")
        return _("Choose one of the choices in the list.")
    return _("The needs are too long: write at most 2000 characters.")


def closed_text(lang: Lang, deadline: str | None) -> str:
    """Signup cannot be taken: closed in the knowledge, or the deadline passed."""
    _ = translator(lang).gettext
    if deadline is None:
        return _("Signup for this event is closed, so nobody can be signed up, not here either.")
    return _(
        "The signup deadline was {deadline}, so nobody can be signed up any more, not here "
        "either. To make an exception, the deadline must be changed in the event's knowledge."
    ).format(deadline=deadline)


def session_seats(lang: Lang, registered: int, capacity: int) -> str:
    _ = translator(lang).gettext
    return _("{registered} of {capacity} seats taken").format(
        registered=registered, capacity=capacity
    )
