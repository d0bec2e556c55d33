"""The kinds of message a participant sends, and what each kind needs from the knowledge.

The understanding learns these kinds from the labelled corpus in ``corpus/``; the answering core
decides per kind which structured fact answers it. A kind is a *question*, not an answer: the
same kind ("parking") is answered for an event whose knowledge states it and handed to staff for
one that does not.
"""

from __future__ import annotations

from typing import Final

# Facts every event file has a field for: the answer is composed from that field.
EVENT_FIELDS: Final = frozenset(
    {
        "date",
        "start",
        "end",
        "arrival",
        "venue",
        "address",
        "online",
        "deadline",
        "can-signup",
        "signup-how",
        "programme",
        "programme-at",
        "after",
        "before",
        "now-next",
        "speakers",
        "who-is",
        "chair",
        "contact",
        "price",
        "audience",
        "sessions",
        "choose-session",
        "organiser",
        "purpose",
        "capacity",
        "food",
    }
)

# Topics an event file holds only as a fact or a question-and-answer entry, if at all: answered
# from a fact of the same kind, otherwise handed to staff.
TOPICS: Final = frozenset(
    {
        "transport",
        "public-transport",
        "parking",
        "companion",
        "diet",
        "accessibility",
        "accessible-toilet",
        "quiet-room",
        "seating",
        "disabled-parking",
        "hearing-loop",
        "interpreter",
        "wifi",
        "travel-costs",
        "recording",
        "accommodation",
        "dress",
        "weather",
        "materials",
        "fact",
    }
)

# Kinds told apart from a broader one (a toilet from getting in, the bus from a lift arranged):
# a note of the one may still answer a question of the other when it holds the question's words,
# as notes written for the broader kind ("kind: accessibility: ... og der er handicaptoilet") do.
NEAR: Final = {
    "accessible-toilet": frozenset({"accessibility"}),
    "quiet-room": frozenset({"accessibility"}),
    "seating": frozenset({"accessibility"}),
    "accessibility": frozenset({"accessible-toilet", "quiet-room", "seating"}),
    "disabled-parking": frozenset({"parking"}),
    "parking": frozenset({"disabled-parking"}),
    "public-transport": frozenset({"transport"}),
    "transport": frozenset({"public-transport"}),
}

# Practical matters of a day: a note about one answers only a question about it, and never from
# background knowledge.
LOGISTICS: Final = TOPICS - {"fact"}

# What the person wants done rather than told; the channel's conversation acts on these.
ACTIONS: Final = frozenset({"signup", "cancel", "decline", "my-registration"})

# Not questions at all.
SOCIAL: Final = frozenset({"smalltalk", "other"})

KINDS: Final = EVENT_FIELDS | TOPICS | ACTIONS | SOCIAL

# Kinds whose answer is about the clock: a neighbour of one of these is never a near answer.
TIME_KINDS: Final = frozenset({"date", "start", "end", "arrival", "deadline", "can-signup"})
