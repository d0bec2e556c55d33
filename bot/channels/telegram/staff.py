"""The secretariat in Telegram: the staff chat where cases are shown and answered, staff commands.

- :class:`TelegramStaffBoard` is the staff chat (``BOT_STAFF_CHAT_ID``) as a
  :class:`~bot.cases.staff.StaffBoard`. The staff desk posts each new case there (the question,
  who asked, the event, the channel, the state) with the buttons "Tag sagen", "Løst" and "Gem som
  svar"; posts what the participant adds later as a reply to the case's post; and redraws the
  post when the case changes. The Telegram message ids are what ``case_posts`` records, so a
  staff member's reply to a post or a follow-up finds its case, also after a restart.
- The handlers: the buttons (take, close, teach), a staff member's reply in the staff chat (the
  answer to the participant), and the commands ``/sager``, ``/deltagere``, ``/status`` and
  ``/besked``. They only translate between Telegram and the services: what the participant is
  told is queued by the case service and sent by the chat outbox sender.
- Who is staff: anyone in the staff chat (Telegram delivers its messages only to its members),
  and in a private chat a user listed in ``BOT_STAFF_TELEGRAM_IDS`` or a member of the staff chat
  (asked of Telegram). Everyone else is refused politely in their own language, and the refusal
  is logged without personal data.

The handlers are added before the participants' (see ``app.build_application``), so the staff
chat is never answered as if it were a participant, and staff commands never reach the
"unknown command" fallback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ChatMemberRestricted,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.arranging.marking import Arranging, Marked, kind_named
from bot.arranging.summary import needs_summary
from bot.arranging.texts import summary_text
from bot.cases import CaseEntry, CaseError, CaseInfo, StaffMember, texts
from bot.channels.telegram import staff_changes
from bot.channels.telegram.common import (
    CHANNEL,
    Context,
    as_html,
    chat_of,
    conversation,
    keyboard,
    lang_of,
    now,
    reply,
    send_html,
    services,
)
from bot.i18n import Lang, normalise_lang, translator
from bot.registrations.broadcast import BroadcastReport, broadcast
from bot.registrations.broadcast import broadcast_text as participants_text
from bot.registrations.export import export_csv
from bot.registrations.needs import need_label
from bot.services import Services
from bot.status import read_status, status_text

log = logging.getLogger(__name__)

ACTIONS: Final = ("take", "close", "teach")
BROADCAST: Final = "broadcast"  # the flow of a chat where /besked waits for "send"
BUTTON = re.compile(r"^case:(take|close|teach):(\d{1,12})$")
MEMBER_STATUSES: Final = frozenset(
    {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)
# Command, English alias, description (a message, so it is translated like everything else).
STAFF_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("sager", "cases", "Open cases"),
    ("deltagere", "participants", "Participant list (CSV)"),
    ("behov", "needs", "Needs per event, arranged or not"),
    ("ordnet", "arranged", "Mark a need as arranged"),
    ("status", "status", "How the bot is doing"),
    ("besked", "broadcast", "Message to everyone registered"),
    ("aendringer", "changes", "Changed events waiting for an answer"),
)

EventTitle = Callable[[str], str | None]
StaffHandler = Callable[[Update, Context, Lang], Awaitable[None]]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


# -- the staff chat as a board of the staff desk ----------------------------------------------


class TelegramStaffBoard:
    """The staff chat: case posts with buttons, follow-ups as replies, redrawn on change."""

    route = CHANNEL

    def __init__(self, bot: Bot, chat_id: int, lang: Lang, title: EventTitle) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.lang = lang
        self.title = title

    async def post(self, case: CaseInfo) -> str:
        """Post a new case; its message id is what staff replies carry."""
        message = await self.bot.send_message(
            self.chat_id,
            as_html(post_text(case, self.title, self.lang)),
            parse_mode=ParseMode.HTML,
            reply_markup=case_buttons(case, self.lang),
        )
        return str(message.message_id)

    async def post_message(self, case: CaseInfo, entry: CaseEntry, reply_to: str) -> str | None:
        """Post what the participant added, as a reply to the case's post."""
        sent = await send_html(
            self.bot,
            self.chat_id,
            texts.followup_text(case, entry, self.lang),
            # The post may have been deleted by staff; the follow-up is still worth showing.
            reply_parameters=ReplyParameters(int(reply_to), allow_sending_without_reply=True),
        )
        # A very long message is split; staff reply to its first part, which is what is kept.
        return str(sent[0].message_id)

    async def redraw(self, case: CaseInfo, ref: str) -> None:
        """Show the case's new state on its post."""
        try:
            await self.bot.edit_message_text(
                as_html(post_text(case, self.title, self.lang)),
                chat_id=self.chat_id,
                message_id=int(ref),
                parse_mode=ParseMode.HTML,
                reply_markup=case_buttons(case, self.lang),
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return  # already shows this state (a redraw repeated after a restart)
            if "not found" in exc.message or "can't be edited" in exc.message:
                log.warning("staff chat: the post of case %d is gone; not redrawn", case.id)
                return
            raise


def post_text(case: CaseInfo, title: EventTitle, lang: Lang) -> str:
    """The case post, with the question and answer shortened if it would not fit one message."""
    text = texts.post_text(case, title, lang)
    while (over := len(text) - MessageLimit.MAX_TEXT_LENGTH) > 0:
        # One message per case, so the buttons and the reply target stay one message.
        if len(case.answer or "") > len(case.question):
            case = replace(case, answer=_shortened(case.answer or "", over))
        else:
            case = replace(case, question=_shortened(case.question, over))
        text = texts.post_text(case, title, lang)
    return text


def _shortened(value: str, over: int) -> str:
    return value[: max(len(value) - over - 1, 0)] + "…"


def case_buttons(case: CaseInfo, lang: Lang) -> InlineKeyboardMarkup | None:
    """All three while the case is open; once closed only "save as answer", if there is one."""
    labels = texts.action_labels(lang)
    if case.is_open:
        actions: tuple[str, ...] = ACTIONS
    elif case.answer:
        actions = ("teach",)
    else:
        return None
    return keyboard([(f"case:{a}:{case.id}", labels[a]) for a in actions], columns=len(actions))


def staff_board(bot: Bot, svc: Services) -> TelegramStaffBoard | None:
    """The staff chat's board, if a staff chat is configured."""
    chat_id = svc.settings.staff_chat_id
    if chat_id is None:
        return None
    return TelegramStaffBoard(
        bot, chat_id, normalise_lang(svc.settings.staff_language), svc.event_title
    )


# -- who is staff -------------------------------------------------------------------------------


def staff_member(user: User) -> StaffMember:
    return StaffMember(id=f"telegram:{user.id}", name=user.full_name)


async def is_staff(update: Update, context: Context) -> bool:
    """In the staff chat; or in a private chat, listed by id or a member of the staff chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    svc = services(context)
    staff_chat_id = svc.settings.staff_chat_id
    if staff_chat_id is not None and chat.id == staff_chat_id:
        return True
    if chat.type != ChatType.PRIVATE:
        return False  # another group: its members are not all staff
    if svc.staff.chat_is_staff(chat_of(user.id)):
        return True
    return await in_staff_chat(context, staff_chat_id, user.id)


async def in_staff_chat(context: Context, chat_id: int | None, user_id: int) -> bool:
    """Whether Telegram says the user is a member of the staff chat."""
    if chat_id is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:  # the bot left the staff chat, Telegram is down: not staff
        log.warning("could not ask Telegram who is in the staff chat: %s", exc)
        return False
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in MEMBER_STATUSES


async def staff_lang(update: Update, context: Context) -> Lang:
    """The staff language in the staff chat; a person's own language in their private chat."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return lang_of(update, await conversation(update, context))
    return normalise_lang(services(context).settings.staff_language)


def staff_only(what: str, handler: StaffHandler) -> Handler:
    """The handler for staff; anyone else is refused politely and the refusal logged."""

    async def guarded(update: Update, context: Context) -> None:
        if await is_staff(update, context):
            await handler(update, context, await staff_lang(update, context))
        else:
            await refuse(update, context, what)

    guarded.__doc__ = handler.__doc__
    return guarded


async def refuse(update: Update, context: Context, what: str) -> None:
    """Tell a non-staff user, in their language, that this is for the secretariat only."""
    # No user id, name or text here: the log is kept longer than the people in it agreed to.
    log.warning("staff %s refused: the sender is not staff", what)
    _ = translator(lang_of(update, await conversation(update, context))).gettext
    text = _("Sorry, only the secretariat can use that.")
    query, chat = update.callback_query, update.effective_chat
    if query is not None:
        await query.answer(text, show_alert=True)
    elif chat is not None:
        await reply(context, chat.id, text)


# -- the buttons and replies on case posts ------------------------------------------------------


async def case_button(update: Update, context: Context, lang: Lang) -> None:
    """A button on a case post: take the case, close it, or save its answer for the bot."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    match = BUTTON.match(query.data or "")
    if match is None:
        await query.answer()
        return
    action, case_id = match.group(1), int(match.group(2))
    text = await act(services(context), action, case_id, staff_member(user), now(context), lang)
    # The desk redraws the post: the change woke it when it was committed.
    await query.answer(text[:200])  # Telegram's limit for a button's answer


async def act(
    svc: Services, action: str, case_id: int, staff: StaffMember, at: datetime, lang: Lang
) -> str:
    """Do a staff action on a case; what to tell the staff member."""
    try:
        if action == "take":
            case = await svc.cases.take(case_id, staff, at)
        elif action == "close":
            case = await svc.cases.close(case_id, staff, at)
        else:
            await svc.teach(case_id, staff, at)
            found = await svc.cases.get(case_id)
            assert found is not None  # taught just now
            case = found
    except CaseError as exc:
        return texts.problem_text(exc.reason, exc.case_id, lang)
    return texts.done_text(action, case, lang)


async def staff_reply(update: Update, context: Context, lang: Lang) -> None:
    """A reply in the staff chat to a case post or a follow-up: the answer to the participant."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    target = message.reply_to_message
    assert target is not None  # the handler's filter asks for a reply
    svc = services(context)
    _ = translator(lang).gettext
    case_id = await svc.cases.case_of_post(CHANNEL, [str(target.message_id)])
    if case_id is None:
        if target.from_user is None or target.from_user.id != context.bot.id:
            return  # staff talking among themselves
        text = _("I cannot find the case of that message. Please reply to the case's own message.")
    elif not message.text:
        text = _("I can only pass on text to the participant. Please write your answer.")
    else:
        try:
            case = await svc.cases.answer(case_id, staff_member(user), message.text, now(context))
            text = texts.done_text("answer", case, lang)
        except CaseError as exc:
            text = texts.problem_text(exc.reason, exc.case_id, lang)
    await reply(context, chat.id, text, reply_parameters=ReplyParameters(message.message_id))


# -- staff commands -----------------------------------------------------------------------------


async def show_cases(update: Update, context: Context, lang: Lang) -> None:
    """/sager: the open cases, oldest first."""
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    cases = await svc.cases.open_cases()
    await reply(context, chat.id, texts.cases_text(cases, svc.event_title, lang))


async def send_participants(update: Update, context: Context, lang: Lang) -> None:
    """/deltagere SLUG: the event's participant list as a CSV file for Excel."""
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    _ = translator(lang).gettext
    slug = context.args[0] if context.args else None
    if slug is None:
        await reply(context, chat.id, participants_usage(svc, lang))
        return
    event = svc.kb.event(slug)
    infos = await svc.registrations.event_registrations(slug)
    if event is None and not infos:
        unknown = _("I do not know the event {slug}.").format(slug=slug)
        await reply(context, chat.id, unknown + "\n\n" + participants_usage(svc, lang))
        return
    caption = _("Registrations for {title}: {count}").format(
        title=event.title if event else slug, count=len(infos)
    )
    await context.bot.send_document(
        chat.id,
        export_csv(infos, event, lang=lang),
        filename=f"deltagere-{safe_name(slug)}.csv",
        caption=caption[: MessageLimit.CAPTION_LENGTH],
    )


async def show_needs(update: Update, context: Context, lang: Lang) -> None:
    """/behov SLUG: who needs what for the event, arranged or not (``bot.arranging``)."""
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    _ = translator(lang).gettext
    slug = context.args[0] if context.args else None
    event = svc.kb.event(slug) if slug else None
    if event is None:
        usage = _(
            "Write /needs followed by the event's short name, for example:\n/needs {example}"
        ).format(example=next(iter(svc.kb.events), "temadag"))
        lead = _("I do not know the event {slug}.").format(slug=slug) + "\n\n" if slug else ""
        await reply(context, chat.id, lead + usage + "\n\n" + events_list(svc, lang))
        return
    summary = await needs_summary(svc.db, event.id)
    await reply(context, chat.id, summary_text(event, summary, lang))


async def mark_arranged(update: Update, context: Context, lang: Lang) -> None:
    """/ordnet SLUG NUMBER [NEED]: mark a need arranged; the participant is told (as at the
    desk). Without the need, the person's only need not yet arranged."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    svc = services(context)
    _ = translator(lang).gettext
    args = list(context.args or [])
    event = svc.kb.event(args[0]) if args else None
    given = args[1].lstrip("#") if len(args) > 1 else ""
    number = int(given) if given.isdigit() and len(given) <= 12 else None
    usage = _(
        "Write /arranged followed by the event's short name, the person's number from /needs "
        "and the need, for example:\n/arranged {example} 12 sign-language interpreter"
    ).format(example=next(iter(svc.kb.events), "temadag"))
    if event is None or number is None:
        await reply(context, chat.id, usage)
        return
    person = (await needs_summary(svc.db, event.id)).person(number)
    open_kinds = [n.kind for n in person.needs if not n.arranged] if person else []
    kind = kind_named(" ".join(args[2:])) if len(args) > 2 else None
    if kind is None and len(args) <= 2 and len(open_kinds) == 1:
        kind = open_kinds[0]
    if person is None or kind is None or kind not in {n.kind for n in person.needs}:
        await reply(context, chat.id, _("I found no such need.") + "\n\n" + usage)
        return
    member = staff_member(user)
    marked = await Arranging(svc.registrations, svc.delivery).mark(
        event,
        person.registration_id,
        kind,
        arranged=True,
        by=member.name,
        actor=f"staff:{member.name}",
        channel=CHANNEL,
        now=now(context),
    )
    label = need_label(kind, lang)
    if marked is Marked.ARRANGED:
        text = _("{need} for {name} is marked as arranged, and the person has been told.")
    else:
        text = _("Nothing changed: it already was so.")
    await reply(context, chat.id, text.format(need=label[:1].upper() + label[1:], name=person.name))


def safe_name(slug: str) -> str:
    """The slug as a file name: letters, digits and dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", slug.casefold()).strip("-")[:60] or "arrangement"


def participants_usage(svc: Services, lang: Lang) -> str:
    _ = translator(lang).gettext
    usage = _(
        "Write /participants followed by the event's short name, for example:\n"
        "/participants {example}"
    ).format(example=next(iter(svc.kb.events), "temadag"))
    return usage + "\n\n" + events_list(svc, lang)


def events_list(svc: Services, lang: Lang) -> str:
    return texts.events_text(svc.kb.events.values(), lang)


async def show_status(update: Update, context: Context, lang: Lang) -> None:
    """/status: the mailbox, the messages waiting to be sent, the open cases."""
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    status = await read_status(svc.db, svc.health, mailbox_configured=bool(svc.settings.imap_host))
    await reply(context, chat.id, status_text(status, lang))


async def send_broadcast(update: Update, context: Context, lang: Lang) -> None:
    """/besked SLUG text: a message to everyone registered for the event, on their channel."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    svc = services(context)
    _ = translator(lang).gettext
    # The text as written, line breaks and all: everything after the command and the slug.
    parts = (message.text or "").split(None, 2)
    slug = parts[1] if len(parts) > 1 else None
    body = parts[2].strip() if len(parts) > 2 else ""
    event = svc.kb.event(slug) if slug else None
    if event is None or not body:
        problem = (
            _("I do not know the event {slug}.").format(slug=slug) if slug and not event else ""
        )
        await reply(
            context, chat.id, "\n\n".join(filter(None, [problem, broadcast_usage(svc, lang)]))
        )
        return
    # Asked first: a message to everyone cannot be called back, so staff see it once more.
    await svc.conversations.update(
        CHANNEL, chat.id, now(context), flow=BROADCAST, flow_state={"event": slug, "text": body}
    )
    registered = await svc.registrations.registered_count(event.id)
    question = _("Send this message to the {count} registered for {title}?").format(
        count=registered, title=event.title
    )
    await reply(
        context,
        chat.id,
        # The message as participants will see it (each in their own language).
        f"{question}\n\n{participants_text(event, body, lang)}",
        buttons=keyboard([("bc:send", _("Send")), ("bc:drop", _("Do not send"))], columns=2),
    )


async def broadcast_button(update: Update, context: Context, lang: Lang) -> None:
    """Send or drop the message /besked asked about."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    await query.edit_message_reply_markup(None)  # answered once
    svc = services(context)
    _ = translator(lang).gettext
    state = await svc.conversations.get(CHANNEL, chat.id)
    pending = state.flow_state if state.flow == BROADCAST else None
    await svc.conversations.update(CHANNEL, chat.id, now(context), flow=None, flow_state=None)
    event = svc.kb.event(str(pending.get("event"))) if pending else None
    if pending is None or event is None:
        await reply(context, chat.id, _("There is no message waiting to be sent."))
        return
    if query.data != "bc:send":
        await reply(context, chat.id, _("OK, the message was not sent."))
        return
    report = await broadcast(
        svc.registrations, svc.delivery, event, str(pending.get("text", "")), now(context)
    )
    await reply(context, chat.id, broadcast_text(report, event.title, lang))


def broadcast_usage(svc: Services, lang: Lang) -> str:
    _ = translator(lang).gettext
    usage = _(
        "Write /broadcast, the event's short name and the message, for example:\n"
        "/broadcast {example} We have moved to hall 2."
    ).format(example=next(iter(svc.kb.events), "temadag"))
    return usage + "\n\n" + events_list(svc, lang)


def broadcast_text(report: BroadcastReport, title: str, lang: Lang) -> str:
    """How many the message went to, on each channel."""
    _ = translator(lang).gettext
    if not report.total:
        return _("Nobody is registered for {title}, so the message was not sent.").format(
            title=title
        )
    return _(
        "The message is on its way to everyone registered for {title} ({total}): "
        "{telegram} on Telegram and {email} by e-mail."
    ).format(
        total=report.total,
        title=title,
        telegram=report.by_channel.get("telegram", 0),
        email=report.by_channel.get("email", 0),
    )


# -- the staff chat otherwise ---------------------------------------------------------------------


async def staff_help(update: Update, context: Context, lang: Lang) -> None:
    """Any other command in the staff chat: what staff can do."""
    chat = update.effective_chat
    assert chat is not None
    await reply(context, chat.id, help_text(lang))


def help_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    needs = (
        _("/needs EVENT – who needs what, arranged or not")
        + "\n"
        + _("/arranged EVENT NUMBER NEED – a need is arranged (the person is told)")
    )
    return (
        _(
            "For the secretariat:\n"
            "/cases – the open cases\n"
            "/participants EVENT – the participant list as a file for Excel\n"
            "/status – how the bot is doing\n"
            "/broadcast EVENT text – a message to everyone registered\n"
            "/changes – changed events: tell the registered or not\n"
            "To answer a participant, reply to the case's message."
        )
        + "\n"
        + needs
    )


async def ignore(update: Update, context: Context) -> None:
    """Staff talking among themselves in the staff chat: not for the bot."""


def staff_menu(lang: Lang) -> list[BotCommand]:
    """The command menu of the staff chat."""
    _ = translator(lang).gettext
    descriptions = {
        "Open cases": _("Open cases"),
        "Participant list (CSV)": _("Participant list (CSV)"),
        "Needs per event, arranged or not": _("Needs per event, arranged or not"),
        "Mark a need as arranged": _("Mark a need as arranged"),
        "How the bot is doing": _("How the bot is doing"),
        "Message to everyone registered": _("Message to everyone registered"),
        "Changed events waiting for an answer": _("Changed events waiting for an answer"),
    }
    return [
        BotCommand(danish if lang == "da" else english, descriptions[text])
        for danish, english, text in STAFF_COMMANDS
    ]


async def set_staff_commands(bot: Bot, svc: Services) -> None:
    """Show the staff commands in the staff chat's menu (and only there)."""
    chat_id = svc.settings.staff_chat_id
    if chat_id is None:
        return
    try:
        await bot.set_my_commands(
            staff_menu(normalise_lang(svc.settings.staff_language)),
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as exc:  # e.g. the bot is not in the staff chat yet
        log.warning("could not set the staff chat's command menu: %s", exc)


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    """Add the staff handlers; they must come before the participants' handlers."""
    # New messages only: an edited "/besked" must not send the message a second time.
    new = filters.UpdateType.MESSAGE
    for names, what, handler in (
        (["sager", "cases"], "cases", show_cases),
        (["deltagere", "participants"], "participants", send_participants),
        (["behov", "needs"], "needs", show_needs),
        (["ordnet", "arranged"], "arranged", mark_arranged),
        (["status"], "status", show_status),
        (["besked", "broadcast"], "broadcast", send_broadcast),
        (["aendringer", "changes"], "changes", staff_changes.list_changes),
        (["aendring", "change"], "change", staff_changes.decide_change),
    ):
        app.add_handler(CommandHandler(names, staff_only(what, handler), filters=new))
    app.add_handler(CallbackQueryHandler(staff_only("button", case_button), pattern=r"^case:"))
    app.add_handler(
        CallbackQueryHandler(staff_only("broadcast", broadcast_button), pattern=r"^bc:")
    )
    if staff_chat_id is None:
        return
    staff_chat = filters.Chat(staff_chat_id)
    app.add_handler(
        MessageHandler(
            staff_chat & filters.REPLY & ~filters.COMMAND & new, staff_only("reply", staff_reply)
        )
    )
    app.add_handler(
        MessageHandler(staff_chat & filters.COMMAND & new, staff_only("help", staff_help))
    )
    app.add_handler(MessageHandler(staff_chat, ignore))
