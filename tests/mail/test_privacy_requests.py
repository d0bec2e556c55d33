"""Which e-mails are privacy requests: only a reply that is just the request, in either language."""

from __future__ import annotations

import pytest

from bot.channels.mail.classify import PrivacyRequest, privacy_request
from bot.channels.mail.reading import read_message


def mail(body: str, automatic: bool = False) -> bytes:
    headers = "Auto-Submitted: auto-replied\r\n" if automatic else ""
    return (
        "From: Karen Holm <karen@example.dk>\r\nTo: bot@example.dk\r\nSubject: SV: Temadag\r\n"
        f"Message-ID: <a1@example.dk>\r\n{headers}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("mine data", PrivacyRequest("export", "da")),
        ("Hej\n\nMine data, tak!\n\nMvh Karen Holm", PrivacyRequest("export", "da")),
        ("Send mig alle mine oplysninger", PrivacyRequest("export", "da")),
        ("Please send me my data", PrivacyRequest("export", "en")),
        ("my data", PrivacyRequest("export", "en")),
        ("Slet mig.", PrivacyRequest("erase", "da")),
        ("Hej sekretariatet,\n\nslet mine data\n\nMed venlig hilsen\nKaren Holm",
         PrivacyRequest("erase", "da")),
        ("Delete me please", PrivacyRequest("erase", "en")),
        ("JA, SLET", PrivacyRequest("confirm", "da")),
        ("ja slet det", PrivacyRequest("confirm", "da")),
        ("Yes, delete", PrivacyRequest("confirm", "en")),
        # Questions and messages that only mention data or deleting are not requests.
        ("Hvilke data skal I bruge fra mig?", None),
        ("Jeg vil gerne slette min tilmelding", None),
        ("Ja tak, jeg deltager gerne.", None),
        ("Slet mig fra listen og send mig programmet", None),
        ("data", None),
    ],
)  # fmt: skip
def test_only_a_reply_that_is_just_the_request_counts(
    body: str, expected: PrivacyRequest | None
) -> None:
    assert privacy_request(read_message(mail(body))) == expected


def test_an_auto_reply_is_never_a_request() -> None:
    assert privacy_request(read_message(mail("mine data", automatic=True))) is None
