"""The desk's sign-in in a real browser against the real bot, with axe-core on every page.

One ``python -m bot run`` serves the module (the web server, and mail through a real aiosmtpd
so sign-in links arrive as mail), with accounts made beforehand by ``python -m bot staff add``
as a separate process, as a secretariat does. Debian's Chromium, headless, signs in and out
with the keyboard, with a wrong password, and by a one-time link; axe-core checks each page
(no serious or critical violations).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.conftest import run_bot
from tests.desk.browsing import forget, heading, scan
from tests.mail.conftest import BOT_ADDRESS, SmtpServer
from tests.web.browser import ChatPage, wait_for
from tests.web.events import workshop_day
from tests.web.server import BotProcess

ANNE = ("Anne Sekretær", "anne@kl.dk", "anne-har-et-godt-kodeord")
BO = ("Bo Berg", "bo@kl.dk")


@dataclass
class Bot:
    process: BotProcess
    smtp: SmtpServer
    title: str

    @property
    def url(self) -> str:
        return self.process.url

    def link_for(self, address: str, within: float = 30.0) -> str:
        """The sign-in link mailed to ``address`` (the newest)."""

        def link() -> str | None:
            for received in reversed(self.smtp.messages):
                if address in received.rcpt_tos:
                    body = received.message.get_body(preferencelist=("plain",))
                    text = body.get_content() if body else ""
                    found = re.search(r"http://\S+/desk/link/[A-Za-z0-9_-]+", text)
                    if found:
                        return found.group(0)
            return None

        return wait_for(link, within, f"the sign-in link to {address}")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("desk-bot")
    title = workshop_day(folder / "knowledge")
    smtp = SmtpServer()
    smtp.start()
    settings = {
        "BOT_KNOWLEDGE_DIR": str(folder / "knowledge"),
        "BOT_SMTP_HOST": "127.0.0.1",
        "BOT_SMTP_PORT": str(smtp.port),
        "BOT_SMTP_STARTTLS": "false",
        "BOT_MAIL_FROM": BOT_ADDRESS,
        "BOT_STAFF_LANGUAGE": "da",
    }
    process = BotProcess(folder, settings)
    process.env["BOT_WEB_PUBLIC_URL"] = process.url
    for args, stdin in (
        (["add", ANNE[0], ANNE[1], "--admin", "--password-stdin"], ANNE[2] + "\n"),
        (["add", BO[0], BO[1], "--no-password"], ""),
    ):
        made = run_bot("staff", *args, stdin=stdin, env=process.env)
        assert made.returncode == 0, made.stderr
    try:
        process.start()
        yield Bot(process, smtp, title)
    finally:
        try:
            process.stop()
        finally:
            smtp.stop()


def fresh(driver: webdriver.Chrome, bot: Bot, path: str = "/desk") -> None:
    """A browser with no cookies, at ``path``."""
    forget(driver, bot.url)
    driver.get(f"{bot.url}{path}")


def test_sign_in_and_out_with_the_keyboard(browser: webdriver.Chrome, bot: Bot) -> None:
    fresh(browser, bot)
    # Without a session the desk is the sign-in page, in Danish.
    assert browser.current_url == f"{bot.url}/desk/log-ind"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "da"
    assert heading(browser) == "Log ind på skrivebordet"
    scan(browser, "sign-in page")
    page = ChatPage(browser)  # its keyboard helpers
    field = page.tab_to(lambda e: e.get_attribute("id") == "email")
    field.send_keys(ANNE[1])
    page.keys(Keys.TAB)
    assert page.focused().get_attribute("id") == "password"
    page.keys(ANNE[2], Keys.ENTER)
    wait_for(lambda: heading(browser) == "Skrivebord", what="the start page")
    assert browser.current_url == f"{bot.url}/desk"
    assert "Logget ind som Anne Sekretær" in browser.find_element(By.TAG_NAME, "header").text
    table = browser.find_element(By.CSS_SELECTOR, "table.desk-table").text
    assert bot.title in table and "Aalborg Kongres & Kultur Center" in table
    assert "Åbne sager i alt: 0" in browser.find_element(By.TAG_NAME, "main").text
    cookie = browser.get_cookie("deltagerbot_desk")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/desk"
    scan(browser, "start page")
    # An address the desk does not have: a plain page that says so, with the menu.
    browser.get(f"{bot.url}/desk/findes-ikke")
    assert "/desk/log-ind" not in browser.current_url and heading(browser)
    scan(browser, "a page not found")
    browser.get(f"{bot.url}/desk")
    # Sign out with the keyboard: the button in the header.
    button = page.tab_to(lambda e: e.text == "Log ud")
    button.send_keys(Keys.ENTER)
    wait_for(lambda: "Du er logget ud." in browser.page_source, what="signed out")
    assert heading(browser) == "Log ind på skrivebordet"
    scan(browser, "signed out")
    browser.get(f"{bot.url}/desk")
    assert browser.current_url == f"{bot.url}/desk/log-ind"


def test_a_wrong_password_is_told_accessibly(browser: webdriver.Chrome, bot: Bot) -> None:
    fresh(browser, bot, "/desk/log-ind")
    browser.find_element(By.ID, "email").send_keys(ANNE[1])
    browser.find_element(By.ID, "password").send_keys("ikke-det-rigtige", Keys.ENTER)
    alert = wait_for(
        lambda: next(iter(browser.find_elements(By.CSS_SELECTOR, "[role=alert]")), None),
        what="the refusal",
    )
    assert "E-mailadressen eller adgangskoden er forkert" in alert.text
    assert browser.find_element(By.ID, "email").get_attribute("value") == ANNE[1]
    scan(browser, "a refused sign-in")


def test_sign_in_by_a_link_sent_by_mail(browser: webdriver.Chrome, bot: Bot) -> None:
    fresh(browser, bot, "/desk/log-ind")
    browser.find_element(By.ID, "link-email").send_keys(BO[1])
    browser.find_element(By.XPATH, "//button[text()='Send mig et link']").click()
    wait_for(lambda: heading(browser) == "Tjek din indbakke", what="the link's answer")
    scan(browser, "link sent")
    link = bot.link_for(BO[1])
    browser.get(link)
    assert heading(browser) == "Log ind med linket"
    scan(browser, "the link's page")
    browser.find_element(By.XPATH, "//main//button[text()='Log ind']").click()
    wait_for(lambda: heading(browser) == "Skrivebord", what="the start page")
    assert "Logget ind som Bo Berg" in browser.find_element(By.TAG_NAME, "header").text
    # Used: the same link again is refused politely.
    fresh(browser, bot, link.removeprefix(bot.url))
    assert heading(browser) == "Linket virker ikke længere"
    scan(browser, "a used link")
