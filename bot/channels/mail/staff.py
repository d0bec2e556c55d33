"""The staff mailbox: cases forwarded to ``BOT_STAFF_EMAIL``, and how staff answer them by e-mail.

For secretariats without a staff chat. :class:`StaffMailBoard` is the e-mail
:class:`~bot.cases.staff.StaffBoard` that the staff desk keeps in step with the cases:

- ``post``: a new case is mailed to the staff address through the mail outbox, in a transaction
  of its own: subject "Sag #12: <the question's first words>", the case as the staff chat shows
  it, and how to answer. Its Message-ID is the post's ref: a staff reply carries it in
  In-Reply-To/References, and the mail handler finds the case by it.
- ``post_message``: what the participant adds while a person has the case, in the same thread.
- ``redraw``: e-mail cannot be edited. Mailing every change (taken, answered, quiet time over)
  would fill the staff mailbox with mail nobody acts on, and whoever answered by mail knows what
  they did. Only the closing is mailed, once, in the case's thread: it tells everyone reading the
  shared mailbox that the case needs nothing more (also when it was closed in the staff chat),
  and it confirms a "Løst" reply, which otherwise gets no answer.

Each of these mails has a Message-ID made from the case (and the message, or the closing) and is
queued only if the outbox has no mail with it yet. The desk records a post in a second
transaction after the board returns; if the bot stops between the two, the next sync posts
again and gets the same Message-ID back, instead of a second forward whose replies would find
no case.

What staff write back is read by the mail handler (``handling``) with :func:`staff_text` and
:func:`staff_command`: the text is relayed to the participant as the answer; a reply whose first
paragraph is only "Løst" or "Lukket" ("Resolved", "Closed") closes the case, only "Gem" ("Save")
keeps the last answer as the bot's answer. The Danish and the English words are understood
whatever ``staff_language`` is, so a colleague who writes the other language is not misread.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Literal

from sqlalchemy import select

from bot.cases import texts
from bot.cases.service import CaseEntry, CaseInfo
from bot.cases.texts import EventTitle
from bot.channels.mail.classify import read_signature
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.channels.mail.reading import ReadMail
from bot.clock import now as clock_now
from bot.i18n import Lang, normalise_lang, translator

ROUTE = "email"
Command = Literal["close", "teach"]
# Whole first paragraphs that are commands, after case folding and without punctuation. "Løst og
# lukket" is how a closed case's status reads in Danish; "Gem som svar" is the chat's button.
CLOSE_WORDS = frozenset({"løst", "lukket", "løst og lukket", "resolved", "closed"})
TEACH_WORDS = frozenset(
    {"gem", "gem svar", "gem som svar", "save", "save answer", "save as answer"}
)
SUBJECT_WORDS = 8
SUBJECT_CHARS = 60


# -- reading staff replies -----------------------------------------------------------------------


def staff_text(mail: ReadMail) -> str:
    """What a staff member wrote: the reply without the quoted forward and without signature.

    The signature goes too: "Mvh Anne / Sekretariatet" is no part of the answer the participant
    gets (the letter is signed by the organiser), nor of an answer the bot learns.
    """
    return read_signature(mail.reply, mail.from_name).message.strip()


def staff_command(text: str) -> Command | None:
    """The command a staff reply gives, if its first paragraph is only a command word.

    Only the first paragraph counts, so that a short note under the word (a name the signature
    reader did not recognise, a word to colleagues) does not make "Løst" an answer relayed to the
    participant. Nobody answers a participant with the bare word "Løst" or "Gem".
    """
    first = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    words = " ".join(
        re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", first)).casefold().split()
    )
    if words in CLOSE_WORDS:
        return "close"
    if words in TEACH_WORDS:
        return "teach"
    return None


def commands_text(lang: Lang) -> str:
    """Under every mail to staff: how to close and teach (the words in the staff's language)."""
    _ = translator(lang).gettext
    return _(
        'Reply with only "Resolved" to close the case; the bot then answers the participant '
        'again. Reply with only "Save" to keep your last answer as the bot\'s answer to this '
        "question."
    )


def empty_reply_text(case_id: int, lang: Lang) -> str:
    """For a staff reply with nothing of its own: nothing was sent, and how to answer."""
    _ = translator(lang).gettext
    return _(
        "Your reply in case #{id} had no text of its own, so nothing was sent to the "
        "participant. Please write your answer above the quoted message."
    ).format(id=case_id)


# -- the board -----------------------------------------------------------------------------------


class StaffMailBoard:
    """Shows cases in the staff mailbox: one forward per case, its follow-ups in its thread."""

    route = ROUTE

    def __init__(
        self,
        outbox: Outbox,
        address: str,
        *,
        title: EventTitle,
        lang: str = "da",
        clock: Callable[[], datetime] = clock_now,
    ) -> None:
        self.outbox = outbox
        self.address = address
        self.title = title
        self.lang: Lang = normalise_lang(lang)
        self.clock = clock

    async def post(self, case: CaseInfo) -> str:
        """Forward a new case to the staff address; its Message-ID (bare)."""
        # The post ends with "reply to this message to answer"; the commands follow.
        body = texts.post_text(case, self.title, self.lang) + "\n" + commands_text(self.lang)
        return await self._queue(case, "case", body)

    async def post_message(self, case: CaseInfo, entry: CaseEntry, reply_to: str) -> str | None:
        """Forward what the participant added, in the case's thread; its Message-ID (bare)."""
        _ = translator(self.lang).gettext
        body = "\n\n".join(
            [
                texts.followup_text(case, entry, self.lang),
                _("Reply to this message to answer the participant.")
                + "\n"
                + commands_text(self.lang),
            ]
        )
        return await self._queue(case, f"message{entry.id}", body, reply_to)

    async def redraw(self, case: CaseInfo, ref: str) -> None:
        """Only a closed case is mailed, once (see the module docstring for why)."""
        if case.status == "closed":
            await self._queue(case, "closed", texts.done_text("close", case, self.lang), ref)

    # -- helpers ---------------------------------------------------------------------------

    async def _queue(
        self, case: CaseInfo, kind: str, body: str, reply_to: str | None = None
    ) -> str:
        """Queue one mail of the case unless it is queued already; its Message-ID."""
        message_id = self._message_id(case, kind)
        async with self.outbox.db.transaction() as session:
            queued = await session.scalar(
                select(OutboxMail.id).where(OutboxMail.message_id == message_id)
            )
            if queued is None:
                await self.outbox.enqueue(
                    session,
                    to=self.address,
                    subject=self._subject(case),
                    body=body,
                    in_reply_to=reply_to,
                    references=_refs(reply_to),
                    event=case.event,
                    message_id=message_id,
                    now=self.clock(),
                )
        return message_id

    def _message_id(self, case: CaseInfo, kind: str) -> str:
        """The same for the same case and mail on every run; unique to this database's case."""
        seed = f"{case.id}|{case.created_at.timestamp()}|{kind}"
        digest = hashlib.sha256(seed.encode()).hexdigest()[:16]
        return f"sag{case.id}.{kind}.{digest}@{self.outbox.domain}"

    def _subject(self, case: CaseInfo) -> str:
        _ = translator(self.lang).gettext
        return _("Case #{id}").format(id=case.id) + ": " + _first_words(case.question)


def _refs(reply_to: str | None) -> Iterable[str]:
    return (reply_to,) if reply_to else ()


def _first_words(question: str) -> str:
    """The beginning of a question for a subject line: its first line after a greeting."""
    lines = [line.strip() for line in question.splitlines() if line.strip()] or [""]
    if len(lines) > 1 and _greeting(lines[0]):
        lines = lines[1:]
    words = lines[0].split()
    text = " ".join(words[:SUBJECT_WORDS])
    if len(text) > SUBJECT_CHARS:
        return text[: SUBJECT_CHARS - 1].rstrip() + "…"
    return text + (" …" if len(words) > SUBJECT_WORDS else "")


def _greeting(line: str) -> bool:
    """Whether a first line only greets ("Hej", "Kære sekretariat,"): short, and asks nothing."""
    return len(line.split()) <= 3 and "?" not in line and not line.endswith(".")
