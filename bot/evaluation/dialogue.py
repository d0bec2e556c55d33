"""The evaluation in a chat, one question at a time with buttons, the same on every chat channel.

The job's first message asks the first question (its buttons go with it) and leaves the chat in
the ``evaluation`` flow; each answer asks the next. The three answers are recorded together once
the third is given, a comment (typed, or "No comment") as a row of its own, and the flow ends: a
button pressed again, or one from an evaluation that is over, is thanked for and not counted.
Typing something that is not an answer to a button question leaves the evaluation, and the
message is handled as any other (a question, a signup).

Button values are ``<step>:<answer>`` (the conversation sends them as ``eval:<step>:<answer>``),
so a stale button of an earlier question asks the current question again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.evaluation import texts
from bot.evaluation.questions import (
    AGAIN,
    ANSWERS,
    COMMENT,
    LABELS,
    PRACTICAL,
    QUESTIONS,
    SATISFACTION,
    SCORES,
    Answers,
    read_step,
)
from bot.evaluation.store import record
from bot.i18n import Lang, translator
from bot.storage import Database

EVALUATION = "evaluation"  # the conversation's flow while the questions are asked
NO_COMMENT = "none"
NEXT = {SATISFACTION: PRACTICAL, PRACTICAL: AGAIN, AGAIN: COMMENT}


@dataclass(frozen=True)
class Step:
    """What to say next, with its buttons (value, label), and the flow's state after it (None:
    the evaluation is over)."""

    text: str
    choices: tuple[tuple[str, str], ...] = ()
    state: dict[str, Any] | None = None
    columns: int = 1


def start(event: str) -> dict[str, Any]:
    """The flow's state as the first question is asked."""
    return {"event": event, "step": SATISFACTION}


def buttons(step: str, lang: Lang) -> tuple[tuple[str, str], ...]:
    """The buttons of a question: the scores 1-5, or its answers in words."""
    if step == SATISFACTION:
        return tuple((f"{SATISFACTION}:{n}", str(n)) for n in SCORES)
    if step == COMMENT:
        return ((f"{COMMENT}:{NO_COMMENT}", texts.no_comment_label(lang)),)
    _ = translator(lang).gettext
    return tuple((f"{step}:{a}", _(LABELS[a])) for a in ANSWERS[step])


def ask(step: str, state: dict[str, Any], lang: Lang, lead: str = "") -> Step:
    """The question of ``step`` with its buttons."""
    _ = translator(lang).gettext
    question = texts.comment_question(lang) if step == COMMENT else _(QUESTIONS[step])
    text = f"{lead}\n\n{question}" if lead else question
    columns = len(SCORES) if step == SATISFACTION else 3 if step != COMMENT else 1
    return Step(text, buttons(step, lang), {**state, "step": step}, columns)


async def answer(
    db: Database,
    state: dict[str, Any] | None,
    *,
    choice: str | None = None,
    text: str | None = None,
    channel: str,
    lang: Lang,
    now: datetime,
) -> Step | None:
    """The next step after a pressed button or a typed answer; None when typed text is no
    answer to the question asked (the evaluation is left, the text handled as usual)."""
    if not state or not state.get("event"):
        return Step(texts.over(lang)) if choice is not None else None
    step = str(state.get("step", SATISFACTION))
    value: str | int | None
    if choice is not None:
        pressed, _sep, value = choice.partition(":")
        if pressed != step:  # a button of an earlier question
            return ask(step, state, lang)
    elif step == COMMENT:
        value = (text or "").strip() or None
    else:
        value = read_step(step, text or "")
        if value is None:
            return None
    if step == SATISFACTION:
        score = int(str(value)) if str(value).isdigit() else None
        if score not in SCORES:
            return ask(step, state, lang)
        return ask(PRACTICAL, {**state, SATISFACTION: score}, lang)
    if step in ANSWERS:
        if value not in ANSWERS[step]:
            return ask(step, state, lang)
        state = {**state, step: value}
        if step == PRACTICAL:
            return ask(AGAIN, state, lang)
        given = Answers(state.get(SATISFACTION), state.get(PRACTICAL), state.get(AGAIN))
        async with db.transaction() as session:
            record(session, state["event"], given, channel, now)
        # Only the event is kept while the comment is asked: the answers are stored already.
        return ask(COMMENT, {"event": state["event"]}, lang)
    if value is not None and value != NO_COMMENT:
        async with db.transaction() as session:
            record(session, state["event"], Answers(comment=str(value)), channel, now)
    return Step(texts.thanks(lang))
