"""Text from outside is stored safely on both databases, by one rule that no column can bypass.

``bot.storage.safetext`` removes NUL, replaces lone surrogates (raw 8-bit bytes as the e-mail
parser hands them on) with U+FFFD and cuts a value to its column; every string and JSON column of
every model uses its types, so inserts, updates and lookups all go through it.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import JSON, String, select
from sqlalchemy.types import TypeDecorator

from bot.channels.mail.courier import MailCourier
from bot.channels.mail.models import InboundMail, OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.clock import parse_aware
from bot.conversations.models import Conversation
from bot.delivery import Delivery
from bot.knowledge import KnowledgeBase
from bot.registrations.dialogue import YES, SignupDialogue, Turn
from bot.registrations.identity import ChatId, Identity
from bot.registrations.service import RegistrationService
from bot.storage import Database, load_models
from bot.storage.safetext import SafeJSON, SafeString, SafeText, safe_json, safe_text

NOW = parse_aware("2024-04-01T10:00:00+02:00")
TEMADAG = "handicapraad-temadag-2024"
SAFE_TYPES = (SafeString, SafeText, SafeJSON)


def test_every_string_and_json_column_of_every_model_uses_a_safe_type() -> None:
    unsafe = []
    for table in load_models().tables.values():
        for column in table.columns:
            kind = column.type
            impl = kind.impl if isinstance(kind, TypeDecorator) else kind
            if isinstance(impl, String | JSON) and not isinstance(kind, SAFE_TYPES):
                unsafe.append(f"{table.name}.{column.name}: {kind!r}")
    assert unsafe == [], "use SafeString, SafeText or SafeJSON (bot.storage.safetext)"


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60))
def test_safe_text_never_raises_and_gives_text_both_databases_hold(value: str) -> None:
    result = safe_text(value, limit=40)
    assert "\x00" not in result and len(result) <= 40
    result.encode("utf-8")  # no lone surrogate left: both drivers can encode it
    assert safe_text(result, limit=40) == result  # the rule is applied once, and stays
    assert safe_text(value.encode("utf-8", "surrogatepass")) is not None  # bytes too


def test_safe_text_keeps_ordinary_text_and_replaces_only_what_cannot_be_held() -> None:
    assert safe_text("Søren Bæk – Handicaprådet 😀") == "Søren Bæk – Handicaprådet 😀"
    assert safe_text("Mal\x00lory") == "Mallory"
    assert safe_text("s\udce6t") == "s\ufffdt"
    assert safe_text(b"s\xe6t") == "s\ufffdt"
    assert safe_text("x" * 10, limit=4) == "xxxx"
    assert safe_json({"a\x00": ["b\udce6", 1, None]}) == {"a": ["b\ufffd", 1, None]}


async def test_bad_text_is_stored_and_found_again_by_the_same_bad_value(db: Database) -> None:
    key = "tilmelding\x00nul-\udce6@aalborg.dk"
    long_sender = "s" * 400 + "@aalborg.dk"  # longer than its VARCHAR(320)
    async with db.transaction() as session:
        session.add(
            InboundMail(
                message_key=key,
                sender=long_sender,
                subject="Tilmelding\x00 \udcf8",
                received_at=NOW,
                status="failed",
                attempts=1,
                last_error="DataError: \x00",
                updated_at=NOW,
            )
        )
        session.add(
            Conversation(
                channel="telegram",
                chat_id="42",
                flow="signup",
                flow_state={"name\x00": "Mal\x00lory \udce6"},
                created_at=NOW,
                updated_at=NOW,
            )
        )
    async with db.session() as session:
        # The lookups of the IMAP worker and the handler, by the key as it came in.
        by_key = await session.scalar(select(InboundMail).where(InboundMail.message_key == key))
        by_list = await session.scalars(
            select(InboundMail.id).where(InboundMail.message_key.in_([key, "other"]))
        )
        by_sender = await session.scalar(
            select(InboundMail.id).where(InboundMail.sender == long_sender)
        )
        conversation = await session.scalar(select(Conversation))
    assert by_key is not None and by_key.message_key == "tilmeldingnul-\ufffd@aalborg.dk"
    assert by_key.subject == "Tilmelding \ufffd" and by_key.last_error == "DataError: "
    assert len(by_key.sender or "") == 320
    assert list(by_list) == [by_key.id] and by_sender == by_key.id
    assert conversation is not None and conversation.flow_state == {"name": "Mallory \ufffd"}


# ------------------------------------------------------------------ the chat signup dialogue


def dialogue_on(db: Database, knowledge: KnowledgeBase) -> SignupDialogue:
    delivery = Delivery()
    outbox = Outbox(db, mail_from="bot@kl.dk")
    delivery.register("email", MailCourier(outbox, lambda _e: "Sekretariatet"))
    dialogue = SignupDialogue(
        RegistrationService(db, knowledge.event), "telegram", delivery=delivery
    )
    dialogue.prove_new_addresses = True  # every address gets a code e-mail first
    return dialogue


async def test_a_nul_in_a_name_in_the_chat_signup_never_leaves_the_dialogue_stuck(
    db: Database, knowledge: KnowledgeBase
) -> None:
    dialogue = dialogue_on(db, knowledge)
    event = knowledge.event(TEMADAG)
    assert event is not None
    turn: Turn = await dialogue.start(event, "da", NOW)
    for answer in ["Mal\x00lory \udce6", "ny@aalborg.dk"]:
        assert turn.state is not None
        turn = await dialogue.reply(event, turn.state, answer, NOW, chat=ChatId("telegram", "77"))
    # The code e-mail, addressed to the name given, was queued: the dialogue asks for the code.
    assert turn.state is not None and turn.state.step == "code", turn.text
    async with db.session() as session:
        [mail] = list(await session.scalars(select(OutboxMail)))
    assert "Mallory \ufffd" in mail.body and "\x00" not in mail.body
    code = re.search(r"\b(\d{6})\b", mail.body)
    assert code is not None
    for answer in [code.group(1), "Råd\x00et", "Kørestol\x00 \udcf8", YES]:
        assert turn.state is not None, turn.text
        turn = await dialogue.reply(event, turn.state, answer, NOW, chat=ChatId("telegram", "77"))
    assert turn.state is None, turn.text
    service = dialogue.service
    [registration] = await service.registrations_of(
        Identity(chat=ChatId("telegram", "77")), now=NOW
    )
    assert registration.email == "ny@aalborg.dk"
    assert registration.name == "Mallory \ufffd" and registration.organisation == "Rådet"
    assert registration.needs == "Kørestol \ufffd"
