"""Word and PDF files made from a plain-text invitation, as a secretariat's files would be.

Used by ``evaluation/drafting.py`` and the drafting tests: the same text drafted from .txt, .docx
and .pdf must give the same facts. Word gets one paragraph per line (``**bold**`` as bold runs,
tabs kept, optionally the programme's "time<tab>text" lines as a real table); the PDF is set in
Bitstream Vera (shipped with reportlab, so æøå and dashes print) on A4 with the long lines
wrapped at the margin (runs of spaces kept, as a printout keeps them), and tab-separated lines in
two columns.
"""

from __future__ import annotations

import re
from pathlib import Path

_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


def write_docx(text: str, path: Path, tables: bool = False) -> Path:
    """A .docx with one paragraph per line ("- " and "• " lines as items of a bulleted list);
    with ``tables``, runs of tab-separated lines become a table with one row per line."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = document.add_table(rows=0, cols=width)
        for cells in rows:
            row = table.add_row().cells
            for i, cell in enumerate(cells):
                row[i].text = cell
        rows.clear()

    for line in text.split("\n"):
        if tables and "\t" in line.strip():
            rows.append([c.strip() for c in line.strip().split("\t")])
            continue
        flush()
        bullet = re.match(r"^\s*[-•*]\s+(?=\S)", line)
        if bullet and not line.lstrip().startswith("**"):
            # a list item as Word makes it: its bullet is the list's, not the paragraph's text
            line = line[bullet.end() :]
            paragraph = document.add_paragraph(style="List Bullet")
        else:
            paragraph = document.add_paragraph()
        position = 0
        for match in _BOLD_RE.finditer(line):
            paragraph.add_run(line[position : match.start()])
            paragraph.add_run(match.group(1)).bold = True
            position = match.end()
        paragraph.add_run(line[position:])
    flush()
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path, password: str | None = None) -> Path:
    """An A4 PDF of the text, wrapped at the margins; ``password`` encrypts it."""
    import reportlab
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    encrypt = None
    if password:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(password, canPrint=1)
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    width, height = A4
    margin, size, leading = 56.0, 10.0, 13.0
    y = height - margin

    def newline(step: float = leading) -> None:
        nonlocal y
        y -= step
        if y < margin:
            page.showPage()
            y = height - margin

    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            newline(leading * 0.8)
            continue
        bold = bool(_BOLD_RE.search(line))
        line = _BOLD_RE.sub(r"\1", line)
        font = "VeraBd" if bold and len(line) < 120 else "Vera"
        if "\t" in line.strip():
            first, rest = line.strip().split("\t", 1)
            rest = rest.replace("\t", "   ")
            page.setFont("Vera", size)
            page.drawString(margin, y, first)
            # the second column stands clear of the first, however wide ("09:30 – 09:45")
            column = margin + max(70.0, pdfmetrics.stringWidth(first, "Vera", size) + 14)
            for i, part in enumerate(_wrapped(rest, "Vera", size, width - column - margin)):
                if i:
                    newline()
                page.drawString(column, y, part)
            newline()
            continue
        indent = margin + (size * 0.6 * (len(line) - len(line.lstrip())))
        for part in _wrapped(line.strip(), font, size, width - indent - margin):
            page.setFont(font, size)
            page.drawString(indent, y, part)
            newline()
    page.save()
    return path


def _wrapped(line: str, font: str, size: float, room: float) -> list[str]:
    """The line broken into parts that fit the room, each a whole word where it can be, and
    runs of spaces kept inside a part: a programme set in columns with spaces ("kl. 11    Min
    vej ...") prints its gap as a word processor's printout would (reportlab's simpleSplit would
    close it up to one space)."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    parts: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", line):
        if current and stringWidth(current + word.rstrip(), font, size) > room:
            parts.append(current.rstrip())
            current = ""
        if not current and stringWidth(word.rstrip(), font, size) > room:
            pieces = simpleSplit(word.rstrip(), font, size, room)  # a word longer than a line
            parts.extend(pieces[:-1])
            current = pieces[-1] + word[len(word.rstrip()) :]
            continue
        current += word
    if current.strip():
        parts.append(current.rstrip())
    return parts
