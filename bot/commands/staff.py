"""Staff accounts of the desk (/desk on the web server): add, list, remove, set a password.

``add NAME EMAIL [--admin]`` makes an account; the password is asked for on the terminal (twice,
not shown), read from standard input with ``--password-stdin`` (its first line), or left out
with ``--no-password`` (or an empty answer): then the staff member signs in by a one-time link
sent to the address. ``list`` shows every account; ``remove EMAIL`` deletes one and ends its
sessions; ``password EMAIL`` sets a new password (or none), unlocks the account and ends its
sessions. The desk signs the person in as the staff member ``email:<address>``, the same one
the staff mailbox knows, so their cases are theirs in every place. Texts are in the
``default_language`` setting's language; every change goes into the desk's audit trail with
the login name of who ran the command.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.i18n import Lang
    from bot.services import Services
    from bot.staff import Account, AccountError


class _NoPassword(Exception):
    """No password could be had (the terminal's two answers differ, or there is no terminal)."""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="make an account for a staff member")
    add.add_argument("name", help="the staff member's name, as participants and colleagues see it")
    add.add_argument("email", help="the staff member's e-mail address")
    add.add_argument("--admin", action="store_true", help="may administer the desk")
    sub.add_parser("list", help="every account")
    remove = sub.add_parser("remove", help="delete an account and end its sessions")
    remove.add_argument("email", help="the account's e-mail address")
    password = sub.add_parser("password", help="set a new password (or none) and unlock")
    password.add_argument("email", help="the account's e-mail address")
    for action in (add, password):
        how = action.add_mutually_exclusive_group()
        how.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        how.add_argument(
            "--no-password",
            action="store_true",
            help="no password: sign in by a one-time link sent by e-mail",
        )


def _lang() -> Lang:
    from bot.commands.cases import _lang as command_lang

    return command_lang()


def _tr(lang: Lang) -> Callable[[str], str]:
    from bot.i18n import translator

    return translator(lang).gettext


def _login() -> str:
    """Who ran the command, for the audit trail: ``cli:<login name>``."""
    from bot.commands.cases import staff

    return staff(None).id


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError

    lang = _lang()
    password: str | None = None
    if args.action in ("add", "password"):
        try:
            password = _password(args, lang)
        except _NoPassword as problem:
            print(str(problem), file=sys.stderr)
            return 1
    try:
        return asyncio.run(_run(args, lang, password))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2


def _password(args: argparse.Namespace, lang: Lang) -> str | None:
    """The password to set: from standard input, the terminal, or none."""
    _ = _tr(lang)
    if args.no_password:
        return None
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        return line or None
    if not sys.stdin.isatty():
        raise _NoPassword(
            _(
                "There is no terminal to ask for the password on. Use --password-stdin, "
                "or --no-password for sign-in by e-mail link only."
            )
        )
    first = getpass.getpass(_("Password (empty: sign in by e-mail link only): "))
    if not first:
        return None
    if getpass.getpass(_("The same password again: ")) != first:
        raise _NoPassword(_("The two passwords differ; nothing was changed."))
    return first


async def _run(args: argparse.Namespace, lang: Lang, password: str | None) -> int:
    from bot.services import Services
    from bot.settings import Settings
    from bot.staff import AccountError, StaffAccounts

    services = await Services.start(Settings())
    accounts = StaffAccounts(services.db)
    _ = _tr(lang)
    try:
        if args.action == "list":
            return _list(services, await accounts.all(), lang)
        if args.action == "add":
            account = await accounts.add(
                args.name, args.email, admin=args.admin, password=password, by=_login()
            )
            print(
                _("Account made for {name} <{email}>.").format(
                    name=account.name, email=account.email
                )
            )
            print(_how_text(account, lang))
            if not services.staff.email_is_staff(account.email):
                print(
                    _(
                        "The address is not among the staff who answer cases by e-mail "
                        "(BOT_STAFF_EMAILS); add it there too if they should."
                    )
                )
        elif args.action == "remove":
            account = await accounts.remove(args.email, by=_login())
            print(
                _("Account removed: {name} <{email}>. Their sessions are ended.").format(
                    name=account.name, email=account.email
                )
            )
        else:
            account = await accounts.set_password(args.email, password, by=_login())
            print(
                _("Password changed for {name} <{email}>; the account is unlocked.").format(
                    name=account.name, email=account.email
                )
            )
            print(_how_text(account, lang))
    except AccountError as problem:
        print(problem_text(problem, lang), file=sys.stderr)
        return 1
    finally:
        await services.close()
    return 0


def _how_text(account: Account, lang: Lang) -> str:
    _ = _tr(lang)
    if account.has_password:
        return _("They sign in at /desk with the address and the password.")
    return _("They sign in at /desk with a one-time link sent to the address.")


def problem_text(problem: AccountError, lang: Lang) -> str:
    """What went wrong, for the person at the terminal."""
    from bot.staff.passwords import MAX_CHARS, MIN_CHARS

    _ = _tr(lang)
    if problem.reason == "exists":
        return _("There is already an account for {email}.").format(email=problem.email)
    if problem.reason == "not_found":
        return _("There is no account for {email}.").format(email=problem.email)
    if problem.reason == "email":
        return _("{email} is not an e-mail address.").format(email=problem.email)
    if problem.reason == "short":
        return _("The password is too short: it needs at least {count} characters.").format(
            count=MIN_CHARS
        )
    return _("The password is too long: at most {count} characters.").format(count=MAX_CHARS)


def _list(services: Services, accounts: list[Account], lang: Lang) -> int:
    from bot.clock import now
    from bot.commands.cases import local_time, table

    _ = _tr(lang)
    if not accounts:
        print(_("There are no staff accounts. Make one with: python -m bot staff add NAME EMAIL"))
        return 0
    at = now()
    yes, no = _("yes"), _("no")
    rows = [
        (
            account.name,
            account.email,
            yes if account.is_admin else no,
            _("password") if account.has_password else _("link only"),
            yes if services.staff.email_is_staff(account.email) else no,
            _("until {time}").format(time=local_time(account.locked_until))
            if account.locked_until is not None and account.locked(at)
            else no,
            local_time(account.last_signin_at) if account.last_signin_at else "–",
        )
        for account in accounts
    ]
    heading = (
        _("Name"),
        _("E-mail"),
        _("Admin"),
        _("Sign-in"),
        _("Answers cases by e-mail"),
        _("Locked"),
        _("Last sign-in"),
    )
    print(_("Staff accounts: {count}").format(count=len(rows)))
    print(table([heading, *rows]))
    return 0
