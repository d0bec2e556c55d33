"""What a signup asks for, and checking it: name, e-mail, organisation, session choice, needs.

Channels collect the answers in their own way and may call :func:`check_signup` to learn what is
still missing; the service checks again and refuses an incomplete form with :class:`InvalidSignup`.
Problems are sentences for the participant, in the form's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n import Lang, translator
from bot.knowledge.schema import Event
from bot.registrations.identity import normalise_email
from bot.registrations.needs import (
    COMPANION,
    MAX_COMPANIONS,
    NEED_KINDS,
    OTHER,
    WORDS_LIMIT,
    NeedsRead,
    read_needs,
)
from bot.registrations.rules import find_session, session_required, sessions_chosen_at_signup

NAME_LIMIT = 200
# What people write in the needs field to say there are none.
_NOTHING = frozenset({"nej", "ingen", "intet", "no", "none", "nothing", "nej tak", "no thanks"})
NEEDS_LIMIT = 2000


@dataclass(frozen=True)
class SignupForm:
    """What a person gives when signing up, as they gave it."""

    name: str
    email: str
    organisation: str
    session: str | None = None
    # Free text: accessibility, interpreter, companion, diet.
    needs: str | None = None
    lang: Lang = "da"
    # Kinds chosen with buttons (``bot.registrations.needs.NEED_KINDS``); what ``needs`` says in
    # words is read and added. Companions: how many come with the person, and names if given.
    need_kinds: tuple[str, ...] = ()
    companions: int = 0
    companion_names: tuple[str, ...] = ()
    # What ``needs`` says, read already with the rest of the message (an e-mail reply): kept as
    # read. Read again alone, a sentence loses what the rest said ("Teleslynge kan jeg ikke
    # bruge" after "hørehæmmet og … skrivetolk").
    needs_read: NeedsRead | None = None


@dataclass(frozen=True)
class CleanSignup:
    """A checked form: trimmed text, normalised e-mail, the session's own key."""

    name: str
    email: str
    organisation: str
    session_key: str | None
    needs: str | None
    lang: Lang
    # Kind -> the person's own words for it (None when chosen with a button).
    need_kinds: Mapping[str, str | None] = field(default_factory=dict)
    # One entry per companion (each a seat): the name, or None.
    companions: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class FormProblem:
    """One thing missing or wrong in a form, said to the participant."""

    field: str
    message: str


class InvalidSignup(ValueError):
    """The form cannot be accepted; ``problems`` says why, one sentence per field."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def signup_fields(event: Event) -> list[str]:
    """The fields to ask for, in order; 'needs' is always offered and never required."""
    fields = ["name", "email", "organisation"]
    if sessions_chosen_at_signup(event):
        fields.append("session")
    return [*fields, "needs"]


def _session_choices(event: Event) -> str:
    return ", ".join(f"{s.key} ({s.title})" for s in event.sessions)


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def check_signup(event: Event, form: SignupForm) -> tuple[CleanSignup | None, list[FormProblem]]:
    """The checked form, or the problems to put to the participant."""
    _ = translator(form.lang).gettext
    problems: list[FormProblem] = []
    too_long = _("Please write at most {limit} characters.")

    name = _text(form.name)
    if not name:
        problems.append(FormProblem("name", _("Please tell me your name.")))
    elif len(name) > NAME_LIMIT:
        problems.append(FormProblem("name", too_long.format(limit=NAME_LIMIT)))

    email = ""
    if not _text(form.email):
        problems.append(FormProblem("email", _("Please tell me your e-mail address.")))
    else:
        try:
            email = normalise_email(form.email)
        except ValueError:
            problems.append(
                FormProblem(
                    "email",
                    _("{email} does not look like an e-mail address.").format(
                        email=form.email.strip()
                    ),
                )
            )

    organisation = _text(form.organisation)
    if not organisation:
        problems.append(
            FormProblem(
                "organisation",
                _("Please tell me which organisation or council you come from."),
            )
        )
    elif len(organisation) > NAME_LIMIT:
        problems.append(FormProblem("organisation", too_long.format(limit=NAME_LIMIT)))

    session_key: str | None = None
    wanted = _text(form.session) or None
    if wanted is None:
        if session_required(event):
            problems.append(
                FormProblem(
                    "session",
                    _("Please choose which one you want to take part in: {choices}.").format(
                        choices=_session_choices(event)
                    ),
                )
            )
    elif not event.sessions:
        problems.append(FormProblem("session", _("This event has no sessions to choose between.")))
    elif not sessions_chosen_at_signup(event):
        problems.append(
            FormProblem(
                "session",
                _("At this event you choose your session on the day, not when you sign up."),
            )
        )
    else:
        session = find_session(event, wanted)
        if session is None:
            problems.append(
                FormProblem(
                    "session",
                    _("I do not know the choice {key}. Choose one of these: {choices}.").format(
                        key=wanted, choices=_session_choices(event)
                    ),
                )
            )
        else:
            session_key = session.key

    # Keep the person's own line breaks in needs; only trim the ends.
    needs = (form.needs or "").strip() or None
    if needs is not None and len(needs) > NEEDS_LIMIT:
        problems.append(FormProblem("needs", too_long.format(limit=NEEDS_LIMIT)))

    if problems:
        return None, problems
    kinds, companions = form_needs(form)
    return CleanSignup(
        name, email, organisation, session_key, needs, form.lang, kinds, companions
    ), []


def form_needs(form: SignupForm) -> tuple[dict[str, str | None], tuple[str | None, ...]]:
    """The kinds chosen and those the person's words state, and their companions."""
    read = form.needs_read or read_needs(
        (form.needs or "").strip() or None, own_name=_text(form.name)
    )
    kinds: dict[str, str | None] = {k: None for k in form.need_kinds if k in NEED_KINDS}
    kinds.update(read.found)
    said = " ".join((form.needs or "").casefold().split()).strip(" .!-")
    if said and said not in _NOTHING and not read.says_anything:
        # Words that name no kind the reader knows are still a need: "other", in their words.
        kinds[OTHER] = " ".join((form.needs or "").split())[:WORDS_LIMIT]
    names = [n for n in (*form.companion_names, *read.companion_names) if n.strip()]
    names = list(dict.fromkeys(" ".join(n.split())[:NAME_LIMIT] for n in names))
    count = max(form.companions, read.companions, len(names), 1 if COMPANION in kinds else 0)
    count = min(count, MAX_COMPANIONS)
    if count:
        kinds.setdefault(COMPANION, None)
    companions = tuple([*names, *([None] * count)][:count])
    return {k: kinds[k] for k in NEED_KINDS if k in kinds}, companions


def clean_signup(event: Event, form: SignupForm) -> CleanSignup:
    """The checked form; raises :class:`InvalidSignup` with every problem found."""
    clean, problems = check_signup(event, form)
    if clean is None:
        raise InvalidSignup(problems)
    return clean
