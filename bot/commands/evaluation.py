"""The evaluation after an event, from the command line: ``python -m bot evaluation SLUG``.

Prints what the desk's evaluation page shows (``/desk/arrangementer/<slug>/evaluering``): how
many answered and were asked, the average satisfaction, the count of each answer to each
question, and the comments. The answers are anonymous; nothing printed names anyone. Texts are
in the ``staff_language`` setting's language.
"""

from __future__ import annotations

import argparse
import asyncio
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the event's identifier, e.g. handicapraad-temadag-2024")


async def _report(slug: str) -> int:
    from bot.desk.evaluation import texts
    from bot.evaluation.sending import KIND
    from bot.evaluation.store import results
    from bot.i18n import normalise_lang
    from bot.reminders import ledger
    from bot.services import Services
    from bot.settings import Settings

    settings = Settings()
    lang = normalise_lang(settings.staff_language)
    services = await Services.start(settings)
    try:
        event = services.kb.event(slug)
        if event is None:
            print(f"evaluation: unknown event {slug!r}", file=sys.stderr)
            return 2
        found = await results(services.db, slug)
        asked = len(await ledger.recorded(services.db, slug, KIND))
    finally:
        await services.close()
    t = texts.page_texts(lang)
    print(f"{t['heading']}: {event.title}")
    print(*texts.summary_lines(lang, found.answered, asked, found.average), sep="\n")
    counted = (
        (t["satisfaction"], [(str(score), n) for score, n in found.satisfaction.items()]),
        (t["practical"], [(texts.answer_label(lang, a), n) for a, n in found.practical.items()]),
        (t["again"], [(texts.answer_label(lang, a), n) for a, n in found.again.items()]),
    )
    for question, counts in counted:
        print(f"\n{question}")
        for label, count in counts:
            print(f"  {label}: {count}")
    print(f"\n{t['comments']}")
    for comment in found.comments:
        print(f"- {texts.comment_date(lang, comment)}: {comment.text}")
    if not found.comments:
        print(t["no_comments"])
    return 0


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_report(args.slug))
