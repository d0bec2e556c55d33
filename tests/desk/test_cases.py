"""The desk's cases, in process (httpx over ASGI): the list, a case, take, answer, close, teach.

On the real services of the ``desk`` fixture (SQLite, the web chat's courier, mail set up):
what the participant is told is read from the chat outbox, as the web chat's sender would send
it; what the staff boards show is read from ``case_posts`` and the mail outbox after a round
of the real staff desk with the real staff mailbox board.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import select

from bot.cases import CaseInfo, StaffMember
from bot.cases.models import CasePost
from bot.cases.staff import StaffDesk
from bot.cases.texts import post_text
from bot.channels.mail.channel import mail_outbox
from bot.channels.mail.staff import StaffMailBoard
from bot.conversations.messages import Incoming
from bot.conversations.questions import QuestionAsked
from bot.conversations.turn import Conversation
from bot.delivery.models import ChatOutboxMessage
from bot.registrations.identity import ChatId
from tests.desk.conftest import ANNE, BO, Desk, sign_in, token_of
from tests.web.events import SLUG

SECRET_CHAT = "sessions-id-som-er-en-noegle-1234"
ANNE_ID = f"email:{ANNE[1]}"
BO_ID = f"email:{BO[1]}"


@asynccontextmanager
async def staff(desk: Desk, who: tuple[str, str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in as ``who``."""
    async with desk.client() as browser:
        answer = await sign_in(browser, who[1], who[2])
        assert answer.status_code == 303, answer.text
        yield browser


async def web_case(
    desk: Desk, question: str, *, chat: str = SECRET_CHAT, event: str | None = SLUG
) -> CaseInfo:
    """A question from a web chat handed to staff, as the conversation turn hands it."""
    return await desk.services.cases.open(
        channel="web",
        chat_id=chat,
        user_id=chat,
        question=question,
        lang="da",
        event=event,
        now=desk.services.clock(),
    )


async def post(
    browser: httpx.AsyncClient, path: str, data: dict[str, str] | None = None
) -> httpx.Response:
    """Post a form of ``path``'s case page, with its token, as the browser does."""
    page = await browser.get(path.rsplit("/", 1)[0])
    return await browser.post(path, data={"csrf": token_of(page.text), **(data or {})})


async def told(desk: Desk) -> list[tuple[str, str, str]]:
    """What the participants are to be told: (chat, kind, text) from the chat outbox."""
    async with desk.services.db.session() as session:
        rows = await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id))
        return [(r.chat_id, r.kind, r.text) for r in rows]


async def desk_changes(desk: Desk) -> list[tuple[str | None, str, str | None]]:
    trail = reversed(await desk.accounts.trail())
    return [(e.staff_name, e.action, e.subject) for e in trail if e.action.startswith("case_")]


# -- the list -------------------------------------------------------------------------------


async def test_the_list_shows_the_open_cases_newest_first_and_filters(desk: Desk) -> None:
    first = await web_case(desk, "Er der parkering ved salen?")
    second = await web_case(desk, "Kan jeg få glutenfri mad?", chat="s-2", event=None)
    done = await web_case(desk, "Hvor lang er frokosten?", chat="s-3")
    await desk.services.cases.close(done.id, StaffMember(BO_ID, "Bo Berg"), desk.accounts.clock())
    async with staff(desk, ANNE) as browser:
        page = await browser.get("/desk/sager")
        closed = await browser.get("/desk/sager?vis=lukkede")
        no_event = await browser.get("/desk/sager?arrangement=-")
        for_event = await browser.get(f"/desk/sager?vis=alle&arrangement={SLUG}")
        nonsense = await browser.get("/desk/sager?vis=%3Cscript%3E&arrangement=%22x")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Sager</h1>" in text and 'aria-current="page">Sager</a>' in text
    assert text.index(f"#{second.id}: Kan jeg få glutenfri mad?") < text.index(
        f"#{first.id}: Er der parkering ved salen?"
    )
    assert "Hvor lang er frokosten?" not in text
    assert f'href="/desk/sager/{first.id}"' in text and "Ny, ikke taget" in text
    assert desk.title in text and "Uden arrangement" in text and "Sager vist: 2" in text
    assert SECRET_CHAT not in text
    assert "Hvor lang er frokosten?" in closed.text and "parkering" not in closed.text
    assert "glutenfri" in no_event.text and "parkering" not in no_event.text
    assert "frokosten" in for_event.text and "glutenfri" not in for_event.text
    assert nonsense.status_code == 200 and "<script>" not in nonsense.text
    # The page's script and its own style, and a polite live region for new cases.
    assert '<script src="/static/desk/cases.js?v=' in text
    assert 'aria-live="polite"' in text and 'data-poll="/desk/sager/nyt?vis=aabne"' in text


async def test_new_cases_reach_the_open_list_with_a_sentence_to_read_out(desk: Desk) -> None:
    first = await web_case(desk, "Er der parkering ved salen?")
    async with staff(desk, ANNE) as browser:
        page = await browser.get("/desk/sager")
        assert f'data-last="{first.id}"' in page.text
        quiet = (await browser.get(f"/desk/sager/nyt?vis=aabne&efter={first.id}")).json()
        second = await web_case(desk, "Må jeg have min hund med?", chat="s-2")
        news = await browser.get(f"/desk/sager/nyt?vis=aabne&efter={first.id}")
        mine = (await browser.get(f"/desk/sager/nyt?vis=mine&efter={second.id}")).json()
    assert quiet["announce"] == "" and [i["id"] for i in quiet["items"]] == [first.id]
    assert news.status_code == 200 and news.headers["content-type"] == "application/json"
    assert news.headers["cache-control"] == "no-store"
    data = news.json()
    assert data["announce"] == f"Ny sag: #{second.id}." and data["last"] == second.id
    assert [i["id"] for i in data["items"]] == [second.id, first.id]
    assert "Må jeg have min hund med?" in data["items"][0]["html"]
    assert (
        data["items"][0]["html"]
        .strip()
        .startswith(f'<li class="case-item state-new" data-id="{second.id}"')
    )
    assert data["count"] == "Sager vist: 2"
    assert mine["items"] == [] and mine["announce"] == ""
    async with desk.client() as stranger:
        refused = await stranger.get("/desk/sager/nyt?vis=aabne&efter=0")
    assert refused.status_code == 303 and refused.content == b""


# -- one case -------------------------------------------------------------------------------


async def test_a_case_shows_the_whole_conversation_and_nothing_of_the_session(
    desk: Desk,
) -> None:
    case = await web_case(desk, "Er der teleslynge i salen?")
    cases, now = desk.services.cases, desk.accounts.clock()
    await cases.take(case.id, StaffMember("telegram:900", "Carla"), now)
    await cases.add_participant_message(case.id, "Jeg bruger høreapparat.", now)
    await cases.answer(case.id, StaffMember("telegram:900", "Carla"), "Ja, i hele salen.", now)
    async with staff(desk, ANNE) as browser:
        page = await browser.get(f"/desk/sager/{case.id}")
    text = page.text
    assert page.status_code == 200 and f"<h1>Sag #{case.id}</h1>" in text
    conversation = text[text.index('<ol class="case-conversation"') :]
    said = ["Er der teleslynge i salen?", "Jeg bruger høreapparat.", "Ja, i hele salen."]
    assert [conversation.index(s) for s in said] == sorted(conversation.index(s) for s in said)
    assert "En deltager på webchat (deltager)" in text and "Carla (sekretariatet)" in text
    assert "Besvaret af Carla" in text and desk.title in text
    assert SECRET_CHAT not in text
    # Taken in the staff chat by Carla: Anne sees who has it, and may take it over.
    assert "Carla har sagen. Overtag den, hvis det er dig, der skal svare." in text
    assert "Overtag sagen fra Carla" in text and 'name="holder" value="telegram:900"' in text
    assert 'id="svar"' not in text


async def test_the_staff_boards_show_a_web_chat_person_by_a_tag_not_their_session(
    desk: Desk,
) -> None:
    case = await web_case(desk, "Er der elevator?")
    other = await web_case(desk, "Er der elevator?", chat="en-anden-session-5678")
    posted, other_posted = (post_text(c, desk.services.event_title, "da") for c in (case, other))
    assert SECRET_CHAT not in posted and "en-anden-session" not in other_posted
    tag = re.search(r"webchat-bruger (\w{6})", posted)
    assert tag is not None and tag.group(1) not in other_posted  # two people, two tags


async def test_take_answer_close_and_teach_at_the_desk(desk: Desk) -> None:
    case = await web_case(desk, "Må jeg tage min førerhund med?")
    path = f"/desk/sager/{case.id}"
    async with staff(desk, ANNE) as browser:
        taken = await post(browser, f"{path}/tag", {"holder": ""})
        assert taken.status_code == 303 and taken.headers["location"] == f"{path}?udfoert=tag"
        page = await browser.get(taken.headers["location"])
        assert "Du har taget sag" in page.text and "Taget af Anne Sekretær" in page.text
        assert 'role="status"' in page.text and 'id="svar"' in page.text
        mine = await browser.get("/desk/sager?vis=mine")
        assert "Må jeg tage min førerhund med?" in mine.text

        answered = await post(browser, f"{path}/svar", {"svar": "  Ja, førerhunde er velkomne.  "})
        assert answered.headers["location"] == f"{path}?udfoert=svar"
        page = await browser.get(answered.headers["location"])
        assert "Dit svar i sag" in page.text and "Besvaret af Anne Sekretær" in page.text

        saved = await post(browser, f"{path}/gem")
        assert saved.headers["location"] == f"{path}?udfoert=gem"
        page = await browser.get(saved.headers["location"])
        assert "Gemt: botten svarer nu selv på dette spørgsmål." in page.text
        assert "Anne Sekretær gemte svaret som bottens svar." in page.text

        closed = await post(browser, f"{path}/luk", {"holder": ANNE_ID})
        assert closed.headers["location"] == f"{path}?udfoert=luk"
        page = await browser.get(closed.headers["location"])
        assert "er lukket. Botten svarer deltageren igen." in page.text
        assert "Sagen er lukket." in page.text and 'id="svar"' not in page.text
    # The participant was told on their own channel, in order, as from the staff chat.
    assert [(chat, kind) for chat, kind, _text in await told(desk)] == [
        (SECRET_CHAT, "taken"),
        (SECRET_CHAT, "relay"),
        (SECRET_CHAT, "handback"),
    ]
    relay = (await told(desk))[1][2]
    assert relay == "Svar fra sekretariatet:\n\nJa, førerhunde er velkomne."
    final = await desk.services.cases.get(case.id)
    assert final is not None and final.status == "closed" and final.taken_by_id == ANNE_ID
    assert [(x.question, x.answer) for x in await desk.services.cases.learned()] == [
        ("Må jeg tage min førerhund med?", "Ja, førerhunde er velkomne.")
    ]
    subject = f"case:{case.id}"
    assert await desk_changes(desk) == [
        ("Anne Sekretær", "case_taken", subject),
        ("Anne Sekretær", "case_answered", subject),
        ("Anne Sekretær", "case_taught", subject),
        ("Anne Sekretær", "case_closed", subject),
    ]


async def test_saved_answers_are_given_by_the_bot_to_the_next_person(desk: Desk) -> None:
    """The whole way round on the real conversation turn: a web chat's question is handed
    over, answered and saved at the desk, and the next web chat asking is answered by the bot."""
    turn = Conversation(desk.services)

    async def ask(chat: str, text: str) -> str:
        incoming = Incoming(
            channel="web", chat_id=chat, now=desk.services.clock(), person=ChatId("web", chat)
        )
        await turn.handle(
            Incoming(**{**incoming.__dict__, "text": f"/start {SLUG}"})  # the page's welcome
        )
        return (await turn.handle(Incoming(**{**incoming.__dict__, "text": text}))).text

    question = "Må jeg tage min førerhund med?"
    assert "sendt dit spørgsmål videre til sekretariatet" in await ask("s-1", question)
    [case] = await desk.services.cases.open_cases()
    assert case.event == SLUG
    async with staff(desk, BO) as browser:
        path = f"/desk/sager/{case.id}"
        await post(browser, f"{path}/svar", {"svar": "Ja, førerhunde er velkomne i salen."})
        await post(browser, f"{path}/gem")
    assert await ask("s-2", question) == "Ja, førerhunde er velkomne i salen."
    await desk.services.db.settled()  # the question log is written just after the answer
    async with desk.services.db.session() as session:
        rows = list(await session.scalars(select(QuestionAsked).order_by(QuestionAsked.id)))
    assert [(r.outcome, r.case_id, r.staff_answered) for r in rows] == [
        ("handed_over", case.id, True),
        ("answered", None, False),
    ]


# -- what cannot be done --------------------------------------------------------------------


async def test_an_empty_answer_is_refused_plainly(desk: Desk) -> None:
    case = await web_case(desk, "Er der parkering?")
    async with staff(desk, ANNE) as browser:
        refused = await post(browser, f"/desk/sager/{case.id}/svar", {"svar": "   \n "})
    assert refused.status_code == 400
    assert "Skriv dit svar i feltet, før du sender det. Der blev ikke sendt noget." in refused.text
    assert 'role="alert"' in refused.text and 'aria-invalid="true"' in refused.text
    assert await told(desk) == []
    found = await desk.services.cases.get(case.id)
    assert found is not None and found.status == "new"


async def test_a_case_closed_meanwhile_says_so_and_nothing_is_done(desk: Desk) -> None:
    case = await web_case(desk, "Er der parkering?")
    async with staff(desk, ANNE) as browser:
        page = await browser.get(f"/desk/sager/{case.id}")
        token = token_of(page.text)
        # Meanwhile Bo closes it in the staff mailbox.
        await desk.services.cases.close(case.id, StaffMember(BO_ID, "Bo"), desk.accounts.clock())
        answered = await browser.post(
            f"/desk/sager/{case.id}/svar", data={"csrf": token, "svar": "Der er 20 pladser."}
        )
        taken = await browser.post(f"/desk/sager/{case.id}/tag", data={"csrf": token})
        closed = await browser.post(f"/desk/sager/{case.id}/luk", data={"csrf": token})
        taught = await browser.post(f"/desk/sager/{case.id}/gem", data={"csrf": token})
    for refused in (answered, taken, closed):
        assert refused.status_code == 409
        assert f"Sag #{case.id} er allerede lukket." in refused.text
        assert "Traceback" not in refused.text
    assert taught.status_code == 409 and "har endnu intet svar at gemme" in taught.text
    assert await told(desk) == []
    assert await desk_changes(desk) == []


async def test_a_case_another_has_is_not_answered_and_they_are_named(desk: Desk) -> None:
    case = await web_case(desk, "Er der tolk?")
    path = f"/desk/sager/{case.id}"
    async with staff(desk, ANNE) as anne, staff(desk, BO) as bo:
        anne_page = await anne.get(path)  # Anne sees a new case
        token = token_of(anne_page.text)
        assert (await post(bo, f"{path}/tag", {"holder": ""})).status_code == 303
        # Anne's page was from before: her answer is not sent, and she is told who has it.
        answered = await anne.post(f"{path}/svar", data={"csrf": token, "svar": "Ja, vi har tolk."})
        assert answered.status_code == 409
        assert "Bo Berg har taget sagen, så dit svar blev ikke sendt." in answered.text
        assert ">Ja, vi har tolk.</textarea>" not in answered.text  # no field: it is Bo's
        taken = await anne.post(f"{path}/tag", data={"csrf": token, "holder": ""})
        assert taken.status_code == 409
        assert "Bo Berg har taget sagen i mellemtiden." in taken.text
        closed = await anne.post(f"{path}/luk", data={"csrf": token, "holder": ""})
        assert closed.status_code == 409 and "så den blev ikke lukket" in closed.text
        # Seeing that Bo has it, she may take it over.
        page = await anne.get(path)
        assert "Bo Berg har sagen." in page.text and "Overtag sagen fra Bo Berg" in page.text
        over = await anne.post(f"{path}/tag", data={"csrf": token, "holder": BO_ID})
        assert over.status_code == 303
        answered = await post(anne, f"{path}/svar", {"svar": "Ja, vi har tolk."})
        assert answered.status_code == 303
    found = await desk.services.cases.get(case.id)
    assert found is not None and found.taken_by == "Anne Sekretær" and found.answer
    assert await desk_changes(desk) == [
        ("Bo Berg", "case_taken", f"case:{case.id}"),
        ("Anne Sekretær", "case_taken", f"case:{case.id}"),
        ("Anne Sekretær", "case_answered", f"case:{case.id}"),
    ]


async def test_an_answer_for_a_channel_not_set_up_here_is_refused(desk: Desk) -> None:
    case = await desk.services.cases.open(
        channel="telegram",
        chat_id=4711,
        question="Er der parkering?",
        lang="da",
        event=SLUG,
        now=desk.accounts.clock(),
    )
    async with staff(desk, ANNE) as browser:
        refused = await post(browser, f"/desk/sager/{case.id}/svar", {"svar": "Ja."})
    assert refused.status_code == 409
    assert "Deltageren skrev på Telegram, som ikke er sat op på denne server" in refused.text
    assert ">Ja.</textarea>" in refused.text


async def test_unknown_cases_are_not_found_and_forms_need_their_token(desk: Desk) -> None:
    case = await web_case(desk, "Er der parkering?")
    async with staff(desk, ANNE) as browser:
        for path in ("/desk/sager/999", "/desk/sager/99999999999999999999", "/desk/sager/0"):
            missing = await browser.get(path)
            assert missing.status_code == 404 and "Siden findes ikke" in missing.text
        token = token_of((await browser.get("/desk/sager")).text)
        for action in ("tag", "svar", "luk", "gem"):
            gone = await browser.post(
                f"/desk/sager/999/{action}", data={"csrf": token, "svar": "x"}
            )
            assert gone.status_code == 404
            refused = await browser.post(f"/desk/sager/{case.id}/{action}", data={"svar": "x"})
            assert refused.status_code == 403 and "Siden var udløbet" in refused.text
        cross = await browser.post(
            f"/desk/sager/{case.id}/svar",
            data={"csrf": token, "svar": "x"},
            headers={"Origin": "https://evil.example"},
        )
        assert cross.status_code == 403
    async with desk.client() as stranger:
        for action in ("tag", "svar", "luk", "gem"):
            answer = await stranger.post(f"/desk/sager/{case.id}/{action}", data={"svar": "x"})
            assert answer.status_code == 303 and answer.content == b""
        assert (await stranger.get(f"/desk/sager/{case.id}")).status_code == 303
    assert await told(desk) == []
    found = await desk.services.cases.get(case.id)
    assert found is not None and found.status == "new"


async def test_one_staff_member_cannot_act_as_another(desk: Desk) -> None:
    case = await web_case(desk, "Er der parkering?")
    path = f"/desk/sager/{case.id}"
    async with staff(desk, ANNE) as anne, staff(desk, BO) as bo:
        anne_token = token_of((await anne.get(path)).text)
        # Bo's session with Anne's form token: refused.
        refused = await bo.post(f"{path}/svar", data={"csrf": anne_token, "svar": "Nej."})
        assert refused.status_code == 403
        # Whatever Bo's form says about who acts, he acts as himself.
        pretend = {"staff": ANNE_ID, "as": "Anne Sekretær", "name": "Anne Sekretær"}
        await post(bo, f"{path}/tag", {"holder": "", **pretend})
        await post(bo, f"{path}/svar", {"svar": "Ja, 20 pladser.", **pretend})
    found = await desk.services.cases.get(case.id)
    assert found is not None
    assert (found.taken_by, found.taken_by_id) == ("Bo Berg", BO_ID)
    entries = await desk.services.cases.conversation(case.id)
    assert [(e.author, e.author_name) for e in entries][-1] == ("staff", "Bo Berg")
    assert {name for name, _action, _subject in await desk_changes(desk)} == {"Bo Berg"}


# -- the same person everywhere -----------------------------------------------------------


async def test_the_staff_mailbox_and_the_desk_are_one_person(desk: Desk) -> None:
    """A case Anne took by replying from the staff mailbox is hers at the desk, and what she
    does at the desk reaches the staff boards on the staff desk's next round."""
    services = desk.services
    board = StaffMailBoard(mail_outbox(services), "sekretariat@kl.dk", title=lambda _s: None)
    rounds = StaffDesk(services.cases, clock=desk.accounts.clock)
    rounds.add_board(board)
    by_mail = await web_case(desk, "Er der tolk?")
    at_desk = await web_case(desk, "Er der parkering?", chat="s-2")
    await rounds.sync()
    # Anne takes the first in the staff mailbox (the mailbox's id for her address).
    await services.cases.take(by_mail.id, StaffMember(ANNE_ID, "Anne"), desk.accounts.clock())
    async with staff(desk, ANNE) as browser:
        mine = await browser.get("/desk/sager?vis=mine")
        assert "Er der tolk?" in mine.text and "Er der parkering?" not in mine.text
        page = await browser.get(f"/desk/sager/{by_mail.id}")
        assert "har sagen" not in page.text and 'id="svar"' in page.text
        await post(browser, f"/desk/sager/{at_desk.id}/tag", {"holder": ""})
        await post(browser, f"/desk/sager/{at_desk.id}/luk", {"holder": ANNE_ID})
    await rounds.sync()
    async with services.db.session() as session:
        shown = dict(
            (row.case_id, row.shown_status)
            for row in await session.scalars(select(CasePost).where(CasePost.message_id.is_(None)))
        )
    assert shown[by_mail.id] == "taken|Anne|muted"
    assert shown[at_desk.id] == "closed|Anne Sekretær|"
    closing = [m for m in await desk.mails_to("sekretariat@kl.dk") if "er lukket" in m.body]
    assert len(closing) == 1 and f"Sag #{at_desk.id} er lukket." in closing[0].body


async def test_nothing_personal_in_the_logs(desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    case = await web_case(desk, "Må min ledsager Birgitte komme med?")
    async with staff(desk, ANNE) as browser:
        await browser.get("/desk/sager")
        await browser.get(f"/desk/sager/{case.id}")
        await post(browser, f"/desk/sager/{case.id}/svar", {"svar": "Ja, Birgitte er velkommen."})
        await post(browser, f"/desk/sager/{case.id}/gem")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"case answered id={case.id}" in logged
    for personal in ("Birgitte", "ledsager", SECRET_CHAT, "anne@", "Anne"):
        assert personal not in logged
