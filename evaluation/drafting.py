"""Measure the drafting: each source drafted from text, Word and PDF, against its curated file.

    .venv/bin/python -m evaluation.drafting [--show] [--formats txt,docx,pdf]
    .venv/bin/python -m evaluation.drafting --pairs DIR   # NAME.key.yaml beside NAME.<ext>

With ``--pairs`` the keys are answer keys in the format of ``evaluation/invitations/README.md``
and every source is drafted as it is and as Word and PDF made from its text (a .md's or .html's
text as the draft reads it, without markup and with a table's cells separated by tabs);
the keys give ``date``/``dates``, ``start``, ``end``, ``venue``, ``address``, ``online``,
``deadline``, ``price``, ``sessions``, ``programme``, ``speakers``, ``contacts`` and ``access``
(the venue's access fields, reported apart; only in keys that give it); speakers are
compared by name over everyone the draft names with a part, and a contact the key gives without
a name (an office's mailbox) is compared by its e-mail and phone only.

By default the sources are the five seeds (``../shared/seeds``, curated in ``knowledge/``) and the
two development events (``../shared/eval/dev-events``). Each is drafted from its text, from a
.docx (one paragraph per line, the programme's tab-separated lines as a table) and from a PDF made
from the same text (``evaluation/documents.py``), and compared field by field with the curated
file: recall (what the curated file says that the draft found) and precision (what the draft says
that is right). For dates and times a value the draft marks unsure counts as not wrong; a wrong
date or time that is not marked is the one error that must never happen.

Fields: ``dates`` (the event's start and end, every programme item's start and end), ``venue``
(name, address, online), ``deadline``, ``programme`` (items by start and title), ``speakers``
(who takes part in which item or session), ``contacts`` (names, e-mails, phones), ``price``; and,
reported apart, ``sessions``, ``people`` and ``facts`` (how much of the curated facts' text the
draft's text holds).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from bot.clock import TZ
from bot.knowledge.drafting import Draft, draft_document, read_path
from bot.knowledge.drafting.text import plain_lines
from bot.knowledge.loader import parse_source
from bot.knowledge.schema import Background, Event
from evaluation.documents import write_docx, write_pdf

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MAIN_FIELDS = ("dates", "venue", "deadline", "programme", "speakers", "contacts", "price")
EXTRA_FIELDS = ("sessions", "people", "facts", "access")
FORMATS = ("txt", "docx", "pdf")


def default_pairs() -> list[tuple[Path, Path]]:
    """(source text, curated knowledge file) of the seeds and the development events."""
    pairs: list[tuple[Path, Path]] = []
    for path in sorted((ROOT / "knowledge").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        source = SHARED / "seeds" / str(data["source"]["file"])
        if source.exists():
            pairs.append((source, path))
    dev = SHARED / "eval" / "dev-events"
    for path in sorted((dev / "knowledge").glob("*.yaml")):
        source = dev / "sources" / f"{path.stem}.txt"
        if source.exists():
            pairs.append((source, path))
    return pairs


def key_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """``NAME.key.yaml`` with the source ``NAME.<anything else>`` beside it."""
    pairs = []
    for key in sorted(folder.glob("*.key.yaml")):
        stem = key.name.removesuffix(".key.yaml")
        for source in sorted(folder.glob(f"{stem}.*")):
            if source != key and not source.name.endswith((".yaml", ".yml")):
                pairs.append((source, key))
    return pairs


@dataclass
class Score:
    """Counts for one field: right, wrong (said and not so), missed, and wrong but marked."""

    right: int = 0
    wrong: int = 0
    missed: int = 0
    marked: int = 0
    wrong_items: list[str] = field(default_factory=list)
    missed_items: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.right += other.right
        self.wrong += other.wrong
        self.missed += other.missed
        self.marked += other.marked
        self.wrong_items += other.wrong_items
        self.missed_items += other.missed_items

    @property
    def precision(self) -> float:
        said = self.right + self.wrong
        return self.right / said if said else 1.0

    @property
    def recall(self) -> float:
        known = self.right + self.missed
        return self.right / known if known else 1.0


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").casefold().replace("–", "-")).strip(" .,")


def _similar(a: str | None, b: str | None, cut: float = 80) -> bool:
    if not a or not b:
        return False
    return fuzz.token_set_ratio(_norm(a), _norm(b)) >= cut


def _match_sets(
    found: list[tuple[Any, bool]], expected: list[Any], same: Any = None, label: str = ""
) -> Score:
    """Match each found value (value, marked unsure) to an expected one at most once."""
    score = Score()
    left = list(expected)
    for value, unsure in found:
        hit = next((e for e in left if (same(value, e) if same else value == e)), None)
        if hit is not None:
            left.remove(hit)
            score.right += 1
        elif unsure:
            score.marked += 1
        else:
            score.wrong += 1
            score.wrong_items.append(f"{label}{value}")
    score.missed = len(left)
    score.missed_items = [f"{label}{e}" for e in left]
    return score


def _access_score(draft: Draft, expected: dict[str, Any] | None) -> Score:
    """The venue's access fields (issue 16) against what the source states: a field counts by
    its name, and a value in the source's words is right where the source says yes or no in
    them; only yes against no (or no against yes) is wrong. None: the key says nothing of it."""
    if expected is None:
        return Score()
    venue_access = draft.venue.access if draft.venue is not None else {}
    return _match_sets(
        [((k, f.value), f.unsure is not None) for k, f in venue_access.items()],
        list(expected.items()),
        lambda a, b: (
            a[0] == b[0]
            and not (isinstance(a[1], bool) and isinstance(b[1], bool) and a[1] != b[1])
        ),
        "access ",
    )


def _venue_found(draft: Draft) -> list[tuple[Any, bool]]:
    """The venue the draft found, as (field, value) with whether it is marked unsure."""
    found: list[tuple[Any, bool]] = []
    if draft.venue:
        if draft.venue.name:
            found.append((("name", draft.venue.name.value), draft.venue.name.unsure is not None))
        if draft.venue.address:
            found.append((("address", draft.venue.address.value), False))
        if draft.venue.online:
            found.append((("online", True), False))
    return found


def compare(draft: Draft, curated: Event | Background) -> dict[str, Score]:
    """Field by field: the draft against the curated file."""
    scores: dict[str, Score] = {}
    event = curated if isinstance(curated, Event) else None
    # dates and times
    found: list[tuple[Any, bool]] = []
    for key, value in (("start", draft.start), ("end", draft.end)):
        if value is not None:
            found.append(((key, value.value.astimezone(TZ)), value.unsure is not None))
    for item in draft.programme:
        unsure = item.start.unsure is not None
        found.append((("item", item.start.value), unsure))
        if item.end:
            found.append((("item-end", item.end.value), unsure))
    expected: list[Any] = []
    if event is not None:
        expected += [("start", event.start.astimezone(TZ)), ("end", event.end.astimezone(TZ))]
        for p in event.programme:
            expected.append(("item", p.start))
            if p.end:
                expected.append(("item-end", p.end))
    scores["dates"] = _match_sets(found, expected)
    # deadline
    deadline = draft.registration.deadline
    expected_deadline = event.registration.deadline if event and event.registration else None
    scores["deadline"] = _match_sets(
        [(deadline.value, deadline.unsure is not None)] if deadline else [],
        [expected_deadline] if expected_deadline else [],
        lambda a, b: _same_moment(a, b),
    )
    # venue
    found_venue = _venue_found(draft)
    expected_venue: list[Any] = []
    if event and event.venue:
        if event.venue.name:
            expected_venue.append(("name", event.venue.name))
        if event.venue.address:
            expected_venue.append(("address", event.venue.address))
        if event.venue.online:
            expected_venue.append(("online", True))
    scores["venue"] = _match_sets(
        found_venue,
        expected_venue,
        lambda a, b: a[0] == b[0] and (a[1] == b[1] or _similar(str(a[1]), str(b[1]), 85)),
    )
    # programme items by start and title
    scores["programme"] = _match_sets(
        [((i.start.value, i.title.value), False) for i in draft.programme],
        [(p.start, p.title) for p in event.programme] if event else [],
        lambda a, b: a[0] == b[0] and _similar(a[1], b[1], 70),
        "item ",
    )
    # speakers, in items and in sessions
    found_speakers: list[tuple[Any, bool]] = [
        ((i.start.value, s.name), False) for i in draft.programme for s in i.speakers
    ]
    found_speakers += [
        ((s.key, sp.name), False) for s in draft.registration.sessions for sp in s.speakers
    ]
    expected_speakers: list[Any] = []
    if event:
        expected_speakers += [(p.start, s.name) for p in event.programme for s in p.speakers]
        expected_speakers += [(s.key, sp.name) for s in event.sessions for sp in s.speakers]
    scores["speakers"] = _match_sets(
        list(dict.fromkeys(found_speakers)),
        list(dict.fromkeys(expected_speakers)),
        lambda a, b: a[0] == b[0] and _similar(a[1], b[1], 90),
    )
    # contacts: names, e-mails, phones
    found_contacts: list[tuple[Any, bool]] = []
    for c in draft.contacts:
        found_contacts.append((("name", c.name.value), False))
        found_contacts += [(("email", e.value.casefold()), False) for e in c.emails]
        if c.phone:
            found_contacts.append((("phone", re.sub(r"\D", "", c.phone.value)), False))
    expected_contacts: list[Any] = []
    for contact in event.contacts if event else []:
        expected_contacts.append(("name", contact.name))
        expected_contacts += [("email", str(e).casefold()) for e in contact.emails]
        if contact.phone:
            expected_contacts.append(("phone", re.sub(r"\D", "", contact.phone)))
    scores["contacts"] = _match_sets(
        found_contacts,
        expected_contacts,
        lambda a, b: (
            a[0] == b[0] and (a[1] == b[1] or (a[0] == "name" and _similar(a[1], b[1], 85)))
        ),
    )
    # price
    price = draft.registration.price
    expected_price = event.registration.price if event and event.registration else None
    scores["price"] = _match_sets(
        [((price.free, price.amount_dkk), price.unsure is not None)] if price else [],
        [(expected_price.free, expected_price.amount_dkk)] if expected_price else [],
    )
    # reported apart: sessions, people, facts
    scores["sessions"] = _match_sets(
        [((s.key, s.title.value), False) for s in draft.registration.sessions],
        [(s.key, s.title) for s in event.sessions] if event else [],
        lambda a, b: a[0] == b[0] and _similar(a[1], b[1], 70),
    )
    scores["people"] = _match_sets(
        [(p.name, False) for p in draft.people],
        [p.name for p in event.people] if event else [],
        lambda a, b: _similar(a, b, 90),
    )
    text = " ".join(
        [f.text for f in draft.facts]
        + [i.description.value for i in draft.programme if i.description]
        + [s.description.value for s in draft.registration.sessions if s.description]
    )
    facts = Score()
    for fact in curated.facts:
        if (
            fuzz.partial_token_set_ratio(_norm(fact.text), _norm(text)) >= 80
            and _coverage(fact.text, text) >= 0.6
        ):
            facts.right += 1
        else:
            facts.missed += 1
            facts.missed_items.append(fact.topic)
    scores["facts"] = facts
    return scores


def _coverage(fact: str, text: str) -> float:
    words = [w for w in re.findall(r"\w{4,}", _norm(fact))]
    have = set(re.findall(r"\w{4,}", _norm(text)))
    return sum(w in have for w in words) / len(words) if words else 1.0


def _same_moment(a: date | datetime, b: date | datetime) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.astimezone(TZ) == b.astimezone(TZ)
    if isinstance(a, datetime) or isinstance(b, datetime):
        return False
    return a == b


def _clock(value: Any) -> time | None:
    if value is None:
        return None
    if isinstance(value, int):  # YAML 1.1 reads 10:30 as 630
        return time(*divmod(value, 60))
    hours, minutes = str(value).replace(".", ":").split(":")[:2]
    return time(int(hours), int(minutes))


def compare_key(draft: Draft, key: dict[str, Any]) -> dict[str, Score]:
    """Field by field: the draft against an answer key (``evaluation/invitations/README.md``)."""
    scores: dict[str, Score] = {}
    days = key.get("dates") or ([key["date"]] if key.get("date") else [])
    days = [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in days]
    expected: list[Any] = []
    start, end = _clock(key.get("start")), _clock(key.get("end"))
    if days and start:
        expected.append(("start", datetime.combine(days[0], start, TZ)))
    if days and end:
        expected.append(("end", datetime.combine(days[-1], end, TZ)))
    for item in key.get("programme") or []:
        expected.append(("item", _clock(item.get("start"))))
        if item.get("end"):
            expected.append(("item-end", _clock(item.get("end"))))
    found: list[tuple[Any, bool]] = []
    for name, value in (("start", draft.start), ("end", draft.end)):
        if value is not None:
            found.append(
                ((name, value.value.astimezone(TZ).replace(tzinfo=TZ)), value.unsure is not None)
            )
    for i in draft.programme:
        found.append((("item", i.start.value), i.start.unsure is not None))
        if i.end:
            found.append((("item-end", i.end.value), i.start.unsure is not None))
    scores["dates"] = _match_sets(
        found,
        expected,
        lambda a, b: (
            a[0] == b[0]
            and (
                a[1] == b[1]
                or (
                    isinstance(a[1], datetime)
                    and a[1].replace(tzinfo=None) == b[1].replace(tzinfo=None)
                )
            )
        ),
    )
    deadline = draft.registration.deadline
    expected_deadline = key.get("deadline")
    if expected_deadline is not None and not isinstance(expected_deadline, date):
        expected_deadline = date.fromisoformat(str(expected_deadline))
    found_deadline = deadline.value if deadline else None
    if isinstance(found_deadline, datetime):
        found_deadline = found_deadline.date()
    scores["deadline"] = _match_sets(
        [(found_deadline, deadline.unsure is not None)] if deadline else [],
        [expected_deadline] if expected_deadline else [],
    )
    venue_found = _venue_found(draft)
    venue_expected: list[Any] = []
    if key.get("venue"):
        venue_expected.append(("name", key["venue"]))
    if key.get("address"):
        venue_expected.append(("address", key["address"]))
    if key.get("online"):
        venue_expected.append(("online", True))
    scores["venue"] = _match_sets(
        venue_found,
        venue_expected,
        lambda a, b: a[0] == b[0] and (a[1] == b[1] or _similar(str(a[1]), str(b[1]), 85)),
    )
    scores["programme"] = _match_sets(
        [((i.start.value, i.title.value), False) for i in draft.programme],
        [(_clock(p.get("start")), str(p.get("title"))) for p in key.get("programme") or []],
        lambda a, b: a[0] == b[0] and _similar(a[1], b[1], 70),
        "item ",
    )
    names = [p.name for p in draft.people]
    scores["speakers"] = _match_sets(
        [(n, False) for n in dict.fromkeys(names)],
        [str(s.get("name")) for s in key.get("speakers") or []],
        lambda a, b: _similar(a, b, 90),
    )
    # A contact the key gives without a name (an office, a mailbox): the draft must name it
    # (a knowledge file's contact has a name), so what it calls it counts neither way.
    nameless = {
        detail
        for c in key.get("contacts") or []
        if not c.get("name")
        for detail in (
            str(c.get("email") or "").casefold(),
            re.sub(r"\D", "", str(c.get("phone") or "")),
        )
        if detail
    }
    found_contacts: list[tuple[Any, bool]] = []
    for c in draft.contacts:
        details = {e.value.casefold() for e in c.emails}
        details |= {re.sub(r"\D", "", c.phone.value)} if c.phone else set()
        if not details & nameless:
            found_contacts.append((("name", c.name.value), False))
        found_contacts += [(("email", e.value.casefold()), False) for e in c.emails]
        if c.phone:
            found_contacts.append((("phone", re.sub(r"\D", "", c.phone.value)), False))
    expected_contacts: list[Any] = []
    for c in key.get("contacts") or []:
        if c.get("name"):
            expected_contacts.append(("name", str(c["name"])))
        if c.get("email"):
            expected_contacts.append(("email", str(c["email"]).casefold()))
        if c.get("phone"):
            expected_contacts.append(("phone", re.sub(r"\D", "", str(c["phone"]))))
    scores["contacts"] = _match_sets(
        found_contacts,
        expected_contacts,
        lambda a, b: (
            a[0] == b[0] and (a[1] == b[1] or (a[0] == "name" and _similar(a[1], b[1], 85)))
        ),
    )
    price = draft.registration.price
    expected_price = key.get("price")
    # The key gives the price as text: an amount counts where the text has it ("1.200 kr.",
    # "DKK 1,200"), and a price with neither free nor an amount ("gratis, men udeblivelse
    # faktureres med 500 kr.") by its note, which must say what the key says.
    scores["price"] = _match_sets(
        [(price, price.unsure is not None)] if price else [],
        [str(expected_price)] if expected_price is not None else [],
        lambda a, b: (
            (a.free and b.casefold() == "free")
            or (
                a.amount_dkk is not None
                and f"{a.amount_dkk:.0f}" in re.sub(r"(?<=\d)[.,](?=\d{3})|\s", "", b)
            )
            or (
                not a.free
                and a.amount_dkk is None
                and b.casefold() != "free"
                and _similar(a.note, b, 80)
                and set(re.findall(r"\d+", b)) <= set(re.findall(r"\d+", a.note or ""))
            )
        ),
    )
    # A key of null: the source prints none, and a knowledge file's session must have one, so
    # whatever key the draft gives counts neither way; the title decides.
    scores["sessions"] = _match_sets(
        [((s.key, s.title.value), False) for s in draft.registration.sessions],
        [
            (None if s.get("key") is None else str(s.get("key")), str(s.get("title")))
            for s in key.get("sessions") or []
        ],
        lambda a, b: (b[0] is None or a[0] == b[0]) and _similar(a[1], b[1], 70),
    )
    scores["people"] = Score()
    scores["facts"] = Score()
    scores["access"] = _access_score(draft, key.get("access"))
    return scores


def curated_source(path: Path) -> Event | Background:
    source, problems = parse_source(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    if source is None:
        raise SystemExit(f"{path}: {problems}")
    return source


def source_file(text_path: Path, fmt: str, folder: Path) -> Path:
    """The source as a file of the given format: for txt the source itself (also a .md or
    .html); for Word and PDF a file made from its text (of a .md or .html, the text as read,
    without markup, a table's rows as tab-separated cells)."""
    if fmt == "txt":
        return text_path
    if text_path.suffix == ".txt":
        text = text_path.read_text(encoding="utf-8")
    else:
        text = "\n".join(plain_lines(read_path(text_path).lines))
    target = folder / f"{text_path.stem}.{fmt}"
    if fmt == "docx":
        return write_docx(text, target, tables=True)
    return write_pdf(text, target)


def measure(
    pairs: list[tuple[Path, Path]], formats: tuple[str, ...] = FORMATS
) -> dict[str, dict[str, dict[str, Score]]]:
    """{format: {source name: {field: score}}}."""
    results: dict[str, dict[str, dict[str, Score]]] = {f: {} for f in formats}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for text_path, curated_path in pairs:
            is_key = curated_path.name.endswith(".key.yaml")
            key = yaml.safe_load(curated_path.read_text(encoding="utf-8")) if is_key else None
            curated = None if is_key else curated_source(curated_path)
            for fmt in formats:
                document = read_path(source_file(text_path, fmt, folder))
                draft = draft_document(document)
                if key is not None:
                    results[fmt][text_path.name] = compare_key(draft, key)
                elif curated is not None:
                    results[fmt][text_path.name] = compare(draft, curated)
    return results


def totals(per_source: dict[str, dict[str, Score]]) -> dict[str, Score]:
    total: dict[str, Score] = {}
    for scores in per_source.values():
        for name, score in scores.items():
            total.setdefault(name, Score()).add(score)
    return total


def overall(total: dict[str, Score]) -> Score:
    score = Score()
    for name in MAIN_FIELDS:
        score.add(total.get(name, Score()))
    return score


def report(results: dict[str, dict[str, dict[str, Score]]], show: bool) -> str:
    lines: list[str] = []
    for fmt, per_source in results.items():
        if not per_source:
            continue
        total = totals(per_source)
        lines.append(f"== {fmt} ({len(per_source)} sources)")
        lines.append(f"{'field':10} {'recall':>7} {'precision':>9}   right wrong missed marked")
        for name in (*MAIN_FIELDS, *EXTRA_FIELDS):
            s = total.get(name, Score())
            extra = " (reported apart)" if name in EXTRA_FIELDS else ""
            lines.append(
                f"{name:10} {s.recall:7.1%} {s.precision:9.1%}   {s.right:5} {s.wrong:5} "
                f"{s.missed:6} {s.marked:6}{extra}"
            )
        all_fields = overall(total)
        lines.append(
            f"{'all':10} {all_fields.recall:7.1%} {all_fields.precision:9.1%}   "
            f"{all_fields.right:5} {all_fields.wrong:5} {all_fields.missed:6} {all_fields.marked:6}"
        )
        if show:
            for source, scores in per_source.items():
                for name, s in scores.items():
                    for item in s.wrong_items:
                        lines.append(f"   wrong  {source} {name}: {item}")
                    for item in s.missed_items:
                        lines.append(f"   missed {source} {name}: {item}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pairs", type=Path, help="a folder of NAME.key.yaml and NAME.<ext>")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--show", action="store_true", help="list what was wrong and missed")
    args = parser.parse_args(argv)
    pairs = key_pairs(args.pairs) if args.pairs else default_pairs()
    if not pairs:
        print("no sources found", file=sys.stderr)
        return 2
    formats = tuple(f for f in args.formats.split(",") if f in FORMATS)
    print(report(measure(pairs, formats), args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
