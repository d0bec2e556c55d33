"""The session a person's own words name (an e-mail reply): by its label or its title, one only."""

from __future__ import annotations

import pytest

from bot.registrations.rules import session_named
from tests.registrations.events import make_event

EVENT = make_event(
    "workshops",
    sessions=[
        {"key": "1", "title": "Socialpsykiatri"},
        {"key": "2", "title": "Udsatte borgere"},
        {"key": "C", "kind": "workshop", "title": "Hjerneskade og rehabilitering"},
    ],
    choose_session="at_signup",
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Jeg vælger session 2, tak.", "2"),
        ("Skriv mig på Session nr. 1", "1"),
        ("I'd like workshop C please", "C"),
        ("jeg vil gerne deltage i udsatte borgere", "2"),  # by its title
        ("Jeg deltager gerne.", None),  # none named
        ("Session 1 eller session 2, det er lige meget", None),  # two: staff ask
        ("Jeg kommer kl. 2", None),  # a number alone is no session
    ],
)
def test_the_session_named_in_a_reply(text: str, key: str | None) -> None:
    found = session_named(EVENT, text)
    assert (found.key if found else None) == key


def test_an_event_without_sessions_has_none_to_name() -> None:
    assert session_named(make_event("plain"), "session 1") is None
