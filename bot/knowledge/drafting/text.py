"""The invitation's lines made plain, and joined into paragraphs.

An :class:`Entry` is one line of the source as the draft reads it: markup taken off (Markdown's
``**``, ``#``, bullets, links; stray HTML tags), a Markdown table row as tab-separated cells, and a
line with bullets in the middle split into one entry per bullet (each keeps its source line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.drafting.reading import Line
from bot.knowledge.drafting.unwrap import wrap_width


@dataclass(frozen=True)
class Entry:
    """One line as read: its source line, its plain text, and whether it was a heading."""

    line: Line
    text: str
    heading: bool = False  # marked as one by the source (Markdown "#", a bold line alone)

    @property
    def number(self) -> int:
        return self.line.number

    @property
    def blank(self) -> bool:
        return not self.text.strip()


_TAG_RE = re.compile(r"</?[a-zA-Z][^>]{0,300}>")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]*)\)")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·▪►◦‣–]|\d{1,2}\))\s+")
_INLINE_BULLET_RE = re.compile(r"\s*[•▪◦‣]\s*")


def _plain(text: str) -> tuple[str, bool]:
    """A line without its markup, and whether the markup made it a heading."""
    heading = False
    text = re.sub(r"^\s*(?:>\s?)+", "", text)  # a quoted e-mail's "> "
    text = _TAG_RE.sub(" ", text)
    text = re.sub(r"~~[^~\n]+~~", " ", text)  # struck out in Markdown: no longer true
    text = _LINK_RE.sub(lambda m: m[1] if m[2] in ("", "#") else f"{m[1]} ({m[2]})", text)
    stripped = text.strip()
    if re.match(r"^#{1,6}\s", stripped):
        heading = True
        stripped = stripped.lstrip("#").strip()
    if re.fullmatch(r"\*\*[^*]+\*\*:?|__[^_]+__:?", stripped):
        heading = True
    stripped = stripped.replace("**", "").replace("__", "")
    if stripped.startswith("*") and not stripped.startswith("* "):
        stripped = stripped[1:]
    if stripped.endswith("*") and not stripped.endswith(" *"):
        stripped = stripped[:-1]
    if stripped.startswith("|") and stripped.endswith("|"):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return "", False
        stripped = "\t".join(c for c in cells if c)
    stripped = _BULLET_RE.sub("", stripped)
    # a word set with a space between its letters ("V I S I O N S D A G")
    stripped = re.sub(
        r"(?<!\S)(?:[A-ZÆØÅ] ){3,}[A-ZÆØÅ](?!\S)", lambda m: m[0].replace(" ", ""), stripped
    )
    stripped = re.sub(r"(?<=\S)[ ]{3,}(?=\S)", "\t", stripped)  # columns set with spaces
    stripped = re.sub(r"[ ]{2,}", " ", stripped)
    return stripped.strip(), heading


def plain_lines(lines: tuple[Line, ...] | list[Line]) -> list[str]:
    """The source's lines without their markup, one for one (a Markdown table row as cells
    separated by tabs, a list item after a bullet "• "): the text a Word or PDF copy of the same
    invitation holds."""
    found = []
    for line in lines:
        text = _plain(line.text)[0]
        bulleted = re.match(r"^\s*(?:>\s?)*[-*•·▪►◦‣]\s+", line.text)
        found.append(f"• {text}" if bulleted and text else text)
    return found


def entries(lines: tuple[Line, ...] | list[Line]) -> list[Entry]:
    """The source's lines made plain, with inline bullet lists split up."""
    found: list[Entry] = []
    for line in lines:
        text, heading = _plain(line.text)
        parts = [p for p in _INLINE_BULLET_RE.split(text)] if "•" in text[1:] else [text]
        if len(parts) > 1:
            for part in parts:
                if part.strip():
                    found.append(Entry(line, part.strip(" \t;")))
            continue
        found.append(Entry(line, text, heading))
    return _unwrapped(found, wrap_width([line.text for line in lines]))


def _unwrapped(found: list[Entry], width: int) -> list[Entry]:
    """Lines broken at the source's margin joined into one entry (it keeps its first line)."""
    from bot.knowledge.drafting.unwrap import continues, join

    merged: list[Entry] = []
    last: Line | None = None  # the last source line the last entry holds
    for entry in found:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not previous.heading
            and not entry.heading
            and previous.line.text.strip()
            and entry.line is not previous.line
            and _whole(previous)
            and _whole(entry)
            and last is not None
            and continues(
                previous.text, previous.line.text, last, entry.text, entry.line.text, width
            )
        ):
            merged[-1] = Entry(previous.line, join(previous.text, entry.text))
        else:
            merged.append(entry)
        last = entry.line
    return merged


def _whole(entry: Entry) -> bool:
    """The entry is its line's whole text (not one bullet of several on the line)."""
    return "•" not in entry.line.text[1:]


def blocks(items: list[Entry]) -> list[list[Entry]]:
    """Runs of non-blank entries: the source's paragraphs."""
    found: list[list[Entry]] = []
    current: list[Entry] = []
    for entry in items:
        if entry.blank:
            if current:
                found.append(current)
                current = []
        else:
            current.append(entry)
    if current:
        found.append(current)
    return found


def shorten(text: str, limit: int = 90) -> str:
    """A line as a comment quotes it: one line, at most ``limit`` characters."""
    text = re.sub(r"\s+", " ", text.replace("\t", " | ")).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (a full stop, ? or ! before a capital letter ends one)."""
    parts = [
        p
        for chunk in text.strip().split("\n")
        for p in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“«(])", chunk.strip())
    ]
    joined: list[str] = []
    for part in parts:
        # "adm. Direktør", "ph.d. Afdelingschef": an abbreviation does not end a sentence
        if joined and re.search(
            r"(?:\b[A-Za-z]{1,4}\.[A-Za-z]{1,4}\.|\b(?:ca|bl\.a|adm|dr|mag|fx|v|kl)\.?|\b[A-ZÆØÅ]\.)$",
            joined[-1],
        ):
            joined[-1] += " " + part
        else:
            joined.append(part)
    return [p.strip() for p in joined if p.strip()]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's lines joined into one text, each line's place in it kept, so that a sentence
    wrapped over two lines is read whole and still points at the line where it begins."""

    text: str
    starts: tuple[tuple[int, Entry], ...]  # (offset in text, entry)

    def line_at(self, offset: int) -> Line:
        found = self.starts[0][1]
        for start, entry in self.starts:
            if start > offset:
                break
            found = entry
        return found.line

    @property
    def entries(self) -> list[Entry]:
        return [e for _o, e in self.starts]


def paragraphs(items: list[Entry]) -> list[Paragraph]:
    found: list[Paragraph] = []
    for block in blocks(items):
        text = ""
        starts: list[tuple[int, Entry]] = []
        for entry in block:
            if text:
                # a short line without punctuation ("Pris: 450 kr.") ends its sentence
                previous = starts[-1][1].text.strip()
                ends = (len(previous) < 60 and not re.search(r"[,;:–-]$", previous)) or bool(
                    re.search(r"(?:https?://|www\.)\S+$|@\S+\.\w+$", previous)
                )
                text += "\n" if ends and entry.text.strip()[:1].isupper() else " "
            starts.append((len(text), entry))
            text += entry.text.strip()
        found.append(Paragraph(text, tuple(starts)))
    return found
