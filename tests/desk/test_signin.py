"""Signing in at the desk, in process (httpx over ASGI): the rules a browser cannot show quickly.

Every /desk address refused without a session (a redirect to sign-in, nothing in it), form
tokens, the lock after failed sign-ins and the limit per client address, sessions kept apart,
expiring and ended on the server, one-time links used once and within 15 minutes, the web
chat's cookie never opening the desk, the cookie's attributes and the pages' headers, and
nothing personal in the logs.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from starlette.routing import Route

from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.desk.routes import desk_routes
from bot.registrations.identity import ChatId
from bot.staff.accounts import LOCK_AFTER, StaffAccounts
from bot.staff.models import DeskSession, SigninLink, StaffAccount
from bot.web.app import build_app
from tests.desk.conftest import ANNE, BASE, BO, Desk, sign_in, signin_token, token_of
from tests.web.conftest import StandIn
from tests.web.events import SLUG

PROTECTED = ["/desk", "/desk/", "/desk/sager", "/desk/sager/1", "/desk/arrangementer/x/deltagere"]
# The sign-in pages, open to anyone (signing out checks the session itself).
OPEN = {"/desk/log-ind", "/desk/log-ud", "/desk/link", "/desk/link/{token}"}


def every_protected_address(desk: Desk) -> list[tuple[str, str]]:
    """(method, path) of every address the desk serves behind sign-in, with made-up values in
    place of its parameters: a page added later is checked without being listed here."""
    found = {("GET", path) for path in PROTECTED} | {("POST", path) for path in PROTECTED}
    for route in desk_routes(desk.routes):
        if isinstance(route, Route) and route.path not in OPEN:
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            found |= {(method, path) for method in route.methods or () if method != "HEAD"}
    return sorted(found)


CHAT = f"/chat/{SLUG}"
REFUSED = "E-mailadressen eller adgangskoden er forkert"


def assert_sent_to_signin(response: httpx.Response) -> None:
    """A redirect to the sign-in page with an empty body: nothing of the desk in it."""
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/desk/log-ind"
    assert response.content == b""


async def actions(desk: Desk) -> list[tuple[str | None, str]]:
    return [(e.staff_name, e.action) for e in reversed(await desk.accounts.trail())]


async def live_sessions(desk: Desk) -> int:
    async with desk.services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(DeskSession)) or 0)


async def test_every_desk_address_without_a_session_goes_to_sign_in_and_shows_nothing(
    desk: Desk,
) -> None:
    async with desk.client() as stranger:
        addresses = every_protected_address(desk)
        assert len(addresses) > len(PROTECTED) * 2
        for method, path in addresses:
            assert_sent_to_signin(await stranger.request(method, path, data={"x": "1"}))
        assert_sent_to_signin(await stranger.get("/desk/log-ud"))
        assert_sent_to_signin(await stranger.post("/desk/log-ud", data={}))
        # A made-up cookie is no session either.
        stranger.cookies.set("deltagerbot_desk", f"{'a' * 43}.{'0' * 64}", path="/desk")
        assert_sent_to_signin(await stranger.get("/desk"))
        page = await stranger.get("/desk/log-ind")
    assert page.status_code == 200
    assert desk.title not in page.text and "Anne" not in page.text


async def test_signing_in_lands_on_the_start_page_with_the_events_and_cases(
    desk: Desk,
) -> None:
    event = desk.services.kb.event(SLUG)
    assert event is not None
    await desk.services.cases.open(
        channel="web",
        chat_id="s-1",
        user_id=None,
        name="Karen",
        question="Er der parkering?",
        lang="da",
        event=SLUG,
        now=desk.accounts.clock(),
    )
    async with desk.client() as browser:
        answer = await sign_in(browser, ANNE[1], ANNE[2])
        assert answer.status_code == 303 and answer.headers["location"] == "/desk"
        cookie = answer.headers["set-cookie"]
        start = await browser.get("/desk")
    assert cookie.startswith("deltagerbot_desk=")
    for attribute in ("Path=/desk", "HttpOnly", "SameSite=Strict"):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain http here; see the test of https below
    assert start.status_code == 200
    text = start.text
    assert '<html lang="da">' in text and "<h1>Skrivebord</h1>" in text
    assert "Logget ind som <strong>Anne Sekretær</strong>" in text
    assert desk.title in text and "Aalborg Kongres &amp; Kultur Center" in text
    assert "Åbne sager i alt: 1" in text
    row = text[text.index(desk.title) : text.index("</tr>", text.index(desk.title))]
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # When, where, registered, waiting, seats, days to the deadline, open cases, needs.
    assert cells[2:5] == ["0", "0", "ingen grænse"] and cells[6:] == ["1", "0"]
    assert re.fullmatch(r"\d+ dage \(.+\)", cells[5]), cells[5]
    # The event leads to its participants, the count to the cases.
    assert f'<a href="/desk/arrangementer/{SLUG}">{desk.title}</a>' in text
    assert '<a href="/desk/sager">Åbne sager i alt: 1</a>' in text
    assert 'href="/desk/spoergsmaal"' in text
    assert [a for a in await actions(desk) if a[1] == "signin"] == [("Anne Sekretær", "signin")]


async def test_counts_on_the_start_page_follow_the_registrations(desk: Desk) -> None:
    from tests.registrations.test_service import form

    event = desk.services.kb.event(SLUG)
    assert event is not None
    service = desk.services.registrations
    for n in (1, 2):
        await service.signup(
            event,
            form(n, session="1"),
            channel="web",
            chat=ChatId("web", f"s{n}"),
            now=desk.accounts.clock(),
        )
    async with desk.client() as browser:
        await sign_in(browser, BO[1], BO[2])
        text = (await browser.get("/desk")).text
    row = text[text.index(desk.title) : text.index("</tr>", text.index(desk.title))]
    assert '<td class="number">2</td>' in row


async def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    desk: Desk,
) -> None:
    async with desk.client() as browser:
        wrong = await sign_in(browser, ANNE[1], "ikke-det-rigtige-kodeord")
        unknown = await sign_in(browser, "ingen@kl.dk", "ikke-det-rigtige-kodeord")
        nonsense = await sign_in(browser, "ikke en adresse", "x")
        assert_sent_to_signin(await browser.get("/desk"))
    for answer in (wrong, unknown, nonsense):
        assert answer.status_code == 200 and REFUSED in answer.text
        assert 'role="alert"' in answer.text and "set-cookie" not in answer.headers

    def page(answer: httpx.Response) -> str:
        return answer.text.split('name="email" value="')[0]

    assert page(wrong) == page(unknown)
    assert await actions(desk) == [
        ("Anne Sekretær", "account_added"),
        ("Bo Berg", "account_added"),
        ("Anne Sekretær", "signin_failed"),
        (None, "signin_failed"),
        (None, "signin_failed"),
    ]


async def test_an_account_is_locked_after_five_failed_sign_ins(desk: Desk) -> None:
    async with desk.client() as browser:
        for _ in range(LOCK_AFTER):
            answer = await sign_in(browser, ANNE[1], "forkert-kodeord-igen")
            assert REFUSED in answer.text
        # Locked: even the right password is refused, with the same words.
        locked = await sign_in(browser, ANNE[1], ANNE[2])
        assert locked.status_code == 200 and REFUSED in locked.text
        assert_sent_to_signin(await browser.get("/desk"))
        # Another account is not locked.
        assert (await sign_in(browser, BO[1], BO[2])).status_code == 303
    found = await desk.accounts.find(ANNE[1])
    assert found is not None and found.locked(desk.accounts.clock())
    trail = await actions(desk)
    assert trail.count(("Anne Sekretær", "locked")) == 1
    assert trail.count(("Anne Sekretær", "signin_failed")) == LOCK_AFTER + 1
    # The lock lasts 15 minutes; then the right password works again.
    later = desk.accounts.clock() + timedelta(minutes=16)
    desk.accounts.clock = lambda: later
    async with desk.client() as browser:
        assert (await sign_in(browser, ANNE[1], ANNE[2])).status_code == 303
    found = await desk.accounts.find(ANNE[1])
    assert found is not None and found.failed_signins == 0 and found.locked_until is None


async def test_a_locked_account_can_still_sign_in_by_link(desk: Desk) -> None:
    async with desk.client() as browser:
        for _ in range(LOCK_AFTER):
            await sign_in(browser, ANNE[1], "forkert-kodeord-igen")
        token = await signin_token(browser)
        await browser.post("/desk/link", data={"csrf": token, "email": ANNE[1]})
        link = await desk.link_for(ANNE[1])
        page = await browser.get(link)
        used = await browser.post(link, data={"csrf": token_of(page.text)})
        assert used.status_code == 303 and used.headers["location"] == "/desk"
        assert "Anne Sekretær" in (await browser.get("/desk")).text
    found = await desk.accounts.find(ANNE[1])
    assert found is not None and not found.locked(desk.accounts.clock())


async def test_sign_in_attempts_from_one_address_are_limited(desk: Desk) -> None:
    desk.routes.per_address.burst = 4
    desk.routes.per_address._buckets.clear()
    async with desk.client() as browser:
        token = await signin_token(browser)
        answers = [
            await browser.post(
                "/desk/log-ind",
                data={"csrf": token, "email": f"gaet{n}@kl.dk", "password": "x" * 12},
            )
            for n in range(6)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
    assert "for mange forsøg på at logge ind herfra" in answers[-1].text
    # Another client address is not slowed by this one.
    other = httpx.ASGITransport(app=desk.transport.app, client=("10.0.0.9", 4000))
    async with httpx.AsyncClient(transport=other, base_url=BASE) as colleague:
        assert (await sign_in(colleague, BO[1], BO[2])).status_code == 303


async def test_forms_without_their_token_or_from_another_site_are_refused(desk: Desk) -> None:
    async with desk.client() as browser, desk.client() as other:
        token = await signin_token(browser)
        other_token = await signin_token(other)
        for data in (
            {"email": ANNE[1], "password": ANNE[2]},
            {"csrf": "0" * 64, "email": ANNE[1], "password": ANNE[2]},
            {"csrf": other_token, "email": ANNE[1], "password": ANNE[2]},  # another browser's
        ):
            refused = await browser.post("/desk/log-ind", data=data)
            assert refused.status_code == 403 and "Siden var udløbet" in refused.text
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            refused = await browser.post(
                "/desk/log-ind",
                data={"csrf": token, "email": ANNE[1], "password": ANNE[2]},
                headers=headers,
            )
            assert refused.status_code == 403
        assert await live_sessions(desk) == 0
        # Signed in, a sign-out without the token does nothing.
        await sign_in(browser, ANNE[1], ANNE[2])
        start = await browser.get("/desk")
        refused = await browser.post("/desk/log-ud", data={})
        assert refused.status_code == 403
        assert (await browser.get("/desk")).status_code == 200
        ok = await browser.post("/desk/log-ud", data={"csrf": token_of(start.text)})
        assert ok.status_code == 303 and ok.headers["location"] == "/desk/log-ind?ud"
        assert "Du er logget ud." in (await browser.get(ok.headers["location"])).text
        assert_sent_to_signin(await browser.get("/desk"))


async def test_one_staff_members_session_cannot_act_as_another(desk: Desk) -> None:
    async with desk.client() as anne, desk.client() as bo:
        await sign_in(anne, ANNE[1], ANNE[2])
        await sign_in(bo, BO[1], BO[2])
        anne_page, bo_page = (await anne.get("/desk")).text, (await bo.get("/desk")).text
        assert "<strong>Anne Sekretær</strong>" in anne_page and "Bo Berg" not in anne_page
        assert "<strong>Bo Berg</strong>" in bo_page and "Anne" not in bo_page
        anne_token = token_of(anne_page)
        # Bo's browser with Anne's form token: refused, and nobody is signed out.
        refused = await bo.post("/desk/log-ud", data={"csrf": anne_token})
        assert refused.status_code == 403
        assert await live_sessions(desk) == 2
        # Anne's cookie in a third browser is Anne, never Bo; signing out there ends Anne's.
        stolen = anne.cookies.get("deltagerbot_desk")
        async with desk.client() as third:
            third.cookies.set("deltagerbot_desk", stolen, path="/desk")
            assert "<strong>Anne Sekretær</strong>" in (await third.get("/desk")).text
        await anne.post("/desk/log-ud", data={"csrf": anne_token})
        assert_sent_to_signin(await anne.get("/desk"))
        assert (await bo.get("/desk")).status_code == 200
    assert (await actions(desk))[-1] == ("Anne Sekretær", "signout")


async def test_signing_out_ends_the_session_on_the_server(desk: Desk) -> None:
    async with desk.client() as browser:
        await sign_in(browser, ANNE[1], ANNE[2])
        kept = browser.cookies.get("deltagerbot_desk")
        token = token_of((await browser.get("/desk")).text)
        await browser.post("/desk/log-ud", data={"csrf": token})
        assert browser.cookies.get("deltagerbot_desk") != kept
    assert await live_sessions(desk) == 0
    async with desk.client() as replay:  # the old cookie, kept by someone
        replay.cookies.set("deltagerbot_desk", kept, path="/desk")
        assert_sent_to_signin(await replay.get("/desk"))


async def test_sessions_expire_when_idle_and_after_twelve_hours(desk: Desk) -> None:
    start = desk.accounts.clock()
    moments = [start]
    desk.accounts.clock = lambda: moments[-1]
    async with desk.client() as idle, desk.client() as busy:
        await sign_in(idle, ANNE[1], ANNE[2])
        await sign_in(busy, BO[1], BO[2])
        # Used every 7 hours, the busy session lives on; the idle one does not past 8 hours.
        moments.append(start + timedelta(hours=7))
        assert (await busy.get("/desk")).status_code == 200
        moments.append(start + timedelta(hours=8, minutes=1))
        assert_sent_to_signin(await idle.get("/desk"))
        assert (await busy.get("/desk")).status_code == 200
        moments.append(start + timedelta(hours=11, minutes=59))
        assert (await busy.get("/desk")).status_code == 200
        # Twelve hours after signing in, used or not, it is over.
        moments.append(start + timedelta(hours=12, minutes=1))
        assert_sent_to_signin(await busy.get("/desk"))
    assert await live_sessions(desk) == 0


async def test_an_open_list_polling_for_news_does_not_keep_a_session_alive(desk: Desk) -> None:
    start = desk.accounts.clock()
    moments = [start]
    desk.accounts.clock = lambda: moments[-1]
    async with desk.client() as left_open:
        await sign_in(left_open, ANNE[1], ANNE[2])
        # The cases list asks for news every few seconds; nobody is at the screen.
        for hours in range(1, 9):
            moments.append(start + timedelta(hours=hours, minutes=-1))
            polled = await left_open.get("/desk/sager/nyt?vis=aabne&efter=0")
            assert polled.status_code == 200 and polled.json()["count"] is not None
        moments.append(start + timedelta(hours=8, minutes=1))
        assert_sent_to_signin(await left_open.get("/desk/sager/nyt?vis=aabne&efter=0"))
        assert_sent_to_signin(await left_open.get("/desk"))
    assert await live_sessions(desk) == 0


async def test_the_web_chats_cookie_never_opens_the_desk(desk: Desk) -> None:
    async with desk.client() as browser:
        assert (await browser.get(CHAT)).status_code == 200
        chat_cookie = browser.cookies.get("deltagerbot_chat")
        assert chat_cookie
        assert_sent_to_signin(await browser.get("/desk"))
        # Its value copied into the desk's cookie is refused too (another key label).
        browser.cookies.set("deltagerbot_desk", chat_cookie, path="/desk")
        assert_sent_to_signin(await browser.get("/desk"))
        # And a desk session does not make the chat see staff: the chat is its own.
        browser.cookies.delete("deltagerbot_desk", path="/desk")
        await sign_in(browser, ANNE[1], ANNE[2])
        chat = await browser.get(CHAT)
        assert chat.status_code == 200 and "Anne" not in chat.text


async def test_a_sign_in_link_is_mailed_used_once_and_the_answer_never_tells(
    desk: Desk,
) -> None:
    async with desk.client() as browser:
        token = await signin_token(browser)
        sent = await browser.post("/desk/link", data={"csrf": token, "email": "Anne@KL.dk"})
        nobody = await browser.post("/desk/link", data={"csrf": token, "email": "ingen@kl.dk"})
        assert sent.status_code == nobody.status_code == 200
        assert sent.text == nobody.text and "Tjek din indbakke" in sent.text
        assert await desk.mails_to("ingen@kl.dk") == []
        [mail] = await desk.mails_to(ANNE[1])
        assert mail.forget_when_sent and mail.subject == "Dit link til at logge ind på skrivebordet"
        assert mail.body.startswith("Hej Anne Sekretær")
        link = await desk.link_for(ANNE[1])
        # Opening the link (as a mail program checking it would) does not use it up.
        for _ in range(2):
            page = await browser.get(link)
            assert page.status_code == 200 and "Log ind med linket" in page.text
        assert_sent_to_signin(await browser.get("/desk"))
        used = await browser.post(link, data={"csrf": token_of(page.text)})
        assert used.status_code == 303 and used.headers["location"] == "/desk"
        assert "<strong>Anne Sekretær</strong>" in (await browser.get("/desk")).text
    async with desk.client() as again:
        refused = await again.get(link)
        assert refused.status_code == 410 and "Linket virker ikke længere" in refused.text
        posted = await again.post(link, data={"csrf": await signin_token(again)})
        assert posted.status_code == 410 and "set-cookie" not in posted.headers
        assert_sent_to_signin(await again.get("/desk"))
    stored = await stored_links(desk)
    assert len(stored) == 1 and link.rsplit("/", 1)[1] not in stored[0]  # only its hash
    assert [a for a in await actions(desk) if "link" in a[1]] == [
        ("Anne Sekretær", "link_sent"),
        ("Anne Sekretær", "signin_link"),
    ]


async def stored_links(desk: Desk) -> list[str]:
    async with desk.services.db.session() as session:
        return list(await session.scalars(select(SigninLink.token_hash)))


async def test_an_expired_link_is_refused_politely(desk: Desk) -> None:
    async with desk.client() as browser:
        token = await signin_token(browser)
        await browser.post("/desk/link", data={"csrf": token, "email": BO[1]})
        link = await desk.link_for(BO[1])
        later = desk.accounts.clock() + timedelta(minutes=15, seconds=1)
        desk.accounts.clock = lambda: later
        page = await browser.get(link)
        assert page.status_code == 410
        assert "Det er allerede brugt, eller der er gået mere end 15 minutter" in page.text
        assert 'href="/desk/log-ind"' in page.text
        posted = await browser.post(link, data={"csrf": token})
        assert posted.status_code == 410
        made_up = await browser.get("/desk/link/" + "A" * 43)
        assert made_up.status_code == 410
        assert_sent_to_signin(await browser.get("/desk"))


async def test_only_a_few_links_are_open_at_once(desk: Desk) -> None:
    async with desk.client() as browser:
        token = await signin_token(browser)
        for _ in range(5):
            answer = await browser.post("/desk/link", data={"csrf": token, "email": BO[1]})
            assert "Tjek din indbakke" in answer.text
    assert len(await desk.mails_to(BO[1])) == 3


async def test_without_mail_no_link_is_offered(desk: Desk) -> None:
    desk.services.delivery.couriers.pop("email")
    async with desk.client() as browser:
        page = await browser.get("/desk/log-ind")
        assert "Send mig et link" not in page.text
        refused = await browser.post(
            "/desk/link", data={"csrf": token_of(page.text), "email": ANNE[1]}
        )
        assert refused.status_code == 503 and "e-mail ikke er sat op" in refused.text
    assert await desk.mails_to(ANNE[1]) == []


async def test_desk_pages_are_never_framed_and_secure_over_https(desk: Desk) -> None:
    async with desk.client() as browser:
        page = await browser.get("/desk/log-ind")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    https = httpx.ASGITransport(app=desk.transport.app)
    async with httpx.AsyncClient(transport=https, base_url="https://desk.test") as secure:
        page = await secure.get("/desk/log-ind")
        assert "; Secure" in page.headers["set-cookie"]
        answer = await secure.post(
            "/desk/log-ind",
            data={"csrf": token_of(page.text), "email": ANNE[1], "password": ANNE[2]},
        )
        assert "; Secure" in answer.headers["set-cookie"]


async def test_every_menu_entry_leads_to_a_page(desk: Desk) -> None:
    async with desk.client() as anne:
        await sign_in(anne, ANNE[1], ANNE[2])
        for _key, href in desk.routes.menu:
            assert (await anne.get(href)).status_code == 200, href


async def test_signed_in_an_unknown_desk_address_is_not_found(desk: Desk) -> None:
    async with desk.client() as browser:
        await sign_in(browser, ANNE[1], ANNE[2])
        missing = await browser.get("/desk/findes-ikke")
        assert missing.status_code == 404 and "Siden findes ikke" in missing.text
        assert 'href="/desk"' in missing.text
        slash = await browser.get("/desk/")
        assert slash.status_code == 303 and slash.headers["location"] == "/desk"
        # Signed in, the sign-in page sends to the desk.
        assert (await browser.get("/desk/log-ind")).headers["location"] == "/desk"


async def test_nothing_personal_in_the_logs(desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with desk.client() as browser:
        await sign_in(browser, ANNE[1], "forkert-kodeord-igen")
        await sign_in(browser, "ingen@kl.dk", "forkert-kodeord-igen")
        token = await signin_token(browser)
        await browser.post("/desk/link", data={"csrf": token, "email": ANNE[1]})
        await sign_in(browser, ANNE[1], ANNE[2])
        await browser.post(
            "/desk/log-ud", data={"csrf": token_of((await browser.get("/desk")).text)}
        )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "signed in" in logged and "signed out" in logged
    for personal in ("anne", "Anne", "ingen@", "kl.dk", ANNE[2], "/desk/link/"):
        assert personal not in logged


async def test_removing_an_account_ends_its_sessions(desk: Desk) -> None:
    async with desk.client() as browser:
        await sign_in(browser, BO[1], BO[2])
        assert (await browser.get("/desk")).status_code == 200
        await desk.accounts.remove(BO[1], by="cli:test")
        assert_sent_to_signin(await browser.get("/desk"))
    async with desk.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(StaffAccount)) == 1
    assert (await actions(desk))[-1] == ("Bo Berg", "account_removed")


async def test_a_new_password_ends_sessions_and_unlocks(desk: Desk) -> None:
    async with desk.client() as browser:
        await sign_in(browser, ANNE[1], ANNE[2])
        async with desk.services.db.transaction() as session:
            await session.execute(
                update(StaffAccount).values(locked_until=desk.accounts.clock() + timedelta(hours=1))
            )
        await desk.accounts.set_password(ANNE[1], "et-helt-nyt-kodeord", by="cli:test")
        assert_sent_to_signin(await browser.get("/desk"))
        assert (await sign_in(browser, ANNE[1], ANNE[2])).status_code == 200
        assert (await sign_in(browser, ANNE[1], "et-helt-nyt-kodeord")).status_code == 303


async def test_the_desk_acts_as_the_same_staff_member_as_the_staff_mailbox(desk: Desk) -> None:
    found = await desk.accounts.find("ANNE@kl.dk ")
    assert found is not None
    # The staff mailbox's id for mail from anne@kl.dk (bot/channels/mail/handling.py).
    assert found.member.id == "email:anne@kl.dk" and found.member.name == "Anne Sekretær"


async def test_a_second_app_on_the_same_database_knows_the_session(desk: Desk) -> None:
    """Sessions live in the database: a restart (a new app, same key) keeps staff signed in."""
    async with desk.client() as browser:
        await sign_in(browser, ANNE[1], ANNE[2])
        cookie = browser.cookies.get("deltagerbot_desk")
    app = build_app(desk.services, _chat(desk))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as restarted:
        restarted.cookies.set("deltagerbot_desk", cookie, path="/desk")
        assert (await restarted.get("/desk")).status_code == 200
    assert isinstance(app.state.desk.accounts, StaffAccounts)


def _chat(desk: Desk) -> WebChat:
    return WebChat(desk.services, Transcript(desk.services.db), turn=StandIn())


async def test_signing_in_again_in_the_same_browser_ends_the_earlier_session(desk: Desk) -> None:
    async with desk.client() as shared:
        await sign_in(shared, ANNE[1], ANNE[2])
        token = token_of((await shared.get("/desk")).text)
        answer = await shared.post(
            "/desk/log-ind", data={"csrf": token, "email": BO[1], "password": BO[2]}
        )
        assert answer.status_code == 303
        assert "<strong>Bo Berg</strong>" in (await shared.get("/desk")).text
    assert await live_sessions(desk) == 1
    assert (await actions(desk))[-2:] == [("Bo Berg", "signin"), ("Anne Sekretær", "signout")]
