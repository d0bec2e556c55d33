"""Send an event's invitation by e-mail, so that replies come back threaded to the event.

``python -m bot invite SLUG --to FILE.csv`` reads the recipients (a CSV with an ``email``
column, and optionally ``name``; ``;`` or ``,`` separated, as Excel writes it), writes each an
invitation composed from the knowledge base (Danish, dates by babel) with the calendar file, and
queues them in the outbox; each Message-ID is recorded with the event, so a reply such as "Ja tak"
finds its event even when the subject says nothing. With SMTP configured the queue is sent at
once; otherwise the running bot sends it. Bounced addresses and invalid rows are skipped and
reported.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import Lang

if TYPE_CHECKING:
    from bot.services import Services


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the event's identifier")
    parser.add_argument("--to", type=Path, required=True, help="CSV file of recipients")
    parser.add_argument("--lang", default="da", choices=["da", "en"])


def read_recipients(path: Path) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(address, name) pairs from the CSV, and the rows that could not be used."""
    from bot.registrations.identity import normalise_email

    text = path.read_text(encoding="utf-8-sig")  # Excel writes a BOM
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    rows = csv.DictReader(io.StringIO(text), dialect=dialect)
    recipients: list[tuple[str, str | None]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        fields = {(k or "").strip().casefold(): (v or "").strip() for k, v in row.items()}
        raw = fields.get("email") or fields.get("e-mail") or fields.get("mail") or ""
        try:
            address = normalise_email(raw)
        except ValueError:
            problems.append(f"line {number}: {raw!r} is not an e-mail address")
            continue
        if address not in seen:
            seen.add(address)
            recipients.append((address, fields.get("name") or fields.get("navn") or None))
    return recipients, problems


def invitation_text(slug: str, lang: Lang, services: Services) -> tuple[str, str]:
    """The subject and text of an event's invitation, from the knowledge base."""
    from bot.answering import compose
    from bot.i18n import translator

    event = services.kb.event(slug)
    assert event is not None
    _ = translator(lang).gettext
    lines = [event.title]
    if event.subtitle:
        lines.append(event.subtitle)
    lines.append("")
    if event.summary:
        lines += [event.summary, ""]
    lines.append(_("When: {when}").format(when=compose.event_when(event, lang)))
    place = compose.place_text(event, lang)
    if place:
        lines.append(_("Where: {place}").format(place=place))
    if event.audience:
        lines.append(_("For: {audience}").format(audience=event.audience))
    deadline = compose.deadline_text(event, lang)
    if deadline:
        lines.append(_("Signup deadline: {deadline}").format(deadline=deadline))
    lines.append("")
    lines.append(
        _(
            'To sign up, reply to this e-mail with "Ja tak" and your name and organisation. '
            "If you have a question, just write it in your reply."
        )
    )
    programme = compose.programme_answer(event, lang)
    if programme:
        lines += ["", programme]
    return _("Invitation: {title}").format(title=event.title), "\n".join(lines)


async def _invite(slug: str, path: Path, lang: Lang) -> int:
    from sqlalchemy import select

    from bot.answering import compose
    from bot.channels.mail.channel import mail_outbox
    from bot.channels.mail.models import UndeliverableAddress
    from bot.channels.mail.oauth import ClientCredentialsTokenProvider
    from bot.channels.mail.outbox import OutboxSender
    from bot.channels.mail.smtp import SmtpConfig, SmtpFailure
    from bot.clock import now
    from bot.registrations.ics import calendar_filename, event_calendar
    from bot.services import Services
    from bot.settings import Settings

    settings = Settings()
    services = await Services.start(settings)
    try:
        event = services.kb.event(slug)
        if event is None:
            print(f"invite: unknown event {slug!r}", file=sys.stderr)
            return 2
        recipients, problems = read_recipients(path)
        subject, body = invitation_text(slug, lang, services)
        calendar = event_calendar(
            event, location=compose.place_text(event, lang), description=event.summary
        )
        outbox = mail_outbox(services)
        queued = 0
        async with services.db.transaction() as session:
            bounced = set(await session.scalars(select(UndeliverableAddress.email)))
            for address, _name in recipients:
                if address in bounced:
                    problems.append(f"{address}: bounced before; not invited again")
                    continue
                await outbox.enqueue(
                    session,
                    to=address,
                    subject=subject,
                    body=body,
                    event=event.id,
                    ics=calendar,
                    ics_filename=calendar_filename(event),
                    now=now(),
                )
                queued += 1
        for problem in problems:
            print(f"invite: {problem}", file=sys.stderr)
        print(f"{queued} invitation(s) queued for {event.title}")
        config = SmtpConfig.from_settings(
            settings, ClientCredentialsTokenProvider.from_settings(settings)
        )
        if config is None:
            print("BOT_SMTP_HOST is not set: the running bot sends them when it is.")
            return 0
        try:
            sent = await OutboxSender(services.db, config).send_due()
        except SmtpFailure as failure:
            print(
                f"invite: SMTP not reachable ({failure}); the running bot sends them later",
                file=sys.stderr,
            )
            return 0
        print(f"{sent} sent")
        return 0
    finally:
        await services.close()


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError

    try:
        return asyncio.run(_invite(args.slug, args.to, args.lang))
    except (KnowledgeError, OSError) as exc:
        print(f"invite: {exc}", file=sys.stderr)
        return 2
