"""Staff across channels, as ``python -m bot run`` runs them: mailbox, Telegram and the desk.

The real Dovecot and aiosmtpd carry the participant's e-mail, the fake Bot API server stands in
for Telegram, and everything between them is the bot's own code as ``run`` wires it: an e-mail
question the bot cannot answer is posted in the staff chat, a staff member answers by replying
there, and the answer reaches the participant by e-mail in their own thread. A broadcast from
the staff chat reaches the event's Telegram participants in their chats and its e-mail
participants by mail, and no one else.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.clock import now
from bot.commands.run import serve_channels
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId
from bot.services import Services
from bot.settings import Settings
from tests.channels.events import two_future_events
from tests.mail.conftest import BOT_ADDRESS, SmtpServer, until
from tests.mail.dovecot import PASSWORD, Dovecot, append
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, SentMessage

STAFF_CHAT = -1001
ANNE = 900
KAREN = "karen.holm@jammerbugt.dk"


@dataclass
class Running:
    services: Services
    api: FakeBotAPI
    smtp: SmtpServer
    dovecot: Dovecot
    user: str
    titles: dict[str, str]

    async def mail_in(self, raw: bytes) -> None:
        await asyncio.to_thread(append, self.dovecot, self.user, [raw])

    async def staff_post(self) -> SentMessage:
        [post] = await self.api.wait_for_sent(
            STAFF_CHAT, timeout=30, predicate=lambda m: not m.is_edit
        )
        return post


@pytest.fixture
async def running(
    bot_api: FakeBotAPI, dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer, tmp_path: Path
) -> AsyncIterator[Running]:
    titles = two_future_events(tmp_path / "knowledge")
    settings = Settings(
        knowledge_dir=tmp_path / "knowledge",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        telegram_token=TOKEN,
        telegram_api_url=bot_api.base_url,
        staff_chat_id=STAFF_CHAT,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_user=mailbox_user,
        imap_password=SecretStr(PASSWORD),
        imap_ssl=False,
        imap_poll_seconds=1,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        mail_from=BOT_ADDRESS,
    )
    services = await Services.start(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_channels(services, stop))
    try:
        await bot_api.wait_for_call("getUpdates", timeout=30)
        yield Running(services, bot_api, smtp, dovecot, mailbox_user, titles)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await services.close()


def question_mail(title: str, message_id: str, text: str, sender: str = KAREN) -> bytes:
    return (
        f"From: Karen Holm <{sender}>\r\n"
        f"To: {BOT_ADDRESS}\r\n"
        f"Subject: SV: Invitation: {title}\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hej\r\n\r\n{text}\r\n\r\nMed venlig hilsen\r\nKaren Holm\r\n"
    ).encode()


async def test_an_email_question_is_answered_from_the_staff_chat_in_the_mail_thread(
    running: Running,
) -> None:
    title = running.titles["temadag-naeste-aar"]
    original = make_msgid(domain="jammerbugt.dk")
    await running.mail_in(
        question_mail(title, original, "Kan min ledsager parkere gratis ved hotellet?")
    )
    post = await running.staff_post()
    assert "Kan min ledsager parkere gratis ved hotellet?" in post.text
    assert "Karen Holm" in post.text and KAREN in post.text
    assert title in post.text and "e-mail" in post.text
    assert post.buttons == [["Tag sagen"], ["Løst"], ["Gem som svar"]] or {
        label for row in post.buttons for label in row
    } == {"Tag sagen", "Løst", "Gem som svar"}
    # The participant was told a person will answer.
    await until(lambda: len(running.smtp.messages) == 1, within=90, what="the escalation reply")
    running.api.send_text(
        STAFF_CHAT,
        "Ja, der er gratis parkering ved hotellet, også til ledsagere.",
        user_id=ANNE,
        first_name="Anne",
        reply_to_message_id=post.message_id,
    )
    await until(lambda: len(running.smtp.messages) == 2, within=90, what="the relayed answer")
    answer = running.smtp.messages[1]
    assert answer.rcpt_tos == [KAREN]
    message = answer.message
    assert message["In-Reply-To"] == original and original in message["References"]
    assert message["Subject"] == f"SV: Invitation: {title}"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Svar fra sekretariatet" in text and "også til ledsagere" in text
    [case] = await running.services.cases.open_cases()
    assert case.status == "answered" and case.taken_by and case.taken_by.startswith("Anne")


async def test_a_broadcast_reaches_the_events_participants_on_their_own_channels(
    running: Running,
) -> None:
    services = running.services
    event = services.kb.event("temadag-naeste-aar")
    other = services.kb.event("anden-dag-naeste-aar")
    assert event is not None and other is not None
    at = now()
    # On Telegram: signed up in the chat. By e-mail: signed up by replying. Another event's
    # participant, and one who cancelled, must not get it.
    await services.registrations.signup(
        event,
        SignupForm(name="Tove Telegram", email="tove@aalborg.dk", organisation="Rådet"),
        channel="telegram",
        chat=ChatId("telegram", "501"),
        now=at,
    )
    await services.registrations.signup(
        event,
        SignupForm(name="Karen Holm", email=KAREN, organisation="Rådet"),
        channel="email",
        now=at,
    )
    await services.registrations.signup(
        other,
        SignupForm(name="Ole Anden", email="ole@aalborg.dk", organisation="Rådet"),
        channel="telegram",
        chat=ChatId("telegram", "502"),
        now=at,
    )
    gone = SignupForm(name="Gitte Gået", email="gitte@aalborg.dk", organisation="Rådet")
    await services.registrations.signup(event, gone, channel="email", now=at)
    from bot.registrations.identity import Identity

    await services.registrations.cancel(
        event, Identity(email="gitte@aalborg.dk"), channel="email", now=at
    )
    before = len(running.smtp.messages)
    running.api.send_text(
        STAFF_CHAT, "/besked temadag-naeste-aar Mødet flytter til sal 2.", user_id=ANNE
    )
    asked = await running.staff_post()
    assert "Skal denne besked sendes til de 2 tilmeldte" in asked.text
    running.api.press_button(STAFF_CHAT, asked.message_id, asked.button_data("Send"), user_id=ANNE)
    [told] = await running.api.wait_for_sent(501, timeout=30, predicate=lambda m: not m.is_edit)
    assert "Mødet flytter til sal 2." in told.text
    await until(lambda: len(running.smtp.messages) > before, within=90, what="the broadcast mail")
    await asyncio.sleep(1)  # anything more would be a mistake
    mails = running.smtp.messages[before:]
    assert [m.rcpt_tos for m in mails] == [[KAREN]]
    body = mails[0].message.get_body(preferencelist=("plain",))
    assert body is not None and "Mødet flytter til sal 2." in body.get_content()
    assert running.api.sent(502) == []
