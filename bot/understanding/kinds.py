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
        "parking",
        "companion",
        "diet",
        "accessibility",
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
