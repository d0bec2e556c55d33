"""The venue's accessibility as an event's knowledge states it (``venue.access``), and the kind
of question each part of it answers.

A part the file leaves out is not known: the question goes to staff, never "no". A part stated
as yes or no is said in a sentence of its own; one stated in words is said in those words, after
what it is about.
"""

from __future__ import annotations

from typing import Final

from bot.answering.compose import gettext
from bot.i18n import N_, Lang
from bot.knowledge.schema import ACCESS_LABELS, Event

# The kind of question each field answers (``bot.understanding.kinds``).
ACCESS_KINDS: Final = {
    "accessibility": "step_free",
    "accessible-toilet": "accessible_toilet",
    "hearing-loop": "hearing_loop",
    "disabled-parking": "disabled_parking",
    "quiet-room": "quiet_room",
    "public-transport": "public_transport",
    "seating": "seating",
}

# A field stated as yes or as no, in a sentence of its own.
_YES: Final = {
    "step_free": N_("Yes, there is step-free access."),
    "accessible_toilet": N_("Yes, there is an accessible toilet."),
    "hearing_loop": N_("Yes, there is a hearing loop in the room."),
    "disabled_parking": N_("Yes, there is parking for disabled people."),
    "quiet_room": N_("Yes, there is a quiet room."),
}
_NO: Final = {
    "step_free": N_("No, there is no step-free access."),
    "accessible_toilet": N_("No, there is no accessible toilet."),
    "hearing_loop": N_("No, there is no hearing loop in the room."),
    "disabled_parking": N_("No, there is no parking for disabled people."),
    "quiet_room": N_("No, there is no quiet room."),
}


def access_answer(event: Event, kind: str, lang: Lang) -> str | None:
    """What the event's venue states about the part a question of ``kind`` asks, or None."""
    key = ACCESS_KINDS.get(kind)
    access = event.venue.access if event.venue is not None else None
    if key is None or access is None:
        return None
    value = getattr(access, key)
    if value is None:
        return None
    if value is True:
        return gettext(lang, _YES[key])
    if value is False:
        return gettext(lang, _NO[key])
    return f"{gettext(lang, ACCESS_LABELS[key])}: {value}"
