"""Answering from background knowledge: a source with facts and question-and-answer entries only
(a cooperation, an agreement), with no programme or people to answer from.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answering import compose
from bot.answering.index import KEYWORD, UNIT_THRESHOLD, SourceIndex
from bot.answering.notes import Note, NoteSearch
from bot.answering.reading import Piece
from bot.answering.replies import holds_all
from bot.i18n import Lang
from bot.knowledge.schema import QA
from bot.understanding.kinds import ACTIONS, LOGISTICS, TIME_KINDS


def from_background(
    piece: Piece,
    indices: list[SourceIndex],
    notes: list[Note],
    lang: Lang,
    search: NoteSearch,
) -> str | None:
    """A background source answers questions of knowledge from the note that holds every
    topic word of the question, at least one of them as what the note is about (its topic
    or keywords): a slide heading with no content is not answered from another slide."""
    guess = piece.guess
    if guess.confidence >= 0.5 and (
        guess.kind in ACTIONS or guess.kind in ("other", "smalltalk") or guess.kind in LOGISTICS
    ):
        return None
    query = piece.query
    if lang == "en":
        # An English question about Danish knowledge: its English words cannot be found; the
        # Danish names in it ("Institut for Syn og Hørelse") must be.
        topic = [a for a in query.topic if any(index.covers(k) for k in a for index in indices)]
        if 2 * len(topic) < len(query.topic):
            return None  # mostly words the knowledge cannot hold: too little to go on
        query = replace(query, topic=topic)
    if not query.topic:
        return None
    keys = query.stems_asked()
    # Asked when, only a note that states a time answers ("Hvornår skal aftalen godkendes?"
    # is not answered by who approves it).
    when = piece.query.qword == "when" or guess.kind in TIME_KINDS
    fitting: list[Note] = []
    for index in indices:
        for i, score in index.score_units(keys).items():
            unit = index.units[i]
            note = next((n for n in notes if n.ref is unit.ref), None)
            if note is None or score < UNIT_THRESHOLD or not holds_all(index, i, query):
                continue
            if when and not _STATES_TIME.search(_note_text_of(note)):
                continue
            # Words of the source's own name ("det specialiserede socialområde") say which
            # source, not what about it.
            anchored = [
                any(unit.weights.get(m, 0.0) >= KEYWORD for k in alts for m, _f in index.expand(k))
                for alts in query.topic
                if not any(k in index.names for k in alts)
            ]
            if all(anchored) if guess.kind == "who-is" else any(anchored):
                fitting.append(note)
    # Of the notes that hold the question's words, the one closest to how it is asked.
    note, _similarity = search.best(piece.segment.text, fitting)
    if note is None:
        return None
    if isinstance(note.ref, QA):
        return compose.faq_answer(note.ref, lang)
    return compose.fact_answer(note.ref, keys, lang)


_STATES_TIME = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:januar|februar|marts|april|maj|juni|juli|august|september"
    r"|oktober|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b"
    r"|\bkl\.?\s*\d|\b\d{1,2}[.:]\d\d\b|\b(?:foråret|efteråret|sommeren|vinteren)\b",
    re.IGNORECASE,
)


def _note_text_of(note: Note) -> str:
    ref = note.ref
    return ref.answer if isinstance(ref, QA) else ref.text
