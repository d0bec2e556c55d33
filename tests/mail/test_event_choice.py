"""Which event a reply is about: never guessed from a word like "invitationen" (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_bot

REPLY = """\
From: Bente Hansen <bente@example.dk>
To: Sekretariatet <rammeaftalesekretariat@aalborg.dk>
Subject: {subject}
Date: Mon, 01 Apr 2024 09:00:00 +0000
Message-ID: <{n}@example.dk>
Content-Type: text/plain; charset="utf-8"

Ja tak, jeg kommer gerne.

Bente
"""


def preview(tmp_path: Path, subject: str, n: int) -> dict[str, object]:
    mail = tmp_path / f"{n}.eml"
    mail.write_text(REPLY.format(subject=subject, n=n), encoding="utf-8")
    result = run_bot("mail", "preview", "--json", "--now", "2024-04-01T12:00", str(mail))
    assert result.returncode == 0, result.stderr
    outcome: dict[str, object] = json.loads(result.stdout.splitlines()[0])
    return outcome


def test_a_yes_to_the_invitation_without_an_event_goes_to_staff(tmp_path: Path) -> None:
    """'Re: Invitationen' names no event: never a past one whose text says 'invitationen',
    never a reply signed in that organiser's name. A person looks at it."""
    outcome = preview(tmp_path, "Re: Invitationen", 1)
    assert outcome["event"] is None and outcome["escalate"] is True
    assert "KKR Midtjylland" not in str(outcome["reply"] or "")


def test_a_yes_whose_subject_names_the_event_signs_up_for_it(tmp_path: Path) -> None:
    outcome = preview(tmp_path, "SV: Temadag for Handicaprådene i Nordjylland – 2024", 2)
    assert outcome["event"] == "handicapraad-temadag-2024" and outcome["action"] == "signup"
