"""What participants were told about an event, and how a new version of it differs.

A snapshot holds only what a participant acts on: when (start, end), where (venue, address,
online link) and the programme (time and title of each item). Descriptions, speakers' titles or
the wording of facts may change without anyone being told. ``describe`` turns two snapshots into
short sentences naming exactly what changed, in the reader's language.
"""

from __future__ import annotations

from typing import Any

from bot.clock import parse_aware
from bot.i18n import Lang, fmt_date, fmt_time, translator
from bot.knowledge.schema import Event

Snapshot = dict[str, Any]


def snapshot_of(event: Event) -> Snapshot:
    """The facts of ``event`` that participants act on, as JSON-ready values."""
    venue = event.venue
    return {
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "venue": None
        if venue is None
        else {
            "name": venue.name,
            "address": venue.address,
            "online": venue.online,
            "online_details": venue.online_details,
        },
        "programme": sorted(
            (
                {
                    "start": item.start.strftime("%H:%M"),
                    "end": item.end.strftime("%H:%M") if item.end else None,
                    "title": item.title,
                }
                for item in event.programme
            ),
            key=lambda i: (i["start"], i["title"]),
        ),
    }


def _when(snapshot: Snapshot, lang: Lang) -> str:
    start, end = parse_aware(snapshot["start"]), parse_aware(snapshot["end"])
    _ = translator(lang).gettext
    return _("{date}, {start}–{end}").format(
        date=fmt_date(start, lang), start=fmt_time(start, lang), end=fmt_time(end, lang)
    )


def _where(snapshot: Snapshot, lang: Lang) -> str:
    venue = snapshot.get("venue")
    _ = translator(lang).gettext
    if not venue:
        return _("not stated")
    parts = [p for p in (venue.get("name"), venue.get("address")) if p]
    if venue.get("online"):
        parts.append(venue.get("online_details") or _("online"))
    return ", ".join(parts)


def _item(item: dict[str, Any]) -> str:
    times = item["start"].replace(":", ".")
    if item.get("end"):
        times += "–" + item["end"].replace(":", ".")
    return f"{times} {item['title']}"


def describe(before: Snapshot, after: Snapshot, lang: Lang) -> list[str]:
    """One short sentence per change, most important first; empty if nothing changed."""
    _ = translator(lang).gettext
    lines: list[str] = []
    if (before["start"], before["end"]) != (after["start"], after["end"]):
        lines.append(
            _("New time: {new} (was {old}).").format(
                new=_when(after, lang), old=_when(before, lang)
            )
        )
    if before.get("venue") != after.get("venue"):
        lines.append(
            _("New place: {new} (was {old}).").format(
                new=_where(after, lang), old=_where(before, lang)
            )
        )
    lines.extend(_programme_changes(before["programme"], after["programme"], lang))
    return lines


def _programme_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]], lang: Lang
) -> list[str]:
    _ = translator(lang).gettext
    old = {i["title"]: i for i in before}
    new = {i["title"]: i for i in after}
    lines: list[str] = []
    for title, item in new.items():
        was = old.get(title)
        if was is None:
            lines.append(_("Programme, new: {item}.").format(item=_item(item)))
        elif (was["start"], was.get("end")) != (item["start"], item.get("end")):
            lines.append(
                _("Programme, moved: {item} (was {old}).").format(
                    item=_item(item), old=_item(was).split(" ", 1)[0]
                )
            )
    for title, item in old.items():
        if title not in new:
            lines.append(_("Programme, cancelled: {item}.").format(item=_item(item)))
    return lines
