"""A batch of messages is one transaction with a savepoint per message: the real worker and
handler, Dovecot in, aiosmtpd out, both databases.

A message whose handling fails rolls back alone (its registration and its reply with it) and is
recorded for a retry, while the others of its batch commit; a crash in the middle of a batch
leaves nothing of the batch, and after the restart every message is handled once and every
reply sent once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from email.utils import make_msgid

import pytest

from bot.channels.mail.handling import Handled, MailHandler
from bot.channels.mail.imap import message_key
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox, OutboxSender
from bot.clock import now
from bot.metrics import REGISTRY
from bot.registrations.identity import Identity
from tests.mail.conftest import (
    BOT_ADDRESS,
    SmtpServer,
    count_rows,
    folder_message_ids,
    imap_config,
    inbound_rows,
    start_worker,
    until,
)
from tests.mail.dovecot import Dovecot, append
from tests.mail.test_unsafe_mail import Mailbox, mailbox, reply

__all__ = ["mailbox"]  # the fixture, shared with the unsafe-mail tests

PEOPLE = [f"deltager{n}@kommune{n}.dk" for n in range(6)]
POISONED = PEOPLE[3]


class Killed(BaseException):
    """The process' end, as a crash would come: nothing the worker could catch."""


class Failing:
    """The real handler, with one message's handling failing AFTER the handler has done its
    work (registered the person, queued the reply), so only a rollback can undo it."""

    def __init__(self, real: MailHandler, key: str, error: BaseException) -> None:
        self.real = real
        self.key = key
        self.error: BaseException | None = error

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: datetime) -> Handled:
        handled = await self.real.handle(raw, folder=folder, uid=uid, now=now)
        if self.error is not None and message_key(raw) == self.key:
            raise self.error
        return handled


def messages(title: str) -> dict[str, bytes]:
    return {
        person: reply(title, person, message_id=make_msgid(domain="kommune.dk").encode())
        for person in PEOPLE
    }


async def registered(box: Mailbox) -> list[str]:
    found = []
    for person in PEOPLE:
        infos = await box.services.registrations.registrations_of(Identity(email=person), now=now())
        found += [person] * len(infos)
    return found


def handler_of(box: Mailbox) -> MailHandler:
    services = box.services
    return MailHandler(services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS)


async def send_all(box: Mailbox, smtp: SmtpServer, count: int) -> None:
    sender = OutboxSender(box.services.db, smtp.config(), poll_seconds=0.2)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        await until(lambda: len(smtp.messages) >= count, within=90, what="the replies")
        await asyncio.sleep(0.5)  # a second copy of anything would arrive now
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def sample(name: str, **labels: str) -> float:
    """A counter of this process, as ``/metrics`` shows it."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_failing_message_rolls_back_alone_and_the_rest_of_its_batch_commits(
    dovecot: Dovecot, mailbox_user: str, mailbox: Mailbox, smtp: SmtpServer
) -> None:
    counters = ("handled", "failed")
    mail_before = {o: sample("deltagerbot_mail_total", outcome=o) for o in counters}
    signups = {"channel": "email", "result": "registered"}
    signups_before = sample("deltagerbot_signups_total", **signups)
    sent = messages(mailbox.title)
    poisoned = message_key(sent[POISONED])
    handler = Failing(handler_of(mailbox), poisoned, RuntimeError("poisoned"))
    await asyncio.to_thread(append, dovecot, mailbox_user, list(sent.values()))
    db = mailbox.services.db
    # One fetch for all six: they are one batch; no retry until the test allows it.
    worker = start_worker(db, imap_config(dovecot, mailbox_user), handler, retry_initial=3600.0)
    try:
        await until(
            lambda: worker.worker.stats.moved == 5, within=90, what="the five good ones filed"
        )
        assert worker.worker.stats.failures == 1 and worker.worker.stats.passes >= 1
        # The poisoned one's registration and reply were rolled back with it, and it waits.
        assert sorted(await registered(mailbox)) == sorted(set(PEOPLE) - {POISONED})
        assert await count_rows(db, OutboxMail) == 5
        rows = {row.message_key: row for row in await inbound_rows(db)}
        assert rows[poisoned].status == "retry" and rows[poisoned].attempts == 1
        assert "poisoned" in (rows[poisoned].last_error or "")
        assert [rows[k].status for k in rows if k != poisoned] == ["done"] * 5
        assert await folder_message_ids(dovecot, mailbox_user, "INBOX") == [poisoned]
    finally:
        await worker.halt()

    # Its retry succeeds: handled once, and every reply goes out once.
    handler.error = None
    again = start_worker(db, imap_config(dovecot, mailbox_user), handler, retry_initial=0.0)
    try:
        await until(lambda: again.worker.stats.moved == 1, within=90, what="the retry filed")
    finally:
        await again.halt()
    assert sorted(await registered(mailbox)) == sorted(PEOPLE)
    await send_all(mailbox, smtp, len(PEOPLE))
    assert Counter(m.rcpt_tos[0] for m in smtp.messages) == Counter(PEOPLE)
    # Counted where it happened: the handler counts each handling (the poisoned one twice: the
    # failure was the wrapper's, after the real handler), the registration service each
    # committed signup only.
    mail_after = {o: sample("deltagerbot_mail_total", outcome=o) for o in counters}
    assert mail_after["handled"] - mail_before["handled"] == 1 + len(PEOPLE)
    assert mail_after["failed"] == mail_before["failed"]
    assert sample("deltagerbot_signups_total", **signups) - signups_before == len(PEOPLE)


@pytest.mark.parametrize("unit_seconds", [60.0, 0.0], ids=["one-unit", "a-unit-each"])
async def test_a_crash_in_the_middle_of_a_batch_then_a_restart_handles_each_message_once(
    dovecot: Dovecot, mailbox_user: str, mailbox: Mailbox, smtp: SmtpServer, unit_seconds: float
) -> None:
    """With one unit for the batch nothing of it is left after the crash; with the unit
    committed after each message (``unit_seconds`` 0) the three before it are, unfiled."""
    sent = messages(mailbox.title)
    db = mailbox.services.db
    real = handler_of(mailbox)
    await asyncio.to_thread(append, dovecot, mailbox_user, list(sent.values()))
    # The fourth message kills the worker after the first three (and itself) were handled.
    crashing = Failing(real, message_key(sent[POISONED]), Killed())
    config = imap_config(dovecot, mailbox_user)
    first = start_worker(db, config, crashing, unit_seconds=unit_seconds)
    with pytest.raises(Killed):
        await asyncio.wait_for(first.task, 30)
    kept = [] if unit_seconds else PEOPLE[:3]
    assert sorted(await registered(mailbox)) == sorted(kept)
    assert await count_rows(db, OutboxMail) == len(kept)
    assert len(await inbound_rows(db)) == len(kept)
    # Nothing was filed: the crash came before the batch's filing.
    assert sorted(await folder_message_ids(dovecot, mailbox_user, "INBOX")) == sorted(
        message_key(raw) for raw in sent.values()
    )

    second = start_worker(db, config, real, unit_seconds=unit_seconds)
    try:
        await until(lambda: second.worker.stats.moved == len(PEOPLE), within=90, what="filing")
    finally:
        await second.halt()
    stats = second.worker.stats
    assert (stats.handled, stats.duplicates) == (len(PEOPLE) - len(kept), len(kept))
    assert stats.failures == 0
    assert sorted(await registered(mailbox)) == sorted(PEOPLE)
    rows = await inbound_rows(db)
    assert sorted(r.message_key for r in rows) == sorted(message_key(r) for r in sent.values())
    assert {(r.status, r.attempts) for r in rows} == {("done", 1)}
    await send_all(mailbox, smtp, len(PEOPLE))
    assert Counter(m.rcpt_tos[0] for m in smtp.messages) == Counter(PEOPLE)
