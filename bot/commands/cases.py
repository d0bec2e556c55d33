"""Staff cases from the command line: list, show, answer, close and teach, as in the staff chat.

For a secretariat with no staff chat and no staff mailbox, and for anyone at the server.
``list`` shows the open cases, newest first (``--all`` also the closed ones, ``--event SLUG``
one event's); ``show ID`` a case and everything said in it; ``answer ID TEXT`` relays the
answer to the participant on their own channel (TEXT absent or ``-``: read from standard
input), taking the case if nobody has it; ``close ID`` closes it; ``teach ID`` keeps its answer,
so the bot answers the next person who asks the same. These are the staff chat's actions
through the same services: what the participant is told is queued with the change, and the
running bot sends it (or sends it when it next starts), and it picks up a taught answer and
the case's muting on its next check. The staff member is ``--as NAME``, by default the login
name. Texts are in the ``default_language`` setting's language.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.channels.registry import label as channel_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.cases import CaseEntry, CaseInfo, StaffMember
    from bot.i18n import Lang
    from bot.services import Services

QUESTION_CHARS = 60
MAX_ID = 2**31 - 1


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="open cases, newest first")
    listing.add_argument("--all", action="store_true", help="include closed cases")
    listing.add_argument("--event", metavar="SLUG", help="only this event's cases")
    show = sub.add_parser("show", help="a case and everything said in it")
    show.add_argument("id", type=case_id, help="the case's number")
    answer = sub.add_parser("answer", help="answer the participant on their own channel")
    answer.add_argument("id", type=case_id, help="the case's number")
    answer.add_argument(
        "text", nargs="*", help="the answer (absent or -: read from standard input)"
    )
    close = sub.add_parser("close", help="close the case; the bot answers the participant again")
    close.add_argument("id", type=case_id, help="the case's number")
    teach = sub.add_parser("teach", help="keep the case's answer as the bot's answer")
    teach.add_argument("id", type=case_id, help="the case's number")
    for action in (answer, close, teach):
        action.add_argument(
            "--as", dest="staff_name", metavar="NAME", help="who acts (default: the login name)"
        )


def case_id(value: str) -> int:
    """A case's number as staff write it: 12 or #12."""
    try:
        return int(value.strip().removeprefix("#"))
    except ValueError:
        _ = _tr(_lang())
        message = _("{value} is not a case number.").format(value=value)
        raise argparse.ArgumentTypeError(message) from None


def _lang() -> Lang:
    """The command line's language: the ``default_language`` setting."""
    from bot.i18n import normalise_lang
    from bot.settings import Settings

    return normalise_lang(Settings().default_language)


def _possible(number: int) -> bool:
    """Whether a case could have this number (the database's integer: a larger number is no
    case, not an overflow)."""
    return 1 <= number <= MAX_ID


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError

    try:
        return asyncio.run(_run(args))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2


async def _run(args: argparse.Namespace) -> int:
    from bot.services import Services
    from bot.settings import Settings

    lang = _lang()
    text = ""
    if args.action == "answer":
        text = _answer_text(args.text, lang)
        if not text:
            _ = _tr(lang)
            print(
                _(
                    "There is no answer to send. Write it after the case number, "
                    "or on standard input."
                ),
                file=sys.stderr,
            )
            return 1
    services = await Services.start(Settings())
    try:
        if args.action == "list":
            return await _list(services, lang, include_closed=args.all, event=args.event)
        if args.action == "show":
            return await _show(services, lang, args.id)
        return await _act(services, lang, args.action, args.id, staff(args.staff_name), text)
    finally:
        await services.close()


def _tr(lang: Lang) -> Callable[[str], str]:
    from bot.i18n import translator

    return translator(lang).gettext


def staff(name: str | None) -> StaffMember:
    """Who acts: ``cli:<login name>``, named ``--as NAME`` or by the login name."""
    from bot.cases import StaffMember

    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in the password file
        login = "cli"
    return StaffMember(f"cli:{login}", (name or "").strip() or login)


def _answer_text(words: list[str], lang: Lang) -> str:
    """The answer from the arguments, or from standard input when there are none (or "-")."""
    if words and words != ["-"]:
        return " ".join(words).strip()
    if sys.stdin.isatty():
        _ = _tr(lang)
        print(_("Write the answer; end with Ctrl-D on a line of its own."), file=sys.stderr)
    return sys.stdin.read().strip()


# -- the actions ---------------------------------------------------------------------------------


async def _list(services: Services, lang: Lang, *, include_closed: bool, event: str | None) -> int:
    from bot.cases import texts
    from bot.clock import now

    _ = _tr(lang)
    cases = await (services.cases.all_cases() if include_closed else services.cases.open_cases())
    if event is not None:
        cases = [case for case in cases if case.event == event]
        if not cases and services.kb.event(event) is None:
            print(_("I do not know the event {slug}.").format(slug=event), file=sys.stderr)
            return 1
    if not cases:
        print(_("There are no cases.") if include_closed else _("There are no open cases."))
        return 0
    at = now()
    rows = [
        (
            f"#{case.id}",
            texts.status_text(case, lang),
            case.event or "–",
            channel_label(case.channel, lang),
            age_text(at - case.created_at, lang),
            one_line(case.question, QUESTION_CHARS) or _("(deleted at the participant's request)"),
        )
        for case in reversed(cases)
    ]
    heading = (_("Case"), _("Status"), _("Event"), _("Channel"), _("Age"), _("Question"))
    count = _("Cases: {count}") if include_closed else _("Open cases: {count}")
    print(count.format(count=len(rows)))
    print(table([heading, *rows]))
    return 0


async def _show(services: Services, lang: Lang, number: int) -> int:
    from bot.cases import texts

    case = await services.cases.get(number) if _possible(number) else None
    if case is None:
        print(texts.problem_text("not_found", number, lang), file=sys.stderr)
        return 1
    print(case_text(case, await services.cases.conversation(case.id), services, lang))
    return 0


async def _act(
    services: Services, lang: Lang, action: str, number: int, who: StaffMember, text: str
) -> int:
    """Answer, close or teach, as the staff chat does; what staff are told."""
    from bot.cases import CaseError, texts
    from bot.clock import now

    _ = _tr(lang)
    at = now()
    try:
        if not _possible(number):
            raise CaseError("not_found", number)
        if action == "answer":
            known = await services.cases.get(number)
            if known is not None and not services.delivery.reaches(known.channel):
                # The case service would record the answer and tell nobody: refuse instead.
                channel = channel_label(known.channel, lang)
                print(unreachable_text(channel, lang), file=sys.stderr)
                return 1
            case = await services.cases.answer(number, who, text, at)
        elif action == "close":
            case = await services.cases.close(number, who, at)
        else:
            await services.teach(number, who, at)
            found = await services.cases.get(number)
            assert found is not None  # taught just now
            case = found
    except CaseError as problem:
        print(texts.problem_text(problem.reason, problem.case_id, lang), file=sys.stderr)
        return 1
    print(texts.done_text(action, case, lang))
    if action == "answer":
        print(_("The running bot sends it; if the bot is not running, it is sent when it starts."))
    return 0


def unreachable_text(channel: str, lang: Lang) -> str:
    """For an answer this process could not relay: the participant's channel is off here."""
    _ = _tr(lang)
    return _(
        "The participant is on {channel}, which is not set up where this command runs, so "
        "nothing was sent. Run the command with the bot's own settings."
    ).format(channel=channel)


# -- what staff see ------------------------------------------------------------------------------


def case_text(case: CaseInfo, entries: list[CaseEntry], services: Services, lang: Lang) -> str:
    """The case as the staff chat shows it, then the whole conversation with its times."""
    from bot.cases import texts
    from bot.i18n import fmt_datetime

    _ = _tr(lang)
    event = _("not known")
    if case.event:
        found = services.kb.event(case.event)
        event = f"{found.title} ({case.event})" if found else case.event
    lines = [
        _("Case #{id}").format(id=case.id) + " · " + texts.status_text(case, lang),
        _("From: {who}").format(who=texts.who_asked(case, lang)),
        _("Event: {event}").format(event=event),
        _("Channel: {channel}").format(channel=channel_label(case.channel, lang))
        + " · "
        + fmt_datetime(case.created_at, lang),
        "",
        _("Conversation:"),
    ]
    for entry in entries:
        lines.append(f"{local_time(entry.at)}  {author_text(case, entry, lang)}")
        said = entry_text(entry, lang)
        if said:
            lines += [f"    {line}" for line in said.splitlines()]
    if case.is_open:
        lines += [
            "",
            _('To answer: python -m bot cases answer {id} "your answer"').format(id=case.id),
        ]
    return "\n".join(lines)


def author_text(case: CaseInfo, entry: CaseEntry, lang: Lang) -> str:
    """Who said it: the participant, a staff member, or what the bot noted."""
    from bot.cases import texts

    _ = _tr(lang)
    if entry.author == "participant":
        name = entry.author_name or texts.who_asked(case, lang)
        return _("{name} (participant)").format(name=name)
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
    if not entry.text:
        return _tr(lang)("(deleted at the participant's request)")
    return entry.text


def local_time(value: datetime) -> str:
    """A time in Copenhagen, as the bot's other staff commands show it."""
    from bot.clock import TZ

    return f"{value.astimezone(TZ):%Y-%m-%d %H:%M}"


def age_text(age: timedelta, lang: Lang) -> str:
    """How long ago, short: 5 min, 3 t (h), 2 d."""
    _ = _tr(lang)
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return _("{count} min").format(count=minutes)
    if minutes < 48 * 60:
        return _("{count} h").format(count=minutes // 60)
    return _("{count} d").format(count=minutes // (24 * 60))


def one_line(text: str, limit: int) -> str:
    """The text on one line, cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell; the last one as it is."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    )
