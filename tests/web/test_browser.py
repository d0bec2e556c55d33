"""The web chat in a real browser against the real bot, as participants and staff use it.

One ``python -m bot run`` serves the module (web chat, Telegram with a staff chat through the
fake Bot API server, the mailbox on a real Dovecot and aiosmtpd), on a knowledge folder with a
theme day a year from now that has two workshops to choose from. Debian's Chromium, headless,
drives the page: with JavaScript, with the keyboard alone, and without JavaScript; axe-core
checks every page and state (no serious or critical violations).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.conftest import free_port
from tests.mail.conftest import SmtpServer
from tests.mail.dovecot import Dovecot
from tests.web.browser import ChatPage, Violation, axe, chromium, serious, wait_for
from tests.web.events import SLUG, WORKSHOPS, workshop_day
from tests.web.server import BotProcess, ThreadedBotAPI, bot_settings

STAFF_CHAT = -1001
ANNE = 900
ALLOWED_HOST = free_port()
OTHER_HOST = free_port()


@dataclass
class Bot:
    process: BotProcess
    api: ThreadedBotAPI
    smtp: SmtpServer
    title: str

    @property
    def chat_url(self) -> str:
        return f"{self.process.url}/chat/{SLUG}"

    def code_for(self, address: str, within: float = 30.0) -> str:
        """The code the bot sent to ``address`` (the newest)."""

        def code() -> str | None:
            for received in reversed(self.smtp.messages):
                if address in received.rcpt_tos:
                    body = received.message.get_body(preferencelist=("plain",))
                    found = re.search(r"\b(\d{6})\b", body.get_content() if body else "")
                    if found:
                        return found.group(1)
            return None

        return wait_for(code, within, f"the code to {address}")

    def answer_in_staff_chat(self, question: str, answer: str) -> None:
        """A staff member answers the case in the staff chat, by replying to its post."""
        [post] = self.api.wait_for_sent(
            STAFF_CHAT, predicate=lambda m: not m.is_edit and question in (m.text or "")
        )
        self.api.call(
            self.api.api.send_text,
            STAFF_CHAT,
            answer,
            user_id=ANNE,
            first_name="Anne",
            reply_to_message_id=post.message_id,
        )


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("web-bot")
    title = workshop_day(folder / "knowledge")
    api = ThreadedBotAPI()
    smtp = SmtpServer()
    smtp.start()
    dovecot = Dovecot()
    dovecot.start()
    settings = bot_settings(folder / "knowledge", api, smtp.port, dovecot.port, STAFF_CHAT)
    settings["BOT_WEB_ALLOWED_ORIGINS"] = f'["http://127.0.0.1:{ALLOWED_HOST}"]'
    process = BotProcess(folder, settings)
    try:
        process.start()
        yield Bot(process, api, smtp, title)
    finally:
        try:
            process.stop()
        finally:
            dovecot.close()
            smtp.stop()
            api.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def plain_browser() -> Iterator[webdriver.Chrome]:
    """A browser with JavaScript switched off."""
    driver = chromium(javascript=False)
    try:
        yield driver
    finally:
        driver.quit()


def fresh(driver: webdriver.Chrome, bot: Bot) -> ChatPage:
    """A new person: no cookie, the chat page opened."""
    driver.get(f"{bot.process.url}/static/web/site.css")
    driver.delete_all_cookies()
    driver.get(bot.chat_url)
    return ChatPage(driver)


SCANS: dict[str, list[Violation]] = {}


def scan(driver: webdriver.Chrome, state: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    found = axe(driver)
    SCANS[state] = found
    bad = serious(found)
    assert not bad, f"{state}: {bad}"


def scan_as(plain: webdriver.Chrome, browser: webdriver.Chrome, state: str) -> None:
    """axe-core on what the browser without JavaScript shows: axe itself needs JavaScript, so
    the same page of the same chat is opened in the other browser and scanned there."""
    url = plain.current_url
    cookie = plain.get_cookie("deltagerbot_chat")
    browser.get(url.split("#")[0].rsplit("/chat/", 1)[0] + "/static/web/site.css")
    browser.delete_all_cookies()
    if cookie is not None:
        browser.add_cookie({"name": cookie["name"], "value": cookie["value"], "path": "/"})
    browser.get(url)
    scan(browser, state)


def heading(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def live_text(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.ID, "nyt").get_attribute("textContent") or ""


# ---------------------------------------------------------------------------- with JavaScript


def test_a_question_is_answered_and_read_out(browser: webdriver.Chrome, bot: Bot) -> None:
    page = fresh(browser, bot)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "da"
    assert browser.title == f"Spørgsmål om {bot.title}"
    [welcome] = page.bot_texts()
    assert f"Velkommen! Jeg kan svare på spørgsmål om {bot.title}." in welcome
    scan(browser, "empty chat (the welcome)")
    page.write("Hvor foregår det?")
    answer = page.bot_texts()[-1]
    assert "Aalborg Kongres & Kultur Center" in answer
    wait_for(lambda: "Aalborg Kongres" in live_text(browser), what="the answer read out")
    assert page.focused().get_attribute("id") == "besked"  # the focus stays in the field
    assert browser.current_url == bot.chat_url  # no reload
    scan(browser, "chat with answers")


def test_signup_with_a_workshop_an_email_code_a_reload_and_a_restart_then_cancel(
    browser: webdriver.Chrome, bot: Bot
) -> None:
    page = fresh(browser, bot)
    page.write("Jeg vil gerne tilmelde mig")
    assert "Hvad er dit navn?" in page.bot_texts()[-1]
    page.write("Karen Holm")
    # A reload in the middle of the dialogue: the conversation and the question are there.
    browser.refresh()
    assert "Karen Holm" in page.texts() and "Hvad er din e-mailadresse?" in page.bot_texts()[-1]
    page.write("karen.holm@jammerbugt.example.dk")
    assert "Skriv koden her" in page.bot_texts()[-1]
    assert [b.text for b in page.choices()] == ["Fortsæt uden kode"]
    code = bot.code_for("karen.holm@jammerbugt.example.dk")
    # A restart of the bot in the middle of the dialogue: it goes on where it was.
    bot.process.restart()
    browser.refresh()
    assert "Skriv koden her" in page.bot_texts()[-1]
    page.write(code)
    assert "Hvilket råd, hvilken kommune eller organisation" in page.bot_texts()[-1]
    page.write("Handicaprådet i Jammerbugt")
    assert "Hvilken vil du deltage i?" in page.bot_texts()[-1]
    labels = [b.text for b in page.choices()]
    assert labels == [f"1. {WORKSHOPS[0]}", f"2. {WORKSHOPS[1]}"]
    scan(browser, "signup dialogue with choices")
    page.press(WORKSHOPS[1])
    assert f"2. {WORKSHOPS[1]}" in page.texts()  # the choice shown as the person's answer
    page.press("Ingen særlige behov")
    summary = page.bot_texts()[-1]
    assert "Karen Holm" in summary and WORKSHOPS[1] in summary
    assert "Skal jeg tilmelde dig?" in summary
    scan(browser, "signup summary with yes/no")
    page.press("Ja, tilmeld mig")
    # The confirmation with its calendar file, then the check-in code with its QR code.
    wait_for(lambda: "Din kode til indtjekning" in page.bot_texts()[-1], what="the code")
    confirmed, code = page.bot_texts()[-2:]
    assert f"Du er tilmeldt {bot.title}." in confirmed
    assert code.startswith("Din kode til indtjekning: ")
    link = browser.find_elements(By.CSS_SELECTOR, "#beskeder li:nth-last-child(2) .file a")[0]
    assert (
        link.text.startswith("Hent kalenderfilen (") and link.get_attribute("download") is not None
    )
    qr = browser.find_elements(By.CSS_SELECTOR, "#beskeder li:last-child .file a")[0]
    assert qr.text.startswith("Hent QR-koden til indtjekning (")
    assert page.focused().get_attribute("id") == "besked"
    # Cancel.
    page.write("/afmeld")
    assert "Vil du melde afbud" in page.bot_texts()[-1]
    page.press("Ja, afmeld")
    assert f"Du er nu afmeldt {bot.title}." in page.bot_texts()[-1]


def test_a_question_for_staff_is_answered_in_the_open_chat_and_kept(
    browser: webdriver.Chrome, plain_browser: webdriver.Chrome, bot: Bot
) -> None:
    page = fresh(browser, bot)
    question = "Må jeg tage min førerhund med ind i salen?"
    page.write(question)
    assert "sendt dit spørgsmål videre til sekretariatet" in page.bot_texts()[-1]
    shown = page.count()
    bot.answer_in_staff_chat(question, "Ja, førerhunde er velkomne i salen.")
    # The open page shows it without a reload, and reads it out.
    page.wait_for_text("Ja, førerhunde er velkomne i salen.")
    assert page.count() > shown and browser.current_url == bot.chat_url
    wait_for(lambda: "førerhunde er velkomne" in live_text(browser), what="the answer read out")
    scan(browser, "chat with a staff answer")
    # The same chat without JavaScript (its cookie in the other browser): the answer is kept.
    cookie = browser.get_cookie("deltagerbot_chat")
    assert cookie is not None
    plain_browser.get(f"{bot.process.url}/static/web/site.css")
    plain_browser.delete_all_cookies()
    plain_browser.add_cookie({"name": cookie["name"], "value": cookie["value"], "path": "/"})
    plain_browser.get(bot.chat_url)
    assert "Ja, førerhunde er velkomne i salen." in ChatPage(plain_browser).texts()[-1]


# ---------------------------------------------------------------------------- keyboard alone


def is_field(element: WebElement) -> bool:
    return element.get_attribute("id") == "besked"


def test_the_whole_chat_with_the_keyboard_alone(browser: webdriver.Chrome, bot: Bot) -> None:
    page = fresh(browser, bot)
    browser.find_element(By.TAG_NAME, "body")  # nothing is clicked: Tab, Enter and Space only
    first = page.tab_to(lambda e: True)
    assert first.get_attribute("class") == "skip-link"
    page.keys(Keys.ENTER)  # the skip link goes to the text field
    page.tab_to(is_field)
    answered = page.count()
    page.keys("Hvornår starter det?", Keys.ENTER)
    page.wait_for_more(answered)
    assert "kl. 10.00" in page.bot_texts()[-1]
    for text in ("/tilmeld", "Bo Berg", "bo.berg@aalborg.example.dk"):
        assert is_field(page.focused())
        before = page.count()
        page.keys(text, Keys.ENTER)
        page.wait_for_more(before)
    before = page.count()
    page.keys(bot.code_for("bo.berg@aalborg.example.dk"), Keys.ENTER)
    page.wait_for_more(before)
    before = page.count()
    page.keys("Ældrerådet i Aalborg", Keys.ENTER)
    page.wait_for_more(before)
    # To the workshop buttons with Tab, and pressed with Space.
    workshop = page.tab_to(lambda e: e.text == f"1. {WORKSHOPS[0]}")
    assert workshop.tag_name == "button"
    before = page.count()
    page.keys(Keys.SPACE)
    page.wait_for_more(before)
    assert is_field(page.focused())  # back in the field after a choice
    needs = page.tab_to(lambda e: e.text == "Ingen særlige behov")
    assert needs.tag_name == "button"
    before = page.count()
    page.keys(Keys.ENTER)
    page.wait_for_more(before)
    page.tab_to(lambda e: e.text == "Ja, tilmeld mig")
    before = page.count()
    page.keys(Keys.ENTER)
    page.wait_for_more(before)
    wait_for(lambda: "Din kode til indtjekning" in page.bot_texts()[-1], what="the code")
    assert f"Du er tilmeldt {bot.title}." in page.bot_texts()[-2]
    link = page.tab_to(lambda e: e.tag_name == "a" and "kalenderfilen" in e.text)
    assert "/files/" in (link.get_attribute("href") or "")


# ------------------------------------------------------------------------- without JavaScript


def test_the_whole_flow_without_javascript(
    plain_browser: webdriver.Chrome, browser: webdriver.Chrome, bot: Bot
) -> None:
    driver = plain_browser
    page = fresh(driver, bot)
    page.write("Hvor foregår det?")
    assert driver.current_url == f"{bot.chat_url}#seneste"  # Post/Redirect/Get, to the answer
    assert "Aalborg Kongres & Kultur Center" in page.bot_texts()[-1]
    page.write("/tilmeld")
    for text in ("Dorte Dahl", "dorte.dahl@hjoerring.example.dk"):
        page.write(text)
    page.write(bot.code_for("dorte.dahl@hjoerring.example.dk"))
    page.write("Handicaprådet i Hjørring")
    scan_as(driver, browser, "no script: signup dialogue with choices")
    page.press(WORKSHOPS[0])
    page.press("Ingen særlige behov")
    page.press("Ja, tilmeld mig")
    assert f"Du er tilmeldt {bot.title}." in page.bot_texts()[-2]
    assert page.bot_texts()[-1].startswith("Din kode til indtjekning: ")
    link = driver.find_element(By.CSS_SELECTOR, "#beskeder li:nth-last-child(2) .file a")
    assert "/files/" in (link.get_attribute("href") or "")
    page.write("/afmeld")
    page.press("Ja, afmeld")
    assert f"Du er nu afmeldt {bot.title}." in page.bot_texts()[-1]
    question = "Kan jeg få en tegnsprogstolk til workshoppen?"
    page.write(question)
    bot.answer_in_staff_chat(question, "Ja, vi bestiller en tolk til dig.")
    time.sleep(0.5)

    def reloaded() -> bool:
        driver.refresh()
        return "Ja, vi bestiller en tolk til dig." in " ".join(page.texts())

    wait_for(reloaded, 30, "the staff answer after a reload")
    scan_as(driver, browser, "no script: chat with a staff answer")
    # In English, when the person chooses it.
    driver.find_element(By.CSS_SELECTOR, "form.language button").click()
    wait_for(
        lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
        what="the page in English",
    )
    assert "I will answer in English" in page.bot_texts()[-1]
    scan_as(driver, browser, "no script: in English")


# ------------------------------------------------------------------- error pages, embedding


def test_error_pages_are_plain_and_accessible(
    plain_browser: webdriver.Chrome, browser: webdriver.Chrome, bot: Bot
) -> None:
    fresh(browser, bot).driver.delete_all_cookies()  # someone new
    browser.get(f"{bot.process.url}/chat/ingen-saadan-dag")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Siden findes ikke"
    scan(browser, "404 page")
    # A post without the form token (a page of another site, a lost cookie) is refused.
    fresh(browser, bot)
    browser.execute_script(
        "var form = document.createElement('form'); form.method = 'post';"
        "form.action = location.pathname; document.body.appendChild(form);"
        "HTMLFormElement.prototype.submit.call(form);"
    )
    wait_for(lambda: heading(browser) == "Siden var udløbet", what="the 403 page")
    scan(browser, "403 page")
    # Without JavaScript: the cookie is gone (expired, deleted), the post is refused politely.
    page = fresh(plain_browser, bot)
    plain_browser.delete_all_cookies()
    page.field().send_keys("Hej", Keys.ENTER)
    wait_for(lambda: heading(plain_browser) == "Siden var udløbet", what="the 403 page")
    plain_browser.find_element(By.LINK_TEXT, "Tilbage til chatten").send_keys(Keys.ENTER)
    wait_for(lambda: plain_browser.current_url == bot.chat_url, what="the chat again")
    assert page.bot_texts()  # a new chat, with its welcome


class _Host(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_embedded_with_one_script_tag_on_allowed_sites_only(
    browser: webdriver.Chrome, bot: Bot, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Temadag</title>"
        "</head><body><main><h1>Temadag</h1>"
        f"<script src='{bot.chat_url}/embed.js'></script></main></body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(_Host, directory=str(tmp_path))
    servers = [
        http.server.ThreadingHTTPServer(("127.0.0.1", p), handler)
        for p in (ALLOWED_HOST, OTHER_HOST)
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://127.0.0.1:{ALLOWED_HOST}/index.html")
        frame = wait_for(lambda: browser.find_elements(By.TAG_NAME, "iframe"), what="the frame")[0]
        assert frame.get_attribute("title") == f"Chat om {bot.title}"
        scan(browser, "host page with the embedded chat")
        browser.switch_to.frame(frame)
        page = ChatPage(browser)
        wait_for(lambda: page.bot_texts(), what="the welcome in the frame")
        page.write("Hvornår starter det?")
        assert "kl. 10.00" in page.bot_texts()[-1]
        browser.switch_to.default_content()
        # Another site: the browser refuses to show the chat in its frame.
        browser.get(f"http://127.0.0.1:{OTHER_HOST}/index.html")
        frame = wait_for(lambda: browser.find_elements(By.TAG_NAME, "iframe"), what="the frame")[0]
        browser.switch_to.frame(frame)
        time.sleep(0.5)
        assert not browser.find_elements(By.ID, "beskeder")
        browser.switch_to.default_content()
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_zz_axe_summary() -> None:
    """What axe-core found in each state scanned above (shown with -s)."""
    for state, found in SCANS.items():
        print(f"axe: {state}: {len(found)} violation(s) {[(v.rule, v.impact) for v in found]}")
        assert not serious(found)
