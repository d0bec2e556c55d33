"""Drafting a knowledge file from an invitation: ``python -m bot knowledge draft FILE``.

``reading`` turns the file (.docx, .pdf, .html, .md, .txt) into numbered lines; ``text`` makes
them plain and ``unwrap`` joins lines broken at the margin; ``forwarding`` leaves out an e-mail's
headers and the note of whoever forwarded it; ``names`` (with ``given_names``) tells people from
organisations and ``roles`` reads what they are; ``dates`` reads Danish and English dates and
times; ``event``, ``programme``, ``sessions``, ``people``, ``registration`` and ``contacts`` read
each part; ``ocr`` repairs text recognised from slides; ``draft`` puts them together and
``writing`` writes the YAML with the source line of every field as a comment. Everything is
rule-based and deterministic.
"""

from bot.knowledge.drafting.draft import draft_document
from bot.knowledge.drafting.model import Draft
from bot.knowledge.drafting.reading import Document, ReadError, read_bytes, read_path

__all__ = ["Document", "Draft", "ReadError", "draft_document", "read_bytes", "read_path"]
