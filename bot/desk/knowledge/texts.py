"""What the desk's knowledge pages say, in the staff's language (Danish first).

Translated here with the bot's catalogues, so ``python -m bot i18n check`` sees every text; the
templates only place them. The labels of the form's fields are in ``form``; the sentences of
the readable page in ``readable``.
"""

from __future__ import annotations

from bot.i18n import Lang, translator


def list_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("Knowledge"),
        "intro": _(
            "What the bot knows about each event, as participants are told it. Open an event "
            "to read it or to change it; a new event starts from its invitation."
        ),
        "new": _("A new event from its invitation"),
        "drafts": _("Drafts not yet published"),
        "draft_by": _("begun by {name}, {date}"),
        "draft_new": _("new"),
        "draft_edit": _("a change"),
        "upcoming": _("Upcoming events"),
        "past": _("Past events"),
        "backgrounds": _("Background"),
        "event": _("Event"),
        "date": _("Date"),
        "place": _("Place"),
        "file": _("File"),
        "none": _("There are none."),
        "untitled": _("(no title yet)"),
    }


def event_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "back": _("All events"),
        "edit": _("Change the event"),
        "edit_hint": _(
            "The change is a draft until you publish it; until then participants are told "
            "what the page shows here."
        ),
        "drafts": _("A change of this event is in progress"),
        "continue": _("Continue the draft"),
        "change_heading": _("Tell the participants about the change?"),
        "change_intro": _(
            "The event has changed since its participants were last told. Registered now: "
            "{count}. This is what they would be told:"
        ),
        "send": _("Send the message to the participants"),
        "skip": _("Do not send it"),
        "skip_hint": _("Either way, you are asked about this change only once."),
    }


def flash(lang: Lang, key: str, value: str = "") -> str | None:
    """A notice after a form, by the word in the address it was sent back to."""
    _ = translator(lang).gettext
    said = {
        "udgivet": _("Published. The bot answers from the new version now, on every channel."),
        "sendt": _("The message about the change is on its way to {count} participant(s)."),
        "ikke-sendt": _("The participants were not told about the change."),
        "kasseret": _("The draft was deleted. Nothing was published."),
        "gemt": _("Saved."),
    }.get(key)
    return said.format(count=value) if said else None


def upload_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("A new event from its invitation"),
        "intro": _(
            "Choose the invitation as the secretariat sent it: a Word document (.docx), a PDF, "
            "a web page (.html) or text (.txt, .md). The bot reads it and fills in a form with "
            "what it found, each field with the line it came from. You check it, fill in what "
            "is missing, try a question, and publish."
        ),
        "file": _("The invitation"),
        "file_hint": _("Word, PDF, web page or text; at most {limit} MB."),
        "or": _("Or paste the invitation's text"),
        "text": _("The invitation's text"),
        "id": _("Short name (id), if you want to choose it"),
        "id_hint": _(
            "Small letters, digits and hyphens, such as temadag-2027. Without one, the bot "
            "makes it from the title."
        ),
        "submit": _("Read the invitation"),
        "problem_heading": _("The invitation could not be read"),
        "nothing": _("Choose the invitation's file, or paste its text."),
        "pasted": _("the pasted text"),
        "too_large_title": _("The file is too large"),
    }


def bad_id(lang: Lang, slug: str) -> str:
    _ = translator(lang).gettext
    return _(
        "The id {slug!r} can only have small letters, digits and hyphens, such as 'temadag-2027'."
    ).format(slug=slug)


def too_large(lang: Lang, limit: int) -> str:
    _ = translator(lang).gettext
    return _(
        "The file is too large: the bot reads invitations of up to {limit} MB. An invitation "
        "is far smaller: is it the right file?"
    ).format(limit=limit)


def form_too_large_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("The form was too large"), _(
        "Nothing was saved. Please shorten the longest texts, or save the draft in parts."
    )


def missing_text(lang: Lang, what: str) -> str:
    """What the invitation does not say, as the draft says it ("The source does not ...")."""
    _ = translator(lang).gettext
    return _("The source does not mention {what}.").format(what=what)


def draft_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title_new": _("Draft: {title}"),
        "title_edit": _("Change: {title}"),
        "intro_new": _(
            "The bot read the invitation {file} and filled in what it found. Beside each field "
            "is the line of the invitation it came from: compare them. Fill in what is "
            "missing, and correct what is marked unsure. Nothing is published until you press "
            "Publish."
        ),
        "intro_edit": _(
            "Change the fields and press Save and check. Nothing is published until you press "
            "Publish; until then participants are told what the event's page says."
        ),
        "required": _("(must be filled in)"),
        "unsure": _("Unsure:"),
        "unsure_checked": _("I have checked it"),
        "from_source": _("From the invitation:"),
        "line": _("line {number}"),
        "page_line": _("page {page}, line {number}"),
        "note": _("Note in the file:"),
        "missing": _("Not in the invitation:"),
        "problem": _("Problem:"),
        "summary_heading": _("The file has {count} problem(s)"),
        "summary_intro": _(
            "Nothing is published while there are problems. This is what the knowledge check "
            "says (the lines are those of the file, shown at the bottom of the page):"
        ),
        "others_heading": _("Other files in the knowledge folder have problems"),
        "others_intro": _("The bot loads no change until they are fixed in the folder:"),
        "ok": _("The check finds no problems: the file can be published."),
        "unsure_left": _(
            "{count} field(s) are still marked unsure. Check them against the invitation."
        ),
        "whole_unsure": _("About the whole invitation:"),
        "yes": _("Yes"),
        "save": _("Save and check"),
        "publish": _("Publish"),
        "publish_hint": _(
            "Publishing writes the file into the knowledge folder; the bot answers from it at once."
        ),
        "try_heading": _("Try a question"),
        "try_intro": _(
            "Ask as a participant would, and see what the bot would answer from this draft "
            "before it is published. The draft is saved first."
        ),
        "question": _("Question"),
        "ask": _("Ask"),
        "asked": _("You asked:"),
        "answered": _("The bot would answer:"),
        "handed_over": _(
            "The bot would not answer this itself, but hand it to the secretariat. It says:"
        ),
        "cannot_try": _(
            "The bot can only answer from a file the check accepts: fix the problems first."
        ),
        "source_heading": _("The invitation"),
        "source_intro": _("The lines as the bot read them, numbered."),
        "yaml_heading": _("The file as YAML"),
        "discard": _("Delete the draft"),
        "discard_hint": _("Deletes this draft; what is published stays as it is."),
        "back": _("All events"),
        "stale": _(
            "The draft was changed in another window meanwhile, so nothing was saved from this "
            "page. Here it is as saved; please make your changes again."
        ),
        "not_saved": _(
            "A change could not be made in the file, so nothing was saved. Please try again, "
            "or change the file on the server."
        ),
        "exists": _(
            "Not published: a file named {name} is already in the knowledge folder. Give the "
            "event another short name (id)."
        ),
        "changed": _(
            "Not published: the file {name} was changed by someone else after you began. "
            "Delete this draft and change the event again from its page."
        ),
        "problems_left": _("Not published: the file has problems. See the list at the top."),
    }


def name_taken(lang: Lang, name: str, other: str) -> str:
    _ = translator(lang).gettext
    return _(
        "A file named {name} is already in the knowledge folder (it holds {other}). Give "
        "this event another short name (id), or change that event from its page."
    ).format(name=name, other=other)


def id_reserved(lang: Lang, slug: str) -> str:
    _ = translator(lang).gettext
    return _(
        "The short name (id) {slug!r} is a word the desk uses for its own pages. Please "
        "choose another."
    ).format(slug=slug)


def id_used(lang: Lang, slug: str, other: str) -> str:
    """Another file uses the draft's id (the same sentence as the knowledge check's)."""
    _ = translator(lang).gettext
    return _("{id!r} is also used by {other}").format(id=slug, other=other)


def not_found_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("Not found"), _(
        "There is no such event or draft (a draft is deleted when it is published)."
    )


def broken_file_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("The file cannot be changed here"), _(
        "The event's file is not valid YAML at the moment. Run python -m bot knowledge check "
        "on the server to see why."
    )


def change_gone_texts(lang: Lang) -> tuple[str, str]:
    _ = translator(lang).gettext
    return _("The change was already decided"), _(
        "Someone has already sent the message about it or decided not to, here or in the "
        "staff chat. Nothing more was done."
    )
