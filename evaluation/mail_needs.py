"""Measure what the mailbox reads from replies: needs, companions, colleagues, organisation.

    .venv/bin/python -m evaluation.mail_needs [--set evaluation/mail-needs] [--show]

Runs the set's messages in order through ``mail preview`` (in-process: an empty mailbox, a fresh
database, the set's ``now``), then compares each case with its answer key (``cases.yaml``, see the
set's README): ``action``, ``result``, ``event``, ``name``, ``organisation`` (either contains the
other, case aside), ``needs`` (as a set), ``companions`` (seats), ``companion_names``, ``others``
(name and address) and ``kept`` (each phrase in the text kept as the reply, spaces normalised).
A field is counted only in the cases whose key gives it. Prints the accuracy per field and every
case that fails, with what was expected and what came.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.channels.mail.reading import read_message
from bot.commands.mail import _preview

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT / "evaluation" / "mail-needs"
FIELDS = (
    "action",
    "result",
    "event",
    "escalate",
    "name",
    "organisation",
    "needs",
    "companions",
    "companion_names",
    "others",
    "kept",
)


def _fold(text: object) -> str:
    return " ".join(str(text or "").casefold().split())


def _same(field: str, want: Any, got: dict[str, Any], reply_text: str) -> tuple[bool, Any]:
    """Whether the outcome has the expected value of one field, and the value it has."""
    if field == "kept":
        return all(_fold(p) in _fold(reply_text) for p in want), None
    value = got.get(field)
    if field == "organisation":
        a, b = _fold(want), _fold(value)
        return bool(b) and (a in b or b in a), value
    if field == "needs":
        return set(want or []) == set(value or []), sorted(value or [])
    if field == "companion_names":
        return {_fold(n) for n in want or []} == {_fold(n) for n in value or []}, value
    if field == "others":
        expect = {(_fold(o["name"]), _fold(o["email"])) for o in want or []}
        came = {(_fold(o["name"]), _fold(o["email"])) for o in value or []}
        return expect == came, value
    if field == "companions":
        return int(want or 0) == int(value or 0), value
    if field == "name":
        return _fold(want) == _fold(value), value
    return want == value, value


def measure(folder: Path, show: bool) -> int:
    spec = yaml.safe_load((folder / "cases.yaml").read_text(encoding="utf-8"))
    right = dict.fromkeys(FIELDS, 0)
    counted = dict.fromkeys(FIELDS, 0)
    failures: list[str] = []
    for run in spec["runs"]:
        cases = run["cases"]
        files = [folder / case["file"] for case in cases]
        outcomes = asyncio.run(_preview(files, str(run["now"])))
        for case, path, got in zip(cases, files, outcomes, strict=True):
            reply_text = read_message(path.read_bytes()).reply
            for field in FIELDS:
                if field not in case:
                    continue
                counted[field] += 1
                ok, value = _same(field, case[field], got, reply_text)
                if ok:
                    right[field] += 1
                else:
                    failures.append(
                        f"{case['file']}: {field} expected {case[field]!r}, got {value!r}"
                    )
            if show:
                print(f"{case['file']}: {got['action']} -> {got['result']} {got.get('needs')}")
    print("field            right / cases")
    for field in FIELDS:
        if counted[field]:
            share = right[field] / counted[field]
            print(f"{field:<16} {right[field]:>5} / {counted[field]:<5} {share:6.1%}")
    whole = sum(right.values()), sum(counted.values())
    print(f"{'all fields':<16} {whole[0]:>5} / {whole[1]:<5} {whole[0] / max(whole[1], 1):6.1%}")
    if failures:
        print("\nWhat fails:")
        for line in failures:
            print("  " + line)
    return 0 if not failures else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="folder with cases.yaml")
    parser.add_argument("--show", action="store_true", help="print every outcome")
    args = parser.parse_args(argv)
    return measure(args.set, args.show)


if __name__ == "__main__":
    sys.exit(main())
