"""What participants were told about an event, and how a new version of it differs.

A snapshot holds only what a participant acts on: when (start, end), where (venue, address,
online link), the programme (time and title of each item) and the venue's access as stated
(step-free access, hearing loop, ...: whether a person can come at all may hang on them).
Descriptions, speakers' titles or the wording of facts may change without anyone being told.
``describe`` turns two snapshots into short sentences naming exactly what changed, in the
reader's language.
"""

from __future__ import annotations

from typing import Any

from bot.clock import parse_aware
from bot.i18n import Lang, fmt_date, fmt_time, translator
from bot.knowledge.schema import ACCESS_LABELS, Event

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
        "access": _access(event),
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


def _access(event: Event) -> dict[str, bool | str]:
    """The access fields the knowledge states (yes, no, or its words); left out: not known."""
    access = event.venue.access if event.venue is not None else None
    if access is None:
        return {}
    stated = access.model_dump(exclude_none=True)
    return {key: stated[key] for key in ACCESS_LABELS if key in stated}


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
    # A snapshot from before access was compared has no "access": not a change by itself.
    if "access" in before:
        lines.extend(_access_changes(before["access"], after.get("access", {}), lang))
    lines.extend(_programme_changes(before["programme"], after["programme"], lang))
    return lines


def _access_value(value: bool | str | None, lang: Lang) -> str:
    _ = translator(lang).gettext
    if value is None:
        return _("not stated")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return value


def _access_changes(
    before: dict[str, bool | str], after: dict[str, bool | str], lang: Lang
) -> list[str]:
    """One sentence per access field that changed, in the order the venue's fields are listed."""
    _ = translator(lang).gettext
    return [
        _("{what}: now {new} (was {old}).").format(
            what=_(label),
            new=_access_value(after.get(key), lang),
            old=_access_value(before.get(key), lang),
        )
        for key, label in ACCESS_LABELS.items()
        if before.get(key) != after.get(key)
    ]


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
