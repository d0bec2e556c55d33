"""The command line: ``python -m bot COMMAND``. Each command lives in ``bot/commands/``.

A command module has a one-line docstring (its help text), ``configure(parser)`` to declare its
arguments and ``run(args) -> int``. Heavy imports stay inside ``run`` so that ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

# name -> module; the order is the order of `python -m bot --help`.
COMMANDS: dict[str, str] = {
    "run": "bot.commands.run",
    "ask": "bot.commands.ask",
    "knowledge": "bot.commands.knowledge",
    "registrations": "bot.commands.registrations",
    "i18n": "bot.commands.i18n",
    "qr": "bot.commands.qr",
    "mail": "bot.commands.mail",
    "invite": "bot.commands.invite",
    "changes": "bot.commands.changes",
    "cases": "bot.commands.cases",
    "staff": "bot.commands.staff",
    "evaluation": "bot.commands.evaluation",
}


def _load(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:  # a command not built yet is simply not offered
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Deltagerbot: answers participants' questions and handles signups.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        module = _load(module_name)
        if module is None:
            continue
        doc = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
        command = sub.add_parser(name, help=doc, description=module.__doc__)
        module.configure(command)
        command.set_defaults(handler=module.run)
    return parser


def _keep_trained_models() -> None:
    """Every command answers, so every command loads the trained models: from the cache folder
    when an earlier run kept them there (seconds saved at each start)."""
    from bot.settings import Settings
    from bot.understanding.trained import keep_in

    keep_in(Settings().cache_dir)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command; returns the exit status.

    A setting that cannot be read (``BOT_WEB_PORT=abc``) is told in one sentence per setting,
    in Danish (the language setting itself may be what is wrong), with exit status 2.
    """
    from pydantic import ValidationError

    args = build_parser().parse_args(argv)
    try:
        _keep_trained_models()
        result: int = args.handler(args)
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        from bot.settings import settings_problems

        for line in settings_problems(exc):
            print(line, file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
