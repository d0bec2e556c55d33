"""Staff commands about changed events: see what changed, and say whether to tell participants.

``/aendringer`` lists the changes waiting for an answer; ``/aendring N ja`` tells everyone
registered for the event what changed, ``/aendring N nej`` does not. The staff chat is asked by
the change service itself (a message naming the change and these commands); these handlers are
wrapped by ``staff.staff_only`` like every staff command.
"""

from __future__ import annotations

from telegram import Update

from bot.changes import ChangeError, ChangeInfo
from bot.channels.telegram.common import Context, now, reply, services
from bot.i18n import Lang, translator

YES = frozenset({"ja", "yes", "j", "y", "send"})
NO = frozenset({"nej", "no", "n", "skip"})


async def list_changes(update: Update, context: Context, lang: Lang) -> None:
    """/aendringer: the changes waiting for staff."""
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    await reply(context, chat.id, changes_text(await svc.changes.pending(), lang))


def changes_text(changes: list[ChangeInfo], lang: Lang) -> str:
    _ = translator(lang).gettext
    if not changes:
        return _("No changes are waiting for an answer.")
    blocks = []
    for change in changes:
        lines = [_("Change no. {id} ({slug}):").format(id=change.id, slug=change.event)]
        lines += [f"- {line}" for line in change.lines(lang)]
        blocks.append("\n".join(lines))
    usage = _("Answer with /change N yes (tell the registered) or /change N no.")
    return "\n\n".join([*blocks, usage])


async def decide_change(update: Update, context: Context, lang: Lang) -> None:
    """/aendring N ja|nej: tell the registered participants about change N, or not."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = services(context)
    _ = translator(lang).gettext
    args = [a.casefold() for a in (context.args or [])]
    if len(args) != 2 or not args[0].isdigit() or args[1] not in YES | NO:
        usage = _("Answer with /change N yes (tell the registered) or /change N no.")
        await reply(context, chat.id, usage)
        return
    change_id, send = int(args[0]), args[1] in YES
    try:
        change = await svc.changes.decide(
            change_id, send, user.full_name, svc.curated, now(context)
        )
    except ChangeError as exc:
        problems = {
            "not_found": _("There is no change no. {id}."),
            "decided": _("Change no. {id} has been answered already."),
            "gone": _("The event of change no. {id} is no longer in the knowledge base."),
        }
        await reply(context, chat.id, problems[exc.reason].format(id=exc.change_id))
        return
    if send:
        text = _("Sent: {count} registered have been told about change no. {id}.").format(
            count=change.told or 0, id=change.id
        )
    else:
        text = _("OK, nobody is told about change no. {id}.").format(id=change.id)
    await reply(context, chat.id, text)
