"""A field's value both ways: a value of the file as the form shows it, and the value the
file gets for the text posted.

What a person types that the schema would not take (a time of "10.3x") is written as typed:
the check then says what is wrong, in the words ``knowledge check`` uses.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from bot.desk.knowledge.fields import Field

REMOVE = object()
"""An edit that removes the field."""


def shown_value(value: Any, kind: str, default: bool = False) -> str:
    """A value of the file as the form shows it ("on" for a flag that is set)."""
    if kind == "flag":
        on = default if value is None else value is True
        return "on" if on else ""
    if value is None:
        return ""
    if kind == "time" and isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = divmod(value, 60)  # YAML 1.1 reads 10:30 unquoted as 630
        return f"{hours:02d}:{minutes:02d}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if kind in ("emails", "keys") and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if kind == "speakers" and isinstance(value, list):
        return "\n".join(speaker_line(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def speaker_line(value: Any) -> str:
    """A speaker as one line of the form: "name, title"."""
    if isinstance(value, dict):
        name = str(value.get("name") or "")
        role = value.get("role")
        return f"{name}, {role}" if role else name
    return str(value)


# -- from the form to the file -----------------------------------------------------------------


def tidy(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _number(text: str) -> int | float | str:
    plain = text.replace(" ", "").removesuffix("kr.").removesuffix("kr")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", plain):  # Danish: 1.500,50
        plain = plain.replace(".", "")
    plain = plain.replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def posted_value(text: str, f: Field, current: Any) -> Any:
    """What the file gets for the text posted in a field; REMOVE for nothing."""
    text = tidy(text)
    if f.kind == "flag":
        return text == "on"
    if not text:
        return REMOVE
    if f.kind == "when":
        return re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]+", r"\1 ", text)
    if f.kind in ("deadline", "day") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if f.kind == "deadline":
        return re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]+", r"\1 ", text)
    if f.kind == "time":
        found = re.fullmatch(r"(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})", text, re.IGNORECASE)
        return f"{int(found[1]):02d}:{found[2]}" if found else text
    if f.kind == "whole":
        return int(text) if text.isdigit() else text
    if f.kind == "amount":
        return _number(text)
    if f.kind == "emails":
        return [part for part in re.split(r"[,;\s]+", text) if part]
    if f.kind == "keys":
        return [part for part in re.split(r"[,;\s]+", text) if part]
    if f.kind == "lines":
        return [line.strip() for line in text.split("\n") if line.strip()]
    if f.kind == "speakers":
        return _speakers(text, current)
    return text


def _speakers(text: str, current: Any) -> list[Any]:
    """Speakers from lines "name, title"; a line as it was keeps the speaker as written
    (with their part in the item)."""
    known = {speaker_line(s): s for s in current} if isinstance(current, list) else {}
    found: list[Any] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if line in known:
            found.append(known[line])
            continue
        name, _comma, role = (part.strip() for part in line.partition(","))
        found.append({"name": name, "role": role} if role else name)
    return found
