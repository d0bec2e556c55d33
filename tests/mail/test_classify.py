"""Deciding what a read e-mail wants, with the real knowledge base and answering core.

The dev set's expectations come from its ``cases.yaml``; the samples' are written here. Replies
the answering core reads wrongly are kept as strict xfails, so a fix in the core shows up here.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering import Answerer
from bot.channels.mail.classify import Classification, classify, read_signature, sender
from bot.channels.mail.reading import ReadMail, read_message

SAMPLES = Path(__file__).parent / "samples"
DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev-mail"
EVENT = "handicapraad-temadag-2024"
NOW = datetime.fromisoformat("2024-04-10T12:00:00+02:00")
QUOTE = (
    "\n\nFra: Sekretariat for Nordjysk Socialaftale <rammeaftalesekretariat@aalborg.dk>\n"
    "Sendt: 2. april 2024 10:12\nTil: Handicaprådene i Nordjylland\nEmne: Invitation\n\n"
    "Tilmelding senest den 12. april 2024 ved dette link.\n"
)


def mail_with(reply: str, sender_: str = "Karen Holm <karen.holm@jammerbugt.dk>") -> ReadMail:
    """A plain Outlook reply with the invitation quoted below ``reply``."""
    message = EmailMessage()
    message["From"] = sender_
    message["To"] = "rammeaftalesekretariat@aalborg.dk"
    message["Subject"] = "SV: Invitation: Temadag for Handicaprådene i Nordjylland – 2024"
    message["Message-ID"] = "<t@jammerbugt.dk>"
    message.set_content(reply + QUOTE)
    return read_message(bytes(message))


def decide(answerer: Answerer, mail: ReadMail, now: datetime = NOW) -> Classification:
    return classify(mail, answerer, EVENT, "da", now)


# -- the dev set, as cases.yaml expects -------------------------------------------------------


def _dev_runs() -> list[Any]:
    if not (DEV / "cases.yaml").exists():
        return []
    runs: list[dict[str, Any]] = yaml.safe_load((DEV / "cases.yaml").read_text())["runs"]
    return [
        pytest.param(
            run["now"], [case["file"] for case in run["cases"]], run["cases"], id=run["now"]
        )
        for run in runs
    ]


@pytest.mark.parametrize(("now", "files", "cases"), _dev_runs())
def test_dev_set(
    answerer: Answerer, now: str, files: list[str], cases: list[dict[str, Any]]
) -> None:
    """Every dev message, in order: action and name as expected (duplicates by their key)."""
    seen: set[str] = set()
    for case in cases:
        mail = read_message((DEV / case["file"]).read_bytes())
        # The duplicate is the handler's to drop, by the key read here; the pure layer shows it.
        if mail.message_key in seen:
            action = "ignore"
        else:
            seen.add(mail.message_key)
            decision = classify(mail, answerer, EVENT, "da", datetime.fromisoformat(now))
            action = decision.action
            if "name" in case:
                assert decision.name == case["name"], case["file"]
            if case.get("escalate") is not None and action == "question":
                assert decision.escalate == case["escalate"], case["file"]
        assert action == case["action"], case["file"]


def test_dev_set_is_here() -> None:
    if not DEV.exists():
        pytest.skip("the shared dev set is not here")
    assert len(_dev_runs()) == 2


# -- the samples ------------------------------------------------------------------------------

# file -> (action, name, organisation, escalate)
EXPECTED: dict[str, tuple[str, str | None, str | None, bool]] = {
    "s01-outlook-da-signup.eml": ("signup", "Lone Berg", "Ældrerådet, Aalborg Kommune", False),
    "s02-outlook-en-bold.eml": ("signup", "Peter Madsen", "Danske Handicaporganisationer", False),
    "s03-outlook-web-html-divrplyfwdmsg.eml": (
        "signup",
        "Mads Kirkegaard",
        "Handicaprådet, Thisted Kommune",
        False,
    ),
    "s04-gmail-da-attribution.eml": ("signup", "Anne Vestergaard", "Ældrerådet i Rebild", False),
    "s05-gmail-da-wrapped.eml": ("decline", "Kurt Jensen", None, False),
    "s06-gmail-en-wrapped.eml": ("question", "Emma Larsen", None, True),
    "s07-apple-ipad-nfd.eml": ("signup", "Morten Kjær", None, False),
    "s08-iphone-ja-tak.eml": ("signup", "Ib Holm", None, False),
    "s09-ja-tak-exclaim.eml": ("signup", "Gitte Nørgaard", None, False),
    # The core reads "Tak, jeg kommer" as small talk; staff get it rather than a "you're welcome".
    "s10-tak-jeg-kommer.eml": ("signup", "Bente Kristiansen", None, False),
    "s11-kan-desvaerre-ikke.eml": ("decline", "Jørgen Holm", None, False),
    "s12-cancel-with-reason.eml": (
        "cancel",
        "Susanne Bech",
        "Handicaprådet i Rebild Kommune",
        False,
    ),
    "s13-question-html-only.eml": ("question", "Rasmus Lykke", None, False),
    "s14-windows-1252.eml": ("signup", "Bjørn Ærenlund", "Ældrerådet, Hjørring Kommune", False),
    "s15-iso-8859-1.eml": ("question", "Søs Hjørnholm", None, True),
    "s16-subject-latin1-q.eml": ("signup", "Jens Ove Dalsgaard", None, False),
    "s17-no-message-id.eml": ("signup", "Hanne Møller", None, False),
    "s18-ascii-label-utf8-body.eml": ("signup", "Torben Ager", "Handicaprådet i Rebild", False),
    "s19-latin1-label-utf8-body.eml": ("question", "Lise Å. Dam", None, False),
    "s20-utf8-label-cp1252-body.eml": ("cancel", "Preben Østergaard", None, False),
    "s21-multipart-missing-boundary.eml": ("signup", "Carsten Bro", None, False),
    "s22-exchange-ooo.eml": ("ignore", None, None, False),
    "s23-gmail-vacation.eml": ("ignore", None, None, False),
    "s24-fravaerende-subject.eml": ("ignore", None, None, False),
    "s25-postfix-bounce-dsn.eml": ("ignore", None, None, False),
    "s26-bounce-text-only.eml": ("ignore", None, None, False),
    "s27-newsletter-list-unsubscribe.eml": ("ignore", None, None, False),
    # "Må jeg deltage, selvom jeg kun er suppleant i rådet?": who may come, asked with the
    # asker's own role, is answered with whom the day is for (issue 12).
    "s28-forwarded-invitation-question.eml": ("question", "Tina Sørensen", None, False),
    "s29-oprindelig-meddelelse.eml": ("cancel", "Poul Riis", None, False),
    "s30-original-message-en.eml": ("signup", "Emma Larsen", "Danish Disability Council", False),
    # The core cannot read "vi kommer to fra Handicaprådet i Rebild" as a signup: staff get it.
    # "vi kommer to fra Handicaprådet i Rebild": the reply names the organisation.
    "s31-outlook-android.eml": ("signup", "Vibeke Holt", "Handicaprådet i Rebild", False),
    "s32-empty-reply.eml": ("ignore", "Ole Kjeldsen", None, False),
    "s33-thanks-only.eml": ("ignore", "Jytte Winther", None, False),
    "s34-thunderbird-bottom-post.eml": ("signup", "Svend Aage Nielsen", None, False),
    "s35-read-receipt.eml": ("ignore", None, None, False),
    "s36-outlook-alternative-cancel.eml": ("cancel", "Inge Lise Bruun", None, False),
    "s37-garbage.eml": ("question", None, None, True),
    "s38-decline-inverted.eml": ("decline", "Niels Thomsen", "Ældrerådet, Thisted Kommune", False),
    "s39-signup-and-question.eml": ("signup", "Dorthe Lind", None, False),
    "s40-attachment-only.eml": ("question", "Bo Mikkelsen", None, True),
    # A signature's logo and an S/MIME signature are no attachment; the signature's "Bæk" beats
    # the From header's "Baek".
    "s41-smime-signed-inline-logo.eml": (
        "ignore",
        "Henrik Bæk",
        "Handicaprådet, Vesthimmerlands Kommune",
        False,
    ),
}


def test_every_sample_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in SAMPLES.glob("*.eml"))


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_sample(
    answerer: Answerer, name: str, expected: tuple[str, str | None, str | None, bool]
) -> None:
    decision = decide(answerer, read_message((SAMPLES / name).read_bytes()))
    action, person, organisation, escalate = expected
    assert (decision.action, decision.name, decision.organisation) == (
        action,
        person,
        organisation,
    ), decision.reason
    assert decision.escalate == escalate
    assert decision.reason


def test_bounce_reason_names_the_address(answerer: Answerer) -> None:
    decision = decide(answerer, read_message((SAMPLES / "s25-postfix-bounce-dsn.eml").read_bytes()))
    assert decision.reason == (
        "automatic message (bounce): undeliverable tidligere.formand@lokalforening.dk"
    )


def test_signup_with_a_question_keeps_the_question(answerer: Answerer) -> None:
    decision = decide(
        answerer, read_message((SAMPLES / "s39-signup-and-question.eml").read_bytes())
    )
    assert decision.questions == ("Hvornår starter temadagen?",)
    assert "also asks a question" in decision.reason


def test_the_core_gets_the_reply_without_its_signature(answerer: Answerer) -> None:
    decision = decide(answerer, read_message((SAMPLES / "s01-outlook-da-signup.eml").read_bytes()))
    assert decision.message == "Hej\n\nJeg deltager gerne."
    assert decision.answer is not None and decision.answer.intent == "signup"


def test_late_signup_is_still_a_signup(answerer: Answerer) -> None:
    late = datetime.fromisoformat("2024-04-20T12:00:00+02:00")
    mail = mail_with(
        "Jeg vil gerne tilmelde mig temadagen, hvis der stadig er plads.\n\nNiels Lund"
    )
    assert decide(answerer, mail, late).action == "signup"


# -- short replies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("Ja tak", "signup"),
        ("Ja tak!", "signup"),
        ("Hej\n\nJa tak", "signup"),
        ("Jeg deltager gerne", "signup"),
        ("Hermed tilmelding", "signup"),
        ("Tilmelding: Søren Ærø, Handicaprådet i Brønderslev", "signup"),
        ("Nej tak til frokost, men jeg deltager gerne.", "signup"),
        ("Nej tak", "decline"),
        ("Hej\n\nNej tak", "decline"),
        ("Nej tak, jeg kan ikke deltage denne gang.", "decline"),
        ("Jeg kan desværre ikke deltage", "decline"),
        ("Desværre kan jeg ikke deltage.", "decline"),  # the core alone reads a signup
        ("Jeg deltager ikke.", "decline"),
        ("Ja tak, jeg deltager gerne, men min kollega kan desværre ikke.", "signup"),
        ("Vi må desværre takke nej.", "decline"),
        ("Jeg har desværre ikke mulighed for at deltage.", "decline"),
        ("No thank you, I can't make it.", "decline"),
        ("Unfortunately I am unable to attend.", "decline"),
        ("Jeg må desværre melde fra", "cancel"),
        ("Jeg må desværre melde afbud, da jeg er blevet syg.", "cancel"),
        ("Jeg kan desværre ikke deltage alligevel.", "cancel"),
        ("Jeg vil gerne afmelde mig.", "cancel"),
        ("Hvornår starter temadagen?", "question"),
        ("Jeg kan desværre ikke finde programmet. Hvor kan jeg se det?", "question"),
        ("Må jeg tage en ledsager med?", "question"),
        ("Tak for invitationen", "ignore"),
        ("Tak!", "ignore"),
        ("Hej", "ignore"),
        ("Modtaget, tak", "ignore"),
        ("Hej Lise,\n\nTak for invitationen!", "ignore"),
        ("Hej Lise,\n\nJeg kan desværre ikke deltage.", "decline"),
        ("Mange tak for invitationen.\n\nMvh Karen", "ignore"),
        ("", "ignore"),
    ],
)
def test_short_replies(answerer: Answerer, reply: str, action: str) -> None:
    decision = decide(answerer, mail_with(reply))
    assert decision.action == action, decision.reason


def test_automatic_message_is_ignored_even_when_it_says_ja_tak(answerer: Answerer) -> None:
    message = EmailMessage()
    message["From"] = "Karen Holm <karen.holm@jammerbugt.dk>"
    message["Subject"] = "Automatisk svar: Invitation"
    message["Auto-Submitted"] = "auto-replied"
    message.set_content("Ja tak, jeg deltager gerne.")
    decision = decide(answerer, read_message(bytes(message)))
    assert (decision.action, decision.reason) == ("ignore", "automatic message (auto-reply)")


# Replies the answering core once read wrongly (now fixed in its lexicon; kept as cases).
REAL_REPLIES = [
    ("Tak, jeg kommer", "signup"),
    ("Tak, jeg kommer gerne", "signup"),
    ("Jeg kommer gerne", "signup"),
    ("Tak for invitationen, jeg kommer gerne", "signup"),
    ("Vi kommer to fra Handicaprådet i Rebild", "signup"),
    ("Tilmelder hermed Karen Holm og Jens Poulsen fra Handicaprådet", "signup"),
    ("Yes please, I will attend", "signup"),
    ("Jeg kan alligevel ikke komme", "cancel"),
    ("Jeg har desværre fået forfald", "cancel"),
]


@pytest.mark.parametrize(("reply", "action"), REAL_REPLIES)
def test_replies_people_write(answerer: Answerer, reply: str, action: str) -> None:
    assert decide(answerer, mail_with(reply)).action == action


def test_a_thanks_with_an_attachment_goes_to_staff(answerer: Answerer) -> None:
    decision = decide(answerer, read_message((SAMPLES / "s40-attachment-only.eml").read_bytes()))
    assert (decision.action, decision.escalate) == ("question", True)
    assert decision.reason == "only greetings or thanks, with an attachment"


# -- names and organisations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "from_", "name", "organisation"),
    [
        (
            "Ja tak\n\nMed venlig hilsen\nKaren Holm\nHandicaprådet, Jammerbugt Kommune",
            "Karen Holm <kh@x.dk>",
            "Karen Holm",
            "Handicaprådet, Jammerbugt Kommune",
        ),
        ("Ja tak\n\nMvh Ole Bak", "ole.bak@x.dk", "Ole Bak", None),
        ("Ja tak\n\nVenlig hilsen\nJens", "Jens Poulsen <jp@x.dk>", "Jens Poulsen", None),
        ("Nej tak\n\nHilsen Hanne", "Hanne Friis <hf@x.dk>", "Hanne Friis", None),
        ("Ja tak\n\nHilsen Hanne", "hf@x.dk", "Hanne", None),
        ("Ja tak\n\nmvh karen", "kh@x.dk", "Karen", None),
        (
            "Ja tak\n\nMvh\nKaren Holm, Handicaprådet i Rebild",
            "kh@x.dk",
            "Karen Holm",
            "Handicaprådet i Rebild",
        ),
        (
            "Ja tak\n\nMvh\nKaren Holm\nFormand\nTlf. 12345678\nÆldrerådet",
            "kh@x.dk",
            "Karen Holm",
            "Ældrerådet",
        ),
        ("Ja tak\n\nKaren Holm\nHandicaprådet", "kh@x.dk", "Karen Holm", "Handicaprådet"),
        ("Ja tak\nKaren", "Karen Holm <kh@x.dk>", "Karen Holm", None),
        ("Ja tak", '"Holm, Karen" <kh@x.dk>', "Karen Holm", None),
        ("Ja tak", "Karen Holm (KAHO) <kh@x.dk>", "Karen Holm", None),
        ("Ja tak", "kh@x.dk", None, None),
        (
            "Tilmelding: Søren Ærø, Handicaprådet i Brønderslev\n\nMvh Søren",
            "soeren@x.dk",
            "Søren Ærø",
            "Handicaprådet i Brønderslev",
        ),
        ("Hilsen fra Rebild, vi kommer tre.", "Ib Holm <ih@x.dk>", "Ib Holm", None),
        ("Ja tak\n\nBest regards,\nEmma Larsen", "el@x.dk", "Emma Larsen", None),
        ("Ja tak\n\nJammerbugt Kommune", "kh@x.dk", None, None),  # no name, an organisation
    ],
)
def test_sender_name_and_organisation(
    reply: str, from_: str, name: str | None, organisation: str | None
) -> None:
    mail = mail_with(reply, from_)
    assert sender(mail, read_signature(mail.reply, mail.from_name)) == (name, organisation)


def test_signature_is_taken_off_the_message() -> None:
    signed = read_signature("Ja tak\n\nMvh\nKaren Holm\nHandicaprådet", "Karen Holm")
    assert signed.message == "Ja tak"


def test_a_sentence_beginning_with_hilsen_is_no_signature() -> None:
    signed = read_signature("Hilsen fra Rebild, vi kommer tre.", None)
    assert signed.message == "Hilsen fra Rebild, vi kommer tre."
    assert signed.name is None


# -- needs in the decision --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "action", "states_needs"),
    [
        # States a need and asks nothing: someone who comes, however the rest is worded.
        (
            "I'd be glad to be there. I'm a wheelchair user and need a table I can roll under.",
            "signup",
            True,
        ),
        # A need withdrawn beside a signup: the signup clause is what the core reads.
        ("Jeg deltager gerne og har ingen ønsker til maden.", "signup", True),
        # A question beside the need stays a question for someone not signed up.
        ("Jeg bruger rollator. Er der elevator i bygningen?", "question", True),
        # A hedge by someone else does not hold back a plain signup.
        ("Jeg tilmelder mig hermed. Er der tolk? Et medlem overvejer at komme.", "signup", False),
        # A hedge of one's own does.
        ("Er der teleslynge i salen? Så overvejer jeg at tilmelde mig.", "question", False),
        # Someone else's need is not the writer's.
        ("Jeg deltager gerne. Min kollega er blind.", "signup", False),
    ],
)
def test_needs_in_the_decision(
    answerer: Answerer, reply: str, action: str, states_needs: bool
) -> None:
    decision = decide(answerer, mail_with(reply))
    assert (decision.action, decision.states_needs) == (action, states_needs), decision.reason


# -- whose act, questions without their mark, questions beside a signup -------------------------


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        # Someone else who does not come is no cancellation of the writer's (the needs' rule).
        ("Hej igen\n\nmin hjælper kan alligevel ikke komme, så jeg kommer alene.", "signup"),
        ("Torben kan ikke komme med den 3. juni, jeg klarer mig uden ledsager.", "signup"),
        ("Desværre kan min ledsager ikke være med. Jeg bruger stadig kørestol.", "signup"),
        # The writer's own is.
        ("Jeg kan desværre ikke komme alligevel.", "cancel"),
        ("Min mand og jeg kan ikke komme alligevel.", "cancel"),
    ],
)
def test_someone_else_not_coming_is_not_the_writers_cancellation(
    answerer: Answerer, reply: str, action: str
) -> None:
    assert decide(answerer, mail_with(reply)).action == action


@pytest.mark.parametrize(
    "reply",
    [
        # A question without its mark, a signup put off until it is answered.
        "Før jeg tilmelder mig, vil jeg gerne høre om der er en rampe ved indgangen. "
        "Jeg bruger kørestol.",
        "I'm not registering yet, I'll wait for your answer. Is the hall step-free? "
        "A colleague of mine uses a wheelchair and would like to join.",
        "Jeg har ikke tilmeldt mig endnu, det afhænger af om der er teleslynge. "
        "Jeg bruger høreapparat.",
    ],
)
def test_a_question_without_its_mark_is_not_a_signup(answerer: Answerer, reply: str) -> None:
    decision = decide(answerer, mail_with(reply))
    assert decision.action == "question", decision.reason
    # Asked of the core, or put off without a question of its own: then staff have it.
    assert decision.questions or decision.escalate


def test_a_question_beside_a_signup_is_asked_of_the_core(answerer: Answerer) -> None:
    decision = decide(answerer, mail_with("Jeg tilmelder mig hermed. Hvor ligger stedet?"))
    assert decision.action == "signup"
    assert decision.asked is not None and decision.asked.intent != "signup"
    # Without a question there is nothing to ask besides.
    assert decide(answerer, mail_with("Jeg tilmelder mig hermed.")).asked is None
