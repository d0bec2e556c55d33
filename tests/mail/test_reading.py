"""Reading raw e-mails: decoding, the reply without the quoted invitation, automatic messages.

Real messages are in ``tests/mail/samples`` (written for these tests, one per kind of mailer,
charset and automatic message) and in the shared dev set; small cases are built inline.
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.mail.reading import ReadMail, cut_reply, decode_bytes, read_message, topic_of

SAMPLES = Path(__file__).parent / "samples"
DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev-mail"
INVITATION_WORDS = ("Tilmelding senest", "Tidspunkt:", "Hadsundvej", "Scandic", "Kontakt:")


def sample(name: str) -> ReadMail:
    return read_message((SAMPLES / name).read_bytes())


def dev(name: str) -> ReadMail:
    path = DEV / name
    if not path.exists():
        pytest.skip("the shared dev set is not here")
    return read_message(path.read_bytes())


def build(body: str, *, subject: str = "SV: Invitation", html: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Karen Holm <karen.holm@jammerbugt.dk>"
    message["To"] = "rammeaftalesekretariat@aalborg.dk"
    message["Subject"] = subject
    message["Message-ID"] = "<test-1@jammerbugt.dk>"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return bytes(message)


# -- the dev set ------------------------------------------------------------------------------


def test_dev_outlook_signup_is_read_whole() -> None:
    mail = dev("01-signup-outlook.eml")
    assert mail.message_key == "AM0PR01MB1234A@eurprd01.prod.outlook.com"
    assert mail.from_name == "Karen Holm"
    assert mail.from_address == "karen.holm@jammerbugt.dk"
    assert mail.subject == "SV: Invitation: Temadag for Handicaprådene i Nordjylland – 2024"
    assert mail.topic == "Invitation: Temadag for Handicaprådene i Nordjylland – 2024"
    assert mail.reply == (
        "Hej\n\nHermed tilmelding til temadagen.\n\n"
        "Med venlig hilsen\nKaren Holm\nHandicaprådet, Jammerbugt Kommune"
    )
    assert "Tilmelding senest den 12. april 2024" in mail.text
    assert mail.automatic is None and mail.problems == ()


def test_dev_gmail_cancel_reply_stops_at_attribution() -> None:
    mail = dev("03-cancel-gmail.eml")
    assert mail.reply == "Jeg bliver desværre nødt til at melde fra alligevel.\n\nKaren"


def test_dev_html_only_reply_stops_at_divrplyfwdmsg() -> None:
    mail = dev("07-signup-html-only.eml")
    assert mail.reply == (
        "Ja tak, jeg deltager gerne.\n\nVenlig hilsen\nBirgit Dahl\nHandicaprådet, Rebild"
    )
    assert "Tilmelding senest" in mail.text


def test_dev_latin1_sender_and_body() -> None:
    mail = dev("11-signup-latin1.eml")
    assert mail.from_name == "Søren Ærø"
    assert mail.reply == "Tilmelding: Søren Ærø, Handicaprådet i Brønderslev\n\nMvh Søren"


@pytest.mark.parametrize(
    ("name", "automatic"),
    [
        ("04-autoreply-exchange.eml", "auto-reply"),
        ("05-bounce.eml", "bounce"),
        ("09-bulk-newsletter.eml", "bulk"),
        ("01-signup-outlook.eml", None),
    ],
)
def test_dev_automatic(name: str, automatic: str | None) -> None:
    assert dev(name).automatic == automatic


def test_dev_bounce_names_the_failed_recipient() -> None:
    assert dev("05-bounce.eml").bounced_recipients == ("ukendt@example.dk",)


def test_dev_duplicate_has_the_same_key() -> None:
    assert dev("10-duplicate-of-01.eml").message_key == dev("01-signup-outlook.eml").message_key


# -- the samples: the reply exactly -----------------------------------------------------------

EXACT_REPLIES = {
    "s01-outlook-da-signup.eml": (
        "Hej\n\nJeg deltager gerne.\n\nMed venlig hilsen\n\nLone Berg\nFormand\n"
        "Ældrerådet, Aalborg Kommune\nTlf. 99 31 31 31\nlobe@aalborg.dk"
    ),
    "s02-outlook-en-bold.eml": (
        "Hermed tilmelding til temadagen den 31. maj.\n\nBest regards\nPeter Madsen\n"
        "Danske Handicaporganisationer"
    ),
    "s03-outlook-web-html-divrplyfwdmsg.eml": (
        "Hej\n\nJeg vil gerne tilmelde mig temadagen.\n\nVenlig hilsen\nMads Kirkegaard\n"
        "Handicaprådet, Thisted Kommune"
    ),
    "s04-gmail-da-attribution.eml": (
        "Ja tak!\n\nMvh\nAnne Vestergaard\nBrugerrepræsentant, Ældrerådet i Rebild"
    ),
    "s05-gmail-da-wrapped.eml": "Hej\n\nNej tak\n\nMvh Kurt",
    "s06-gmail-en-wrapped.eml": "Hi,\n\nIs there parking at the hotel?\n\nBest,\nEmma",
    "s07-apple-ipad-nfd.eml": "Jeg vil gerne deltage på temadagen.\n\nVenlig hilsen\nMorten Kjær",
    "s08-iphone-ja-tak.eml": "Ja tak",
    "s09-ja-tak-exclaim.eml": "Ja tak!",
    "s10-tak-jeg-kommer.eml": "Tak, jeg kommer\n\nHilsen\nBente",
    "s11-kan-desvaerre-ikke.eml": "Jeg kan desværre ikke deltage.\n\nVh. Jørgen",
    "s13-question-html-only.eml": "Hej\n\nHvor foregår temadagen?\n\nVenlig hilsen\nRasmus Lykke",
    "s14-windows-1252.eml": (
        "Jeg vil gerne tilmelde mig – også til frokosten.\n\nMvh Bjørn Ærenlund\n"
        "Ældrerådet, Hjørring Kommune"
    ),
    "s15-iso-8859-1.eml": (
        "Må jeg tage min førerhund med på hotellet?\n\nVenlig hilsen\nSøs Hjørnholm"
    ),
    "s18-ascii-label-utf8-body.eml": (
        "Jeg vil gerne deltage i temadagen.\n\nMvh Torben Ager\nHandicaprådet i Rebild"
    ),
    "s19-latin1-label-utf8-body.eml": "Hvornår åbner dørene om morgenen?\n\nLise",
    "s20-utf8-label-cp1252-body.eml": (
        "Jeg må desværre trække min tilmelding tilbage.\n\nMvh Preben Østergaard"
    ),
    "s21-multipart-missing-boundary.eml": "Jeg deltager gerne.\n\nCarsten Bro",
    "s28-forwarded-invitation-question.eml": (
        "Hej\n\nJeg har fået denne videresendt fra vores formand. Må jeg deltage, selvom jeg kun "
        "er suppleant i rådet?\n\nMvh\nTina Sørensen"
    ),
    "s29-oprindelig-meddelelse.eml": "Jeg er desværre forhindret i at deltage alligevel.\nVh Poul",
    "s30-original-message-en.eml": (
        "Please sign me up.\n\nKind regards,\nEmma Larsen\nDanish Disability Council"
    ),
    "s31-outlook-android.eml": "Hej, vi kommer to fra Handicaprådet i Rebild.",
    "s32-empty-reply.eml": "",
    "s34-thunderbird-bottom-post.eml": "Ja tak, jeg deltager.\n\nHilsen Svend Aage",
    "s36-outlook-alternative-cancel.eml": (
        "Jeg kan desværre ikke komme alligevel, da vi har møde i rådet samme dag.\n\n"
        "Mvh Inge Lise Bruun"
    ),
    "s38-decline-inverted.eml": (
        "Tak for invitationen. Desværre kan jeg ikke deltage.\n\nMed venlig hilsen\n"
        "Niels Thomsen\nÆldrerådet, Thisted Kommune"
    ),
}


@pytest.mark.parametrize(("name", "reply"), sorted(EXACT_REPLIES.items()))
def test_sample_reply_exactly(name: str, reply: str) -> None:
    assert sample(name).reply == reply


ALL_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.eml"))
DEV_FILES = sorted(p.name for p in DEV.glob("*.eml")) if DEV.exists() else []


def test_there_are_enough_samples() -> None:
    assert len(ALL_SAMPLES) >= 30


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_invitation_words_never_leak_into_the_reply(name: str) -> None:
    mail = sample(name)
    for words in INVITATION_WORDS:
        assert words not in mail.reply, (name, words)
    assert unicodedata.is_normalized("NFC", mail.reply)


@pytest.mark.parametrize("name", DEV_FILES)
def test_dev_invitation_words_never_leak_into_the_reply(name: str) -> None:
    mail = dev(name)
    for words in INVITATION_WORDS:
        assert words not in mail.reply, (name, words)


# -- the samples: headers, charsets, broken MIME ----------------------------------------------


def test_encoded_word_subject_in_latin1_q() -> None:
    mail = sample("s16-subject-latin1-q.eml")
    assert mail.subject == "SV: Invitation: Temadag for Handicaprådene i Nordjylland"
    assert mail.topic == "Invitation: Temadag for Handicaprådene i Nordjylland"


def test_forward_prefixes_are_all_removed() -> None:
    mail = sample("s28-forwarded-invitation-question.eml")
    assert mail.topic == "Invitation: Temadag for Handicapradene i Nordjylland - 2024"


def test_threading_headers() -> None:
    mail = sample("s01-outlook-da-signup.eml")
    assert mail.message_id == "AM6PR10MB0001@eurprd10.prod.outlook.com"
    assert mail.in_reply_to == "inv-2024-0402-1012@aalborg.dk"
    assert mail.references == ("inv-2024-0402-1012@aalborg.dk",)
    assert mail.to_addresses == ("rammeaftalesekretariat@aalborg.dk",)
    assert mail.date is not None and mail.date.isoformat() == "2024-04-03T09:30:00+00:00"


def test_no_message_id_gives_the_hash_of_the_raw_bytes() -> None:
    raw = (SAMPLES / "s17-no-message-id.eml").read_bytes()
    mail = read_message(raw)
    assert mail.message_id is None
    assert mail.message_key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert "no Message-ID" in mail.problems


def test_quoted_comma_display_name_and_raw_8bit_header() -> None:
    mail = sample("s11-kan-desvaerre-ikke.eml")
    assert mail.from_name == "Holm, Jørgen"
    assert mail.from_address == "jho@hjoerring.dk"


def test_unquoted_comma_in_from_still_finds_the_address() -> None:
    raw = b"From: Holm, Karen <KH@Jammerbugt.dk>\r\nSubject: x\r\n\r\nJa tak\r\n"
    mail = read_message(raw)
    assert mail.from_address == "kh@jammerbugt.dk"
    assert mail.from_name == "Karen"


def test_windows_1252_body() -> None:
    mail = sample("s14-windows-1252.eml")
    assert "–" in mail.reply and "Ærenlund" in mail.reply
    assert mail.problems == ("From: raw 8-bit header",)


def test_declared_ascii_but_utf8() -> None:
    assert (
        "text/plain: declared us-ascii but is utf-8"
        in sample("s18-ascii-label-utf8-body.eml").problems
    )


def test_declared_latin1_but_utf8() -> None:
    mail = sample("s19-latin1-label-utf8-body.eml")
    assert "Ã" not in mail.text
    assert any("declared iso-8859-1 but is utf-8" in p for p in mail.problems)
    assert mail.from_name == "Lise Å. Dam"


def test_declared_utf8_but_windows_1252() -> None:
    mail = sample("s20-utf8-label-cp1252-body.eml")
    assert "Østergaard" in mail.reply and "\ufffd" not in mail.text
    assert "text/plain: read as windows-1252" in mail.problems


def test_multipart_without_boundary_is_split_on_the_one_used() -> None:
    mail = sample("s21-multipart-missing-boundary.eml")
    assert "multipart boundary missing or wrong; split on the one used" in mail.problems
    assert "Content-Type" not in mail.text


def test_garbage_is_read_without_raising() -> None:
    mail = sample("s37-garbage.eml")
    assert mail.message_key.startswith("sha256:")
    assert mail.from_address is None
    assert mail.subject.startswith("Hej")
    assert "NUL bytes removed" in mail.problems
    assert "no From address" in mail.problems


def test_attachments_are_listed() -> None:
    assert sample("s40-attachment-only.eml").attachments == ("tilmelding.pdf",)


def test_embedded_logo_and_smime_signature_are_no_attachments() -> None:
    mail = sample("s41-smime-signed-inline-logo.eml")
    assert mail.attachments == ()
    assert mail.reply == (
        "Tak for invitationen.\n\nTak\n\nMed venlig hilsen\nHenrik Bæk\n"
        "Handicaprådet, Vesthimmerlands Kommune"
    )


def test_mobile_signature_removed_and_nfd_normalised() -> None:
    mail = sample("s07-apple-ipad-nfd.eml")
    assert "iPad" not in mail.reply
    assert "på" in mail.reply  # composed: "å" is one character again


# -- automatic messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "automatic"),
    [
        ("s22-exchange-ooo.eml", "auto-reply"),  # the Exchange header pair
        ("s23-gmail-vacation.eml", "auto-reply"),  # Auto-Submitted: auto-replied only
        ("s24-fravaerende-subject.eml", "auto-reply"),  # only the subject says so
        ("s25-postfix-bounce-dsn.eml", "bounce"),
        ("s26-bounce-text-only.eml", "bounce"),
        ("s27-newsletter-list-unsubscribe.eml", "bulk"),
        ("s35-read-receipt.eml", "auto-reply"),
        ("s01-outlook-da-signup.eml", None),
        ("s10-tak-jeg-kommer.eml", None),
    ],
)
def test_sample_automatic(name: str, automatic: str | None) -> None:
    assert sample(name).automatic == automatic


def test_dsn_bounce_lists_only_failed_recipients() -> None:
    mail = sample("s25-postfix-bounce-dsn.eml")
    assert mail.bounced_recipients == ("tidligere.formand@lokalforening.dk",)


def test_text_only_bounce_finds_the_address_before_the_copy() -> None:
    assert sample("s26-bounce-text-only.eml").bounced_recipients == ("gammel.adresse@thisted.dk",)


@pytest.mark.parametrize(
    ("extra", "automatic"),
    [
        ("Auto-Submitted: no\r\n", None),
        ("Auto-Submitted: auto-generated\r\n", "auto-reply"),
        ("X-Autoreply: yes\r\n", "auto-reply"),
        ("X-Autorespond: Out of office\r\n", "auto-reply"),
        ("X-Auto-Response-Suppress: All\r\n", None),  # Outlook puts it on ordinary mail too
        ("Precedence: bulk\r\n", "bulk"),
        ("Precedence: list\r\n", "bulk"),
        ("Precedence: junk\r\n", "bulk"),
        ("List-Id: <nyt.kl.dk>\r\n", "bulk"),
        ("Return-Path: <>\r\n", "auto-reply"),
        ("X-Failed-Recipients: gone@x.dk\r\n", "bounce"),
    ],
)
def test_automatic_headers(extra: str, automatic: str | None) -> None:
    raw = f"From: A <a@x.dk>\r\nSubject: SV: Invitation\r\n{extra}\r\nJa tak\r\n".encode()
    assert read_message(raw).automatic == automatic


@pytest.mark.parametrize(
    ("subject", "automatic"),
    [
        ("Automatisk svar: Invitation", "auto-reply"),
        ("Fraværende: Invitation", "auto-reply"),
        ("Out of Office: Invitation", "auto-reply"),
        ("Autosvar: Invitation", "auto-reply"),
        ("SV: Invitation", None),
        ("SV: Automatisk svar er ikke det her", None),
    ],
)
def test_automatic_subjects(subject: str, automatic: str | None) -> None:
    assert read_message(build("Hej", subject=subject)).automatic == automatic


def test_bounce_wins_over_auto_submitted() -> None:
    assert dev("05-bounce.eml").automatic == "bounce"


# -- cutting the quote ------------------------------------------------------------------------

OUTLOOK_BLOCK = (
    "Fra: Sekretariat <rammeaftalesekretariat@aalborg.dk>\nSendt: 2. april 2024 10:12\n"
    "Til: Handicaprådene\nEmne: Invitation\n\nTilmelding senest den 12. april 2024.\n"
)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Ja tak\n\n" + OUTLOOK_BLOCK, "Ja tak"),
        ("Ja tak", "Ja tak"),
        ("Tak, jeg kommer gerne.\nFra: x", "Tak, jeg kommer gerne.\nFra: x"),  # no header block
        ("Ja tak\n________________________________\n" + OUTLOOK_BLOCK, "Ja tak"),
        (
            "Ja tak\n" + OUTLOOK_BLOCK.replace("Fra:", "*Fra:*").replace("Sendt:", "*Sendt:*"),
            "Ja tak",
        ),
        (
            "Ja tak\n" + OUTLOOK_BLOCK.replace("Fra:", "**From:**").replace("Sendt:", "**Sent:**"),
            "Ja tak",
        ),
        (
            "Ja tak\nFra: x <x@y.dk>\nDato: onsdag, 3. april 2024 kl. 11.20\nTil: y\nEmne: z\n",
            "Ja tak",
        ),  # Outlook for Mac
        ("Ja tak\n-----Oprindelig meddelelse-----\nFra: x", "Ja tak"),
        ("Yes\n-----Original Message-----\nFrom: x", "Yes"),
        ("Ja\n---------- Videresendt besked ----------\nFra: x", "Ja"),
        ("Ja\n---------- Forwarded message ---------\nFrom: x", "Ja"),
        ("Ja\n\nStart på videresendt besked:\n\nFra: x", "Ja"),
        ("Ja\n\nBegin forwarded message:\n\nFrom: x", "Ja"),
        ("Ja tak\n\nDen ons. 3. apr. 2024 kl. 11.20 skrev Sekretariat <s@a.dk>:\n> x\n", "Ja tak"),
        (
            "Ja tak\n\nDen ons. 3. apr. 2024 kl. 11.20 skrev Sekretariat for Nordjysk <\n"
            "s@a.dk>:\n> x\n",
            "Ja tak",
        ),
        ("Ja tak\n\nDen 3. apr. 2024 kl. 11.20 skrev Sekretariat <s@a.dk>:\n\n> x", "Ja tak"),
        ("Ja tak\n\nOn Wed, Apr 3, 2024 at 11:20 AM Sekretariat <s@a.dk> wrote:\n> x", "Ja tak"),
        (
            "Yes\n\nOn Wed, Apr 3, 2024 at 11:20 AM Sekretariat for Nordjysk Socialaftale <\n"
            "s@a.dk> wrote:\n\n> x",
            "Yes",
        ),
        ("Ja tak\n\nOn 3 Apr 2024, at 11:20, Sekretariat <s@a.dk> wrote:\n\n> x", "Ja tak"),
        ("Ja tak\n> a\n> b", "Ja tak"),
        # The attribution right under the reply's last line, with no blank line between.
        (
            "Ja tak, jeg kommer.\nVh Karen Holm\nDen ons. 3. apr. 2024 kl. 11.20 skrev "
            "Sekretariat <s@a.dk>:\n> x",
            "Ja tak, jeg kommer.\nVh Karen Holm",
        ),
        ("Ja tak\nDen 3. apr. 2024 kl. 11.20 skrev Sekretariat <s@a.dk>:\n> x", "Ja tak"),
        (
            "Yes please, two of us.\nOn Wed, Apr 3, 2024 at 11:20 AM Sekretariat <\n"
            "s2@a.dk> wrote:\n> x",
            "Yes please, two of us.",
        ),
        (
            "Ja tak\nDen ons. 3. apr. 2024 kl. 11.20 skrev Sekretariat for Nordjysk <\n"
            "s@a.dk>:\n> x\n",
            "Ja tak",
        ),
        # Apple Mail quotes the attribution with the rest.
        (
            "Ja tak\nMvh Ib\n> Den 3. apr. 2024 kl. 11.20 skrev Sekretariat <s@a.dk>:\n> x",
            "Ja tak\nMvh Ib",
        ),
        ("Ja tak\nSendt fra min iPhone", "Ja tak"),
        ("Ja tak\n\nSendt fra min iPad", "Ja tak"),
        ("Ja tak\n\nSent from my iPhone", "Ja tak"),
        ("Ja tak\n\nHentet fra Outlook til Android", "Ja tak"),
        ("Ja tak\n\nHent Outlook til iOS<https://aka.ms/o0ukef>", "Ja tak"),
        ("Ja tak\n\nSendt fra Mail til Windows", "Ja tak"),
    ],
)
def test_cut_reply(text: str, reply: str) -> None:
    assert cut_reply(text) == reply


@pytest.mark.parametrize(
    "text",
    [
        "Tak",
        "Tak for invitationen. Jeg kommer.",
        "Den 3. maj skrev jeg til jer: vi kommer to.",  # the sender writing, not an attribution
        "Vi er 10 > 5 personer, så vi kommer mange.",
        "> 3 deltagere\nfra Rebild kommer.",  # one ">" line followed by own words is not a quote
        "Sendt fra kommunen: vi kommer to.",  # not a mobile signature
        "Fra: Handicaprådet i Rebild\nVi kommer to.",  # "Fra:" without a header block after it
    ],
)
def test_cut_reply_never_cuts_the_reply_itself(text: str) -> None:
    assert cut_reply(text) == text


def test_html_blockquote_and_gmail_quote_are_cut() -> None:
    html = (
        '<div dir="ltr">Ja tak<div><br></div><div>Mvh Karen</div></div><br>'
        '<div class="gmail_quote"><blockquote>Tilmelding senest 12. april</blockquote></div>'
    )
    mail = read_message(build("", html=html).replace(b"text/plain", b"text/x-empty"))
    assert mail.reply == "Ja tak\n\nMvh Karen"
    assert "Tilmelding senest" in mail.text


def test_html_hr_then_from_block_is_cut() -> None:
    html = (
        "<p>Jeg deltager gerne.</p><hr><p><b>From:</b> Sekretariat<br><b>Sent:</b> 2 April</p>"
        "<p>Tilmelding senest 12. april</p>"
    )
    mail = read_message(build("", html=html).replace(b"text/plain", b"text/x-empty"))
    assert mail.reply == "Jeg deltager gerne."


def test_html_line_breaks_are_kept() -> None:
    html = "<div>Linje 1<br>Linje 2</div><div>Linje 3</div><p>Afsnit</p><p>Nyt afsnit</p>"
    mail = read_message(build("", html=html).replace(b"text/plain", b"text/x-empty"))
    assert mail.text == "Linje 1\nLinje 2\nLinje 3\n\nAfsnit\n\nNyt afsnit"


def test_plain_text_part_is_preferred_to_html() -> None:
    mail = read_message(build("Ja tak fra teksten", html="<p>Ja tak fra html</p>"))
    assert mail.reply == "Ja tak fra teksten"


# -- topics and charsets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "topic"),
    [
        ("SV: Invitation", "Invitation"),
        ("Sv: SV: Re: RE: VS: Fw: FW: Fwd: AW: WG: Antw: Invitation", "Invitation"),
        ("Re[2]: Invitation", "Invitation"),
        ("RE : Invitation", "Invitation"),
        ("[EKSTERN] SV: Invitation", "Invitation"),
        ("Automatisk svar: Invitation", "Automatisk svar: Invitation"),
        ("SV: Automatisk svar: Invitation", "Automatisk svar: Invitation"),
        ("Svar på spørgsmål", "Svar på spørgsmål"),  # "Svar" is no prefix without its colon
        ("", ""),
    ],
)
def test_topic_of(subject: str, topic: str) -> None:
    assert topic_of(subject) == topic


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("æøå".encode(), "utf-8", "æøå"),
        ("æøå".encode("latin-1"), "iso-8859-1", "æøå"),
        ("– ’".encode("cp1252"), "iso-8859-1", "– ’"),  # latin-1 labels mean windows-1252
        ("æøå".encode("cp1252"), "windows-1252", "æøå"),
        ("æøå".encode(), "us-ascii", "æøå"),
        ("æøå".encode("cp1252"), "us-ascii", "æøå"),
        ("æøå".encode(), None, "æøå"),
        ("æøå".encode("cp1252"), None, "æøå"),
        ("æøå".encode(), "x-no-such-charset", "æøå"),
        ("æøå".encode(), "rot13", "æøå"),  # a codec, but not a text charset
        (b"\xff\xfe", "utf-8", "ÿþ"),
    ],
)
def test_decode_bytes(data: bytes, charset: str | None, text: str) -> None:
    assert decode_bytes(data, charset, [], "t") == text


def test_partly_broken_utf8_keeps_its_good_characters() -> None:
    problems: list[str] = []
    assert decode_bytes("Søren ".encode() + b"\xff", "utf-8", problems, "t") == "Søren \ufffd"
    assert problems == ["t: not valid utf_8"]


# -- robustness -------------------------------------------------------------------------------


def test_huge_plain_body_is_quick() -> None:
    body = "Ja tak, jeg deltager.\n\n" + ("> Tilmelding senest den 12. april. " * 50 + "\n") * 1200
    raw = build(body)
    assert len(raw) > 2_000_000
    started = time.perf_counter()
    mail = read_message(raw)
    assert time.perf_counter() - started < 2.0
    assert mail.reply == "Ja tak, jeg deltager."
    assert any("text cut" in p for p in mail.problems)


def test_huge_html_body_is_quick() -> None:
    html = "<div>Ja tak</div><blockquote>" + "<p>Tilmelding <b>senest</b></p>" * 70_000
    raw = build("", html=html + "</blockquote>").replace(b"text/plain", b"text/x-empty")
    assert len(raw) > 2_000_000
    started = time.perf_counter()
    mail = read_message(raw)
    assert time.perf_counter() - started < 2.0
    assert mail.reply == "Ja tak"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x00\x00",
        b"\r\n\r\n",
        b"Subject: only\r\n",
        b"From: <>\r\nMessage-ID: <>\r\n\r\n",
        b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n--x--',
        b'Content-Type: text/plain; charset=""\r\n\r\n\xe6',
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
        b"Content-Type: message/rfc822\r\n\r\nFrom: x\r\n\r\nbody",
        b"Date: 99 Foo 20240 99:99:99 +9999\r\nFrom: a@b\r\n\r\nx",
        b"Subject: =?utf-8?B?" + b"A" * 10_000 + b"?=\r\n\r\nx",
        b"From: " + b"a" * 100_000 + b"\r\n\r\nx",
    ],
)
def test_bad_input_never_raises(raw: bytes) -> None:
    mail = read_message(raw)
    assert isinstance(mail.message_key, str) and mail.message_key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    read_message(raw)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mangled_samples_never_raise(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(ALL_SAMPLES))
    raw = bytearray((SAMPLES / name).read_bytes())
    for _ in range(data.draw(st.integers(0, 20))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    read_message(bytes(raw[:cut]))
