"""Check the gettext catalogues: every message in the code translated in Danish and English.

``python -m bot i18n check`` lists messages missing from ``locales/*/LC_MESSAGES/deltagerbot.po``;
``python -m bot i18n pot`` writes the template ``locales/deltagerbot.pot`` for translators.
Messages are found with babel's extractor, as ``_("...")``, ``N_("...")`` (marked where defined,
translated where shown) and ``gettext(lang, "...")`` calls.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, catalogue_path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (2, 3)}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check", "pot"])


def code_messages() -> dict[str, list[str]]:
    """Every translatable message in the package, with where it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR), keywords=KEYWORDS, comment_tags=()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"bot/{filename}:{lineno}")
    return found


def missing(lang: str) -> list[str]:
    """Messages in the code that the language's catalogue lacks or leaves untranslated."""
    with catalogue_path(lang).open("rb") as fh:  # type: ignore[arg-type]
        catalog = read_po(fh)
    absent = []
    for msgid in code_messages():
        entry = catalog.get(msgid)
        if entry is None or not entry.string:
            absent.append(msgid)
    return absent


def unused(lang: str) -> list[str]:
    """Messages in the language's catalogue that the code no longer says (left-overs)."""
    with catalogue_path(lang).open("rb") as fh:  # type: ignore[arg-type]
        catalog = read_po(fh)
    used = code_messages()
    return [str(entry.id) for entry in catalog if entry.id and entry.id not in used]


def run(args: argparse.Namespace) -> int:
    if args.action == "pot":
        template = Catalog(domain=DOMAIN, project="deltagerbot")
        for msgid, places in code_messages().items():
            template.add(msgid, locations=[(p.split(":")[0], int(p.split(":")[1])) for p in places])
        with (LOCALES_DIR / f"{DOMAIN}.pot").open("wb") as fh:
            write_po(fh, template, width=100)
        return 0
    status = 0
    for lang in LANGUAGES:
        for msgid in missing(lang):
            print(f"{lang}: missing {msgid!r}")
            status = 1
        for msgid in unused(lang):
            print(f"{lang}: not used by the code any more {msgid!r}")
            status = 1
    return status
