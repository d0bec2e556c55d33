"""An invitation file to numbered lines of text: .docx, .pdf, .html/.htm, .md and .txt.

The line numbers are those of the text read from the file, counted from 1: for a text file its
own lines; for Word one line per paragraph (a table row is one line with its cells separated by a
tab, and the further paragraphs of its cells follow as lines of their own); for HTML the lines of
its text with blocks and ``<br>`` as line breaks (the mail channel's reading), struck-out text
left out (in Word too) and a numbered list's numbers kept; for PDF the lines as they stand on the
pages, a paragraph's wrapped lines joined into one (each line keeps its page). ``python -m bot
knowledge draft FILE --lines`` prints them.

Whatever cannot be read raises :class:`ReadError` with one plain sentence for the person who ran
the command (an encrypted or scanned PDF, an empty or too large file, an unknown kind of file).
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.i18n import N_, Lang, translator
from bot.knowledge.drafting.dates import leading_time

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".md", ".txt")
_CELL = "\ue010"  # a table cell's end in HTML, a tab once read
_CELL_BREAK = "\ue011"  # a line break inside an HTML table cell


@dataclass(frozen=True)
class Line:
    """One line of the source text: its number (from 1), its text, and its PDF page; for a PDF,
    whether it runs to the right margin (so that the line under it may go on with it)."""

    number: int
    text: str
    page: int | None = None
    at_margin: bool = False


@dataclass(frozen=True)
class Document:
    """The text of one invitation, as numbered lines, and what kind of file it came from."""

    name: str
    kind: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class ReadError(Exception):
    """A file the draft cannot read; ``say(lang)`` is one sentence on why and what to do."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))

    def say(self, lang: Lang) -> str:
        return translator(lang).gettext(self.template).format(**self.params)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def read_path(path: Path) -> Document:
    """Read an invitation file; raises ReadError with the reason when it cannot."""
    if not path.exists():
        raise ReadError(N_("The file {name} does not exist."), name=str(path))
    if path.is_dir():
        raise ReadError(N_("{name} is a folder, not a file."), name=str(path))
    suffix = path.suffix.casefold()
    if suffix not in SUFFIXES:
        raise ReadError(
            N_(
                "The draft reads .docx, .pdf, .html, .htm, .md and .txt files; {name} is "
                "another kind. Save it as one of those (Word: .docx) and try again."
            ),
            name=path.name,
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReadError(
            N_(
                "The file {name} is too large ({size} MB); the draft reads files of up to "
                "{limit} MB. An invitation is far smaller: is it the right file?"
            ),
            name=path.name,
            size=_megabytes(size),
            limit=_megabytes(MAX_BYTES),
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(
            N_("The file {name} could not be opened: {reason}."),
            name=path.name,
            reason=exc.strerror or type(exc).__name__,
        ) from None
    return read_bytes(data, path.name, suffix)


def read_bytes(data: bytes, name: str, suffix: str | None = None) -> Document:
    """Read an invitation from its bytes; without ``suffix`` the kind is told from the content."""
    if len(data) > MAX_BYTES:
        raise ReadError(
            N_(
                "The file {name} is too large ({size} MB); the draft reads files of up to "
                "{limit} MB. An invitation is far smaller: is it the right file?"
            ),
            name=name,
            size=_megabytes(len(data)),
            limit=_megabytes(MAX_BYTES),
        )
    if not data.strip():
        raise ReadError(N_("The file {name} is empty."), name=name)
    kind = (suffix or _sniff(data)).lstrip(".")
    if kind == "pdf":
        lines = _pdf_lines(data, name)
    elif kind == "docx":
        lines = _docx_lines(data, name)
    elif kind in ("html", "htm"):
        lines = _numbered(_html_text(_decode(data, name)).split("\n"))
    else:
        lines = _numbered(_decode(data, name).split("\n"))
    if not any(line.text.strip() for line in lines):
        raise ReadError(N_("There is no text in the file {name}."), name=name)
    return Document(name, kind, tuple(lines))


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if re.match(rb"(?i)(<!doctype html|<html|<body|<head|<meta|<p[ >]|<div|<h1)", head):
        return "html"
    return "txt"


def _numbered(texts: list[str], page: int | None = None, first: int = 1) -> list[Line]:
    return [Line(first + i, _clean(text), page) for i, text in enumerate(texts)]


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\u00ad]")


# Typographic ligatures (a PDF's "ﬁ", a pasted "ﬂ") as their letters, so "ﬁnd" reads as "find".
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\xa0", " ").replace("\r", ""))
    text = text.translate(_LIGATURES)
    return _CONTROL_RE.sub("", text).rstrip()


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(
            N_("The file {name} does not look like text (it holds binary data)."), name=name
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_STRUCK_TAGS = ("s", "del", "strike")
_STRUCK_RE = re.compile(r"(?is)<(s|del|strike)\b[^>]{0,300}>.*?</\1\s*>")
_LINE_THROUGH = re.compile(r"(?i)text-decoration[^;\"']*line-through")


def _marked(html: str) -> str:
    """The HTML with struck-out text dropped, a numbered list's items given their numbers and a
    bulleted list's a bullet.

    A changed invitation keeps the old time struck through ("<s>kl. 16.00-18.30</s> NYT
    TIDSPUNKT: kl. 17.00-19.30"): what is struck out is no longer true, so it is not read. The
    numbers of an ``<ol>`` are no text of their own, yet they are the keys of sessions to choose
    ("1. Personal assistance"); a list whose items begin with a number (times) keeps none.
    """
    if not re.search(r"(?i)<(?:s|del|strike|ol|ul)\b|line-through", html):
        return html
    from bs4 import BeautifulSoup, Tag

    from bot.channels.mail.reading import MAX_HTML_CHARS

    if len(html) > MAX_HTML_CHARS:  # read without a parser there: only the plain tags
        return _STRUCK_RE.sub(" ", html)
    soup = BeautifulSoup(html, "html.parser")
    struck = soup.find_all(
        lambda tag: tag.name in _STRUCK_TAGS or bool(_LINE_THROUGH.search(str(tag.get("style"))))
    )
    for tag in struck:
        if not tag.decomposed:
            tag.decompose()
    # a bulleted list's items keep a bullet, as a text file's "- " lines do: a list of titles
    # under "vælg et tema:" is a choice, and a list item is a line of its own
    for listing in soup.find_all("ul"):
        for item in listing.find_all("li", recursive=False):
            if isinstance(item, Tag) and item.get_text().strip():
                item.insert(0, "• ")
    for listing in soup.find_all("ol"):
        items = [li for li in listing.find_all("li", recursive=False) if isinstance(li, Tag)]
        if any(re.match(r"\s*\d", li.get_text()) for li in items):
            continue
        kind = str(listing.get("type") or "1")
        try:
            first = int(str(listing.get("start") or 1))
        except ValueError:
            first = 1
        for number, item in enumerate(items, start=first):
            label = chr(ord(kind) + number - 1) if kind in ("A", "a") and number <= 8 else number
            item.insert(0, f"{label}. ")
    return str(soup)


def _html_text(html: str) -> str:
    from bot.channels.mail.reading import html_to_text

    html = _marked(html)
    # Cells end with a marker that survives the flattening, and becomes a tab.
    html = re.sub(r"(?i)</t[dh]\s*>", f" {_CELL}</td>", html)
    # A line break inside a cell keeps the row on one line: as in Word, a row's line holds each
    # cell's first line, and the cells' further lines follow it ("1. Title<br>Name, role").
    html = re.sub(r"(?is)<t[dh]\b[^>]*>.*?</td>", _cell_breaks, html)
    whole, _before = html_to_text(html, [])
    lines = []
    for line in whole.split("\n"):
        cells = [c.strip() for c in line.split(_CELL)]
        parts = [[p.strip() for p in c.split(_CELL_BREAK) if p.strip()] for c in cells]
        lines.append("\t".join(p[0] for p in parts if p))
        lines.extend(rest for p in parts for rest in p[1:])
    return "\n".join(lines)


def _cell_breaks(match: re.Match[str]) -> str:
    return re.sub(r"(?i)<br\s*/?>", f" {_CELL_BREAK} ", match[0])


# -- Word -------------------------------------------------------------------------------------


def _docx_lines(data: bytes, name: str) -> list[Line]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        encrypted = data.startswith(b"\xd0\xcf\x11\xe0")  # OLE: an encrypted or old .doc file
        if encrypted:
            raise ReadError(
                N_(
                    "The file {name} is protected with a password or is an old Word file "
                    "(.doc). Open it in Word, remove the password, save it as .docx and try "
                    "again."
                ),
                name=name,
            ) from None
        raise ReadError(
            N_("The file {name} cannot be read as a Word file ({reason})."),
            name=name,
            reason=type(exc).__name__,
        ) from None
    except Exception as exc:  # python-docx raises its own errors for broken parts
        raise ReadError(
            N_("The file {name} cannot be read as a Word file ({reason})."),
            name=name,
            reason=type(exc).__name__,
        ) from None
    texts: list[str] = []
    formats = _list_formats(document)
    counters: dict[tuple[str, int], int] = {}

    def paragraph(par: Paragraph) -> None:
        text = _unstruck(par)
        label = _list_label(par, formats, counters) if text.strip() else ""
        texts.extend((label + text).split("\n"))

    def table(tab: Table) -> None:
        for row in tab.rows:
            cells: list[list[str]] = []
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                    continue
                seen.add(id(cell._tc))
                parts = [t for p in cell.paragraphs for t in _unstruck(p).split("\n") if t.strip()]
                for inner in cell.tables:
                    parts.extend(
                        "\t".join(c.text.strip() for c in r.cells if c.text.strip())
                        for r in inner.rows
                    )
                cells.append(parts)
            first = "\t".join(c[0].strip() for c in cells if c)
            if first:
                texts.append(first)
            for parts in cells:
                texts.extend(parts[1:])

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraph(block)
        else:
            table(block)
    return _numbered(texts)


def _list_formats(document: Any) -> dict[tuple[str, int], tuple[str, int]]:
    """Word's lists: (list id, level) to (number format, first number), from the numbering
    part; a list item's bullet or number is no text of its own in the paragraph."""
    from docx.oxml.ns import qn

    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[int, tuple[str, int]]] = {}
    for definition in numbering.findall(qn("w:abstractNum")):
        levels: dict[int, tuple[str, int]] = {}
        for level in definition.findall(qn("w:lvl")):
            fmt = level.find(qn("w:numFmt"))
            start = level.find(qn("w:start"))
            levels[int(level.get(qn("w:ilvl"), "0"))] = (
                fmt.get(qn("w:val"), "bullet") if fmt is not None else "bullet",
                int(start.get(qn("w:val"), "1")) if start is not None else 1,
            )
        abstract[definition.get(qn("w:abstractNumId"), "")] = levels
    found: dict[tuple[str, int], tuple[str, int]] = {}
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = abstract.get(ref.get(qn("w:val"), "") if ref is not None else "", {})
        for ilvl, value in levels.items():
            found[(num.get(qn("w:numId"), ""), ilvl)] = value
    return found


def _list_label(
    par: Any, formats: dict[tuple[str, int], tuple[str, int]], counters: dict[tuple[str, int], int]
) -> str:
    """The bullet ("• ") or number ("2. ", "B. ") Word shows before a list paragraph: a list
    of workshops "1. ...", "2. ..." keeps its keys, and a bulleted list stays a list."""
    from docx.oxml.ns import qn

    p_pr = par._p.pPr
    num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
    style = par.style
    while num_pr is None and style is not None:  # "List Bullet": the style holds the list
        s_pr = style.element.find(qn("w:pPr"))
        num_pr = s_pr.find(qn("w:numPr")) if s_pr is not None else None
        style = style.base_style
    if num_pr is None:
        return ""
    num_id = num_pr.find(qn("w:numId"))
    level = num_pr.find(qn("w:ilvl"))
    list_id = num_id.get(qn("w:val"), "0") if num_id is not None else "0"
    if list_id == "0":
        return ""  # numbering switched off
    key = (list_id, int(level.get(qn("w:val"), "0")) if level is not None else 0)
    for other in [k for k in counters if k[0] == key[0] and k[1] > key[1]]:
        del counters[other]  # a deeper level starts again under a new item
    counters[key] = counters.get(key, 0) + 1
    fmt, start = formats.get(key, ("bullet", 1))
    number = counters[key] + start - 1
    if fmt == "decimal":
        return f"{number}. "
    if fmt in ("upperLetter", "lowerLetter") and number <= 26:
        return f"{chr((65 if fmt == 'upperLetter' else 97) + number - 1)}. "
    return "• "


def _unstruck(par: Any) -> str:
    """A Word paragraph's text without its struck-out runs (an old time crossed out)."""
    from docx.text.run import Run

    pieces = list(par.iter_inner_content())
    runs = [r for p in pieces for r in ([p] if isinstance(p, Run) else p.runs)]
    if not any(r.font.strike or r.font.double_strike for r in runs):
        return str(par.text)
    return "".join(r.text for r in runs if not (r.font.strike or r.font.double_strike))


# -- PDF ----------------------------------------------------------------------------------------


def _pdf_lines(data: bytes, name: str) -> list[Line]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    if not data.lstrip().startswith(b"%PDF"):
        raise ReadError(N_("The file {name} is not a PDF file, whatever its name."), name=name)
    encrypted = N_(
        "The PDF file {name} is protected with a password. Save it without the password (or "
        "copy its text into a .txt file) and try again."
    )
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError(encrypted, name=name) from None
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect | PDFEncryptionError):
            raise ReadError(encrypted, name=name) from None
        raise ReadError(
            N_("The PDF file {name} is damaged and cannot be read."), name=name
        ) from None
    except (PDFSyntaxError, Exception):
        raise ReadError(
            N_("The PDF file {name} is damaged and cannot be read."), name=name
        ) from None
    texts: list[tuple[str, int, bool]] = []
    images = 0
    column: float | None = None  # where the last line's last column began, if it has columns
    margins: list[float] = []  # the right margin of the pages before
    ends: list[float] = []  # the furthest line ends of the pages before
    try:
        with pdf:
            for number, page in enumerate(pdf.pages, start=1):
                images += len(page.images)
                lines, first_x, last_column = _page_lines(page, margins, ends)
                if (
                    lines
                    and texts
                    and column is not None
                    and first_x is not None
                    and abs(first_x - column) < 3
                    and "\t" not in lines[0][0]
                ):
                    # a table's last column running on from the page before
                    texts[-1] = (texts[-1][0] + " " + lines[0][0], texts[-1][1], lines[0][1])
                    lines = lines[1:]
                texts.extend((text, number, margin) for text, margin in lines)
                column = last_column
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError(encrypted, name=name) from None
    except Exception:
        raise ReadError(
            N_("The PDF file {name} is damaged and cannot be read."), name=name
        ) from None
    if not any(text.strip() for text, _page, _margin in texts):
        if images:
            raise ReadError(
                N_(
                    "The PDF file {name} holds pictures of pages but no text (a scanned "
                    "document). Ask for the invitation as Word or text, or run it through text "
                    "recognition (OCR) first."
                ),
                name=name,
            )
        raise ReadError(N_("There is no text in the file {name}."), name=name)
    return [
        Line(i, _clean(text), page, margin) for i, (text, page, margin) in enumerate(texts, start=1)
    ]


_CID_RE = re.compile(r"\(cid:(\d+)\)")


def _cid(match: re.Match[str]) -> str:
    # A glyph the PDF gives no character for; 127 is the bullet of Word's symbol fonts.
    return "•" if match[1] == "127" else ""


def _page_lines(
    page: Any, margins: list[float], ends: list[float]
) -> tuple[list[tuple[str, bool]], float | None, float | None]:
    """A page's lines in reading order: words on one baseline, wide gaps as tabs, and the lines
    of a paragraph that wrap at the right margin joined, each indented as far as it stands in
    from the left margin and told whether it runs to the right margin; with where its first
    line begins and where its last line's last column begins (when it has columns)."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
    if not words:
        return [], None, None
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        if rows and abs(float(rows[-1][0]["top"]) - float(word["top"])) <= 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    for row in rows:
        row.sort(key=lambda w: float(w["x0"]))
    space = _space(rows)
    # text, x0, x1, top of its last physical line, height, top of its first physical line
    lines: list[tuple[str, float, float, float, float, float]] = []
    first_words: list[float] = []  # the width of each line's first word
    cell_x: list[float] = []  # where each line's last cell begins
    cells_x: list[list[float]] = []  # where each line's cells after the first begin
    for row in rows:
        gaps = [float(b["x0"]) - float(a["x1"]) for a, b in itertools.pairwise(row)]
        # a justified line stretches all its spaces alike: a column's gap is wide against them
        usual = max(space, sorted(gaps)[len(gaps) // 2]) if len(gaps) >= 3 else space
        parts: list[str] = []
        previous: dict[str, Any] | None = None
        last_cell = float(row[0]["x0"])
        starts: list[float] = []
        for word in row:
            if previous is not None:
                gap = float(word["x0"]) - float(previous["x1"])
                size = float(word["bottom"]) - float(word["top"])
                # as wide as three spaces or more (a text file's columns, "kl. 11    Min vej"),
                # or a gap no word space makes
                if gap > 2.2 * size or (gap > 0.8 * size and gap > 2.5 * usual):
                    parts.append("\t")
                    last_cell = float(word["x0"])
                    starts.append(last_cell)
                else:
                    parts.append(" ")
            parts.append(_CID_RE.sub(_cid, str(word["text"])))
            previous = word
        line = (
            "".join(parts),
            float(row[0]["x0"]),
            float(row[-1]["x1"]),
            float(row[0]["top"]),
            float(row[0]["bottom"]) - float(row[0]["top"]),
            float(row[0]["top"]),
        )
        first_word = float(row[0]["x1"]) - float(row[0]["x0"])
        if lines and "\t" in lines[-1][0] and "\t" not in line[0]:
            p_text, p_x0, _p_x1, p_top, p_height, p_first = lines[-1]
            if (
                any(abs(line[1] - x) < 3 for x in cells_x[-1])
                and line[1] > p_x0 + 20
                and line[3] - p_top < 2 * p_height
            ):
                # the text of a table's last column wrapping under itself (or under the
                # column where the row's last columns were set as one block): one line
                lines[-1] = (p_text + " " + line[0], p_x0, line[2], line[3], p_height, p_first)
                continue
        lines.append(line)
        first_words.append(first_word)
        cell_x.append(last_cell)
        cells_x.append(starts)
    # the right margin is the furthest any page's lines reach: a page of a few short lines (a
    # signature run on to the last page) has no line that runs to the margin
    right = max([line[2] for line in lines] + margins)
    margins.append(right)
    left = min(line[1] for line in lines)
    width = max(right - left, 1.0)
    # Where the text's full lines end, for telling whether a word would have fitted: the
    # furthest point that three line ends so far come close to, so that a line or two running
    # a little past the others (a glyph the font lacks, an overlong word) do not move it.
    ends[:] = sorted(ends + [x1 for text, _x0, x1, *_rest in lines if "\t" not in text])
    near = 0.005 * width
    full_at = next(
        (v for i, v in reversed(list(enumerate(ends))) if i >= 2 and ends[i - 2] >= v - near),
        right,
    )
    full_at = full_at if full_at >= right - 0.03 * width else right
    from bot.knowledge.drafting.unwrap import starts_something

    joined: list[tuple[str, bool]] = []
    previous_line: tuple[str, float, float, float, float, float] | None = None
    for line, first_word in zip(lines, first_words, strict=True):
        text, x0, x1, _last_top, height, top = line
        at_margin = x1 >= right - 0.12 * width and "\t" not in text
        if previous_line is not None and joined:
            p_text, p_x0, p_x1, p_top, p_height, _p_first = previous_line
            # The line above ended where it did because this line's first word would not fit
            # after it (or a word was broken there with a hyphen): so it was wrapped. A line
            # that ends near the margin but had room for that word was ended by its writer
            # ("Tilmelding via linket: https://..." / "Husk at oplyse ...").
            broken = bool(re.search(r"[a-zæøå]-$", p_text) and text.lstrip()[:1].islower())
            full = p_x1 >= left + 0.5 * width and (broken or p_x1 + space + first_word > full_at)
            joined[-1] = (joined[-1][0], joined[-1][1] and full)
            wrapped = (
                full
                and "\t" not in text  # a row in columns whose last column ran on to the
                and ("\t" not in p_text or p_x1 >= right - 0.12 * width)  # margin under it
                and abs(x0 - p_x0) < 0.05 * width  # and this one starts where it started
                and top - p_top < 1.9 * max(p_height, height)  # no paragraph gap between
                and (
                    not (
                        re.match(r"^\s*[-•*–]", text) or leading_time(text) or _numbered_item(text)
                    )
                    or bool(re.search(r"[,–]$", p_text))  # "... 12 March 2024," / "9:30 am"
                    or bool(_WAITS_FOR_TIME.search(p_text))  # "til fredag kl." / "14.00"
                )
                and not starts_something(text)  # "Ordstyrer: ...", "Oplæg ved ..."
                and not re.search(r"[:]\s*$", p_text)
            )
            if wrapped:
                joined[-1] = (joined[-1][0].rstrip() + " " + text.lstrip(), at_margin)
                previous_line = line
                continue
            if top - p_top > 1.9 * max(p_height, height):
                joined.append(("", False))  # a paragraph gap: a blank line, as text files have
        indent = round((x0 - left) / (0.5 * max(height, 1.0)))
        joined.append(((" " * indent if indent >= 2 else "") + text, at_margin))
        previous_line = line
    last_column = cell_x[-1] if "\t" in lines[-1][0] else None
    return joined, lines[0][1], last_column


def _numbered_item(text: str) -> bool:
    """The line begins an item of a numbered or lettered list ("3. Supervision ...", "B)
    ..."), not a date ("3. maj 2026")."""
    from bot.knowledge.drafting.dates import find_dates

    if not re.match(r"^\s*(?:\d{1,2}|[A-Ha-h])[.)]\s+\S", text):
        return False
    return not any(m.start <= len(text) - len(text.lstrip()) for m in find_dates(text[:40]))


# a line ending with a word that a time follows: the time under it goes on with it
_WAITS_FOR_TIME = re.compile(r"\b(?:[kK]l\.|[kK]lokken|fra|til|from|to|until|at)$")


def _space(rows: list[list[dict[str, Any]]]) -> float:
    """The page's usual space between words: the middle of all its gaps."""
    gaps = sorted(
        float(b["x0"]) - float(a["x1"]) for row in rows for a, b in itertools.pairwise(row)
    )
    return gaps[len(gaps) // 2] if gaps else 0.0
