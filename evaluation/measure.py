"""Measure the answering core on a question set, in-process: right, wrong, missed, per kind.

    .venv/bin/python -m evaluation.measure SET.yaml [SET.yaml ...] [--knowledge DIR ...]
        [--show wrong|missed|right|all|none]

A set has the format of ``shared/eval/dev-voices.yaml`` (``cases`` with ``q``, ``event``, ``must``,
``must_not``, ``escalate``, ``intent``, ``expect_event``, ``now``, ``lang``, ``kind``). The rules
are the scorer's: every ``must`` group matched (casefolded, whitespace collapsed, "hh:mm" read as
"hh.mm"), no ``must_not``, the right intent and event. Beyond the scorer it separates the two
ways of failing, because they are not alike: a *wrong* answer (the bot answered, and the answer
is not right, or it should have handed over) against a *missed* one (it handed over a question
it should have answered), and prints the confusion between answering and handing over.

``--knowledge`` names folders whose files are loaded together (default: ``knowledge/``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answering import Answerer
from bot.clock import parse_aware
from bot.i18n import normalise_lang
from bot.knowledge import KnowledgeBase, load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def norm(text: str | None) -> str:
    text = (text or "").casefold()
    text = re.sub(r"(\d{1,2}):(\d{2})", r"\1.\2", text)
    return re.sub(r"\s+", " ", text)


def judge(case: dict[str, Any], out: dict[str, Any]) -> tuple[str, list[str]]:
    """'right', 'wrong' or 'missed', and what was wrong."""
    answer = str(out["answer"])
    problems = [s for s in case.get("must_not", []) if norm(s) in norm(answer)]
    problems = [f"says {p!r}" for p in problems]
    if case.get("escalate"):
        if not out["escalate"]:
            return "wrong", ["answered a question the knowledge does not answer", *problems]
        return ("wrong" if problems else "right"), problems
    if out["escalate"]:
        problems.append("handed over (all or part of) what it should answer")
    missing = [g for g in case.get("must", []) if not any(norm(a) in norm(answer) for a in g)]
    if missing:
        problems.append(f"lacks {missing}")
    if case.get("intent") and out["intent"] != case["intent"]:
        problems.append(f"intent {out['intent']!r}, expected {case['intent']!r}")
    if case.get("expect_event") and out["event"] != case["expect_event"]:
        problems.append(f"event {out['event']!r}, expected {case['expect_event']!r}")
    if not problems:
        return "right", []
    return ("missed" if out["escalate"] else "wrong"), problems


@dataclass
class Report:
    """What one set gave: counts, per kind, the answer/hand-over confusion, and the failures."""

    path: Path
    totals: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return sum(self.totals.values())

    @property
    def right_share(self) -> float:
        return self.totals["right"] / self.n if self.n else 0.0

    def summary(self) -> str:
        lines = [
            f"{self.path}: {self.totals['right']}/{self.n} right ({100 * self.right_share:.1f}%), "
            f"{self.totals['wrong']} wrong, {self.totals['missed']} missed",
            "  expected \\ given   answer  hand over",
        ]
        for expected in ("answer", "hand over"):
            lines.append(
                f"  {expected:17} {self.confusion[(expected, 'answer')]:6}  "
                f"{self.confusion[(expected, 'hand over')]:9}"
            )
        lines.append(
            "  by kind (right/all, wrong): "
            + ", ".join(
                f"{k} {c['right']}/{sum(c.values())}" + (f" w{c['wrong']}" if c["wrong"] else "")
                for k, c in sorted(self.kinds.items())
            )
        )
        return "\n".join(lines)


def measure(path: Path, answerer: Answerer, show: frozenset[str] = frozenset()) -> Report:
    """Ask every case of one set and judge the answers."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    now_by_event = spec.get("now_by_event", {})
    report = Report(path)
    for case in spec["cases"]:
        now = case.get("now") or now_by_event.get(case.get("event"), "2024-04-01T10:00:00+02:00")
        lang = normalise_lang(case.get("lang"))
        result = answerer.answer(
            str(case["q"]), case.get("event"), lang, parse_aware(str(now))
        ).as_dict()
        verdict, problems = judge(case, result)
        report.totals[verdict] += 1
        report.kinds[str(case.get("kind", "-"))][verdict] += 1
        expected = "hand over" if case.get("escalate") else "answer"
        report.confusion[(expected, "hand over" if result["escalate"] else "answer")] += 1
        if verdict != "right":
            report.failures.append(
                f"{verdict.upper()} {case['id']} {case['q']!r}: {'; '.join(problems)} "
                f"-> {str(result['answer'])[:160]!r}"
            )
        if verdict in show or "all" in show:
            print(f"{verdict.upper():6} {case['id']} [{case.get('event') or '-'}] {case['q']!r}")
            if problems:
                print(f"       {'; '.join(problems)}")
            print(f"       -> {str(result['answer'])[:240]!r}")
    return report


def load_folders(folders: list[Path]) -> KnowledgeBase:
    """The knowledge files of several folders, loaded as one knowledge base."""
    with tempfile.TemporaryDirectory() as folder:
        for source in folders:
            for file in source.glob("*.yaml"):
                shutil.copy(file, folder)
        return load_knowledge(Path(folder))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--knowledge", nargs="*", type=Path, default=[ROOT / "knowledge"])
    parser.add_argument("--show", default="wrong", help="wrong,missed,right, all or none")
    args = parser.parse_args()
    answerer = Answerer(load_folders(args.knowledge))
    show = frozenset(args.show.split(","))
    grand: Counter[str] = Counter()
    for path in args.sets:
        report = measure(path, answerer, show)
        print("\n" + report.summary())
        grand += report.totals
    n = sum(grand.values())
    print(f"\nall: {grand['right']}/{n} right, {grand['wrong']} wrong, {grand['missed']} missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
