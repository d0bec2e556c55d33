"""The web chat's adapter and its protections, in process (httpx over ASGI, a stand-in turn).

What a browser cannot show quickly is checked here: form tokens, origins, sessions kept apart,
rate limits, size limits, escaping, headers and cookies, files, the embed code, the live wait.
The real conversation and a real browser are in ``test_browser.py``.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from bot.channels.web.transcript import Transcript
from bot.settings import Settings
from bot.web.limits import RateLimiter
from bot.web.secret import signing_key
from tests.web.conftest import PAGE, InProcess, open_chat, web_settings

API = f"{PAGE}/api/messages"


def conversation(html: str) -> str:
    return html[html.index('<ol class="conversation"') : html.index("</ol>")]


async def test_the_first_visit_says_the_welcome_once_and_a_reload_shows_the_conversation(
    in_process: InProcess,
) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        posted = await browser.post(PAGE, data={"csrf": token, "message": "Hvornår starter det?"})
        assert posted.status_code == 303
        assert posted.headers["location"] == f"{PAGE}#seneste"
        page = await browser.get(PAGE)
    text = conversation(page.text)
    assert text.count("Velkommen til temadagen.") == 1
    assert "Hvornår starter det?" in text and "Svar på: Hvornår starter det?" in text
    assert "Kilde: Temadagen" in text
    assert '<html lang="da">' in page.text
    starts = [i.text for i in in_process.turn.seen if i.text.startswith("/start")]
    assert starts == ["/start handicapraad-temadag-2024"]
    person = in_process.turn.seen[-1]
    assert person.channel == "web" and person.private
    assert person.person is not None and person.person.kind == "web"
    assert person.chat_id == person.person.value


async def test_a_post_without_the_form_token_is_refused_politely_in_danish(
    in_process: InProcess,
) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        wrong = token[:-1] + ("1" if token.endswith("0") else "0")
        for data in ({"message": "hej"}, {"message": "hej", "csrf": wrong}):
            refused = await browser.post(PAGE, data=data)
            assert refused.status_code == 403
            assert '<html lang="da">' in refused.text and "Siden var udløbet" in refused.text
            assert f'href="{PAGE}"' in refused.text
        api = await browser.post(API, json={"message": "hej"})
        assert api.status_code == 403
    async with in_process.client() as stranger:  # a token without its session
        refused = await stranger.post(PAGE, data={"csrf": token, "message": "hej"})
        assert refused.status_code == 403
    assert [i.text for i in in_process.turn.seen if not i.text.startswith("/")] == []


async def test_a_post_from_another_site_is_refused_even_with_the_token(
    in_process: InProcess,
) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            refused = await browser.post(
                PAGE, data={"csrf": token, "message": "hej"}, headers=headers
            )
            assert refused.status_code == 403
        same = await browser.post(
            PAGE,
            data={"csrf": token, "message": "hej"},
            headers={"Origin": "http://chat.test", "Sec-Fetch-Site": "same-origin"},
        )
        assert same.status_code == 303


async def test_another_sessions_conversation_cannot_be_reached(in_process: InProcess) -> None:
    async with in_process.client() as anna:
        token = await open_chat(anna)
        await anna.post(PAGE, data={"csrf": token, "message": "kalender"})
        page = await anna.get(PAGE)
        [link] = re.findall(r'href="(/chat/[^"]+/files/\d+)"', page.text)
        assert (await anna.get(link)).content.startswith(b"BEGIN:VCALENDAR")
        anna_cookie = anna.cookies.get("deltagerbot_chat")
    assert anna_cookie
    async with in_process.client() as bo:
        page = await bo.get(PAGE)
        assert "kalender" not in page.text and "Her er kalenderfilen" not in page.text
        assert (await bo.get(link)).status_code == 404  # Anna's file, Bo's cookie
        news = await bo.get(f"{API}?after=0")
        assert "kalender" not in news.text
        # A made-up cookie is no session: a fresh, empty chat instead.
        session_id = anna_cookie.split(".")[0]
        bo.cookies.set("deltagerbot_chat", f"{session_id}.{'0' * 43}")
        forged = await bo.get(PAGE)
        assert "kalender" not in forged.text
    # Nothing in any URL names the session.
    assert session_id not in link and session_id not in page.text


# A slow refill, so a slow machine does not earn the flooder a new token before the last step.
@pytest.mark.parametrize("app_settings", [{"web_session_rate": 0.01}], indirect=True)
async def test_a_flood_from_one_session_is_slowed_politely_and_another_is_answered(
    in_process: InProcess,
) -> None:
    async with in_process.client() as flooder, in_process.client() as other:
        flood_token, other_token = await open_chat(flooder), await open_chat(other)

        async def flood(n: int) -> httpx.Response:
            return await flooder.post(
                API,
                json={"message": f"spam {n}"},
                headers={"X-CSRF-Token": flood_token},
            )

        answers = await asyncio.gather(*(flood(n) for n in range(100)))
        answered = [a for a in answers if a.status_code == 200]
        slowed = [a for a in answers if a.status_code == 429]
        assert len(answered) + len(slowed) == 100
        assert 1 <= len(answered) <= 10, len(answered)
        assert all("Du skriver meget hurtigt" in a.json()["notice"] for a in slowed)
        reply = await other.post(
            API, json={"message": "Hvor er det?"}, headers={"X-CSRF-Token": other_token}
        )
        assert reply.status_code == 200
        assert "Svar på: Hvor er det?" in reply.json()["items"][-1]["text"]
        # Without script: the page comes back with the notice and the text kept.
        slowed_page = await flooder.post(PAGE, data={"csrf": flood_token, "message": "én til"})
        assert slowed_page.status_code == 429
        assert 'role="alert"' in slowed_page.text and 'value="én til"' in slowed_page.text


async def test_markup_written_by_the_person_is_shown_as_text(in_process: InProcess) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        written = '<script>alert("x")</script> <b>fed</b> &amp;'
        await browser.post(PAGE, data={"csrf": token, "message": written})
        page = await browser.get(PAGE)
        json = await browser.post(
            API, json={"message": "<img src=x onerror=alert(1)>"}, headers={"X-CSRF-Token": token}
        )
    shown = conversation(page.text)
    assert "<script>" not in shown and "<b>" not in shown
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;b&gt;fed&lt;/b&gt; &amp;amp;" in shown
    )
    html = "".join(item["html"] for item in json.json()["items"])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_too_long_messages_and_bodies_are_refused_politely(in_process: InProcess) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        long = "a" * 2001
        refused = await browser.post(PAGE, data={"csrf": token, "message": long})
        assert refused.status_code == 413
        assert "Din besked er for lang. Skriv højst 2000 tegn." in refused.text
        huge = await browser.post(PAGE, data={"csrf": token, "message": "a" * 20_000})
        assert huge.status_code == 413 and "Beskeden var for lang" in huge.text
        api = await browser.post(API, json={"message": long}, headers={"X-CSRF-Token": token})
        assert api.status_code == 413 and "for lang" in api.json()["notice"]
    assert not [i for i in in_process.turn.seen if i.text.startswith("a")]


async def test_choices_are_buttons_pressed_once_and_sent_back_as_values(
    in_process: InProcess,
) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        await browser.post(PAGE, data={"csrf": token, "message": "valg"})
        page = await browser.get(PAGE)
        assert '<button type="submit" name="choice" value="dlg:2">2. Job</button>' in page.text
        await browser.post(PAGE, data={"csrf": token, "choice": "dlg:2"})
        page = await browser.get(PAGE)
        assert 'value="dlg:2"' not in page.text  # answered: the buttons are gone
        assert "<p>2. Job</p>" in conversation(page.text)  # the person's answer, by its label
        stale = await browser.post(PAGE, data={"csrf": token, "choice": "dlg:1"})
        assert stale.status_code == 409 and "Den knap kan ikke bruges længere" in stale.text
        forged = await browser.post(PAGE, data={"csrf": token, "choice": "privacy:erase"})
        assert forged.status_code == 409
    assert [i.choice for i in in_process.turn.seen if i.choice] == ["dlg:2"]


async def test_english_when_the_person_chooses_it(in_process: InProcess) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        await in_process.services.conversations.update(
            "web", in_process.turn.seen[0].chat_id, in_process.chat.clock(), lang="en"
        )
        page = await browser.get(PAGE)
        assert '<html lang="en">' in page.text and "Questions about" in page.text
        assert 'value="lang:da" lang="da">På dansk' in page.text
        assert 'lang="da"' in conversation(page.text)  # the welcome was said in Danish
        assert (
            await browser.post(PAGE, data={"csrf": token, "choice": "lang:en"})
        ).status_code == 303


async def test_files_are_download_links_with_their_names(in_process: InProcess) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        await browser.post(PAGE, data={"csrf": token, "message": "kalender"})
        page = await browser.get(PAGE)
        [(link, label)] = re.findall(r'<a href="(/chat/[^"]+)" download>([^<]+)</a>', page.text)
        assert label == "Hent kalenderfilen (temadag.ics)"
        got = await browser.get(link)
    assert got.headers["content-type"].startswith("text/calendar")
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''temadag.ics"


async def test_headers_cookies_and_unknown_events(in_process: InProcess) -> None:
    async with in_process.client() as browser:
        page = await browser.get(PAGE)
        missing = await browser.get("/chat/ingen-saadan-dag")
        odd = await browser.get("/chat/..%2Fetc")
        css = await browser.get("/static/chat/chat.css")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert missing.status_code == 404 and "Siden findes ikke" in missing.text
    assert '<html lang="da">' in missing.text
    assert odd.status_code == 404
    assert css.status_code == 200 and "max-age" in css.headers["cache-control"]


async def test_embedding_and_secure_cookies_behind_https(tmp_path: Path) -> None:
    from bot.services import Services
    from bot.web.app import build_app

    settings = web_settings(
        tmp_path,
        web_allowed_origins=["https://kommune.example.dk/temadag", "https://raad.example.dk"],
        web_public_url="https://chat.example.dk",
    )
    services = await Services.start(settings)
    try:
        from bot.channels.web.chat import WebChat
        from tests.web.conftest import StandIn

        app = build_app(services, WebChat(services, Transcript(services.db), turn=StandIn()))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            page = await client.get(PAGE)
            embed = await client.get(f"{PAGE}/embed.js")
    finally:
        await services.close()
    ancestors = page.headers["content-security-policy"].split("frame-ancestors ")[1]
    assert ancestors == "'self' https://kommune.example.dk https://raad.example.dk"
    assert "x-frame-options" not in page.headers
    cookie = page.headers["set-cookie"]
    assert "Secure" in cookie and "SameSite=None" in cookie and "Partitioned" in cookie
    assert embed.headers["content-type"].startswith("text/javascript")
    assert embed.headers["cross-origin-resource-policy"] == "cross-origin"
    assert '"https://chat.example.dk/chat/handicapraad-temadag-2024"' in embed.text
    assert '"Chat om Temadag for Handicapr\\u00e5dene i Nordjylland \\u2013 2024"' in embed.text


async def test_an_open_page_gets_a_message_sent_on_the_bots_own_initiative(
    in_process: InProcess,
) -> None:
    async with in_process.client() as browser:
        token = await open_chat(browser)
        await browser.post(PAGE, data={"csrf": token, "message": "Kan jeg få hjælp?"})
        first = (await browser.get(f"{API}?after=0")).json()
        last = first["last"]
        waiting = asyncio.create_task(browser.get(f"{API}?after={last}"))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        session_id = in_process.turn.seen[-1].chat_id
        await in_process.chat.relay(session_id, "Svar fra sekretariatet: Ja, det kan du.")
        news = (await asyncio.wait_for(waiting, 5)).json()
    assert [item["text"] for item in news["items"]] == ["Svar fra sekretariatet: Ja, det kan du."]
    assert not news["items"][0]["by_person"]


async def test_a_stopping_server_ends_the_waits(app_settings: Settings) -> None:
    from bot.storage import Database

    db = Database.from_settings(app_settings)
    await db.migrate()
    transcript = Transcript(db)
    waiting = asyncio.create_task(transcript.wait("abc", 0, 60))
    await asyncio.sleep(0.1)
    transcript.close()
    assert await asyncio.wait_for(waiting, 2) == []
    assert transcript.waiting("abc") == 0
    await db.close()


def test_the_rate_limiter_refills_and_forgets() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1.0, burst=3, max_keys=2, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.wait_seconds("a") == 1.0
    now[0] = 1.5
    assert limiter.take("a") and not limiter.take("a")
    limiter.take("b"), limiter.take("c")  # "a" is forgotten: a full bucket again
    assert len(limiter._buckets) == 2 and limiter.allows("a")


def test_the_signing_key_is_made_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = signing_key(settings)
    assert first == signing_key(settings) and len(first) == 64
    assert (tmp_path / "data" / "web_secret").stat().st_mode & 0o777 == 0o600
    from pydantic import SecretStr

    assert signing_key(Settings(data_dir=tmp_path, web_secret=SecretStr("x" * 40))) == b"x" * 40
