"""The events and participants pages in a real browser against the real bot, with axe-core.

One ``python -m bot run`` serves the module (the web server, and mail through a real aiosmtpd),
with Anne's account made beforehand by ``python -m bot staff add``. Debian's Chromium, headless,
signs her in and, mostly with the keyboard, takes two phone signups for a day of two seats (the
second takes the last seat), a third that goes on the waiting list as number 1, then cancels the
first: the waiting person gets the seat, on the page and by e-mail. axe-core checks every page
on the way (no serious or critical violations), and the focus lands on what the page says after
each form.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.desk.browsing import desk_bot, forget, heading, scan, signed_in
from tests.desk.test_participants import SMALL, SMALL_TITLE, write_events
from tests.mail.conftest import BOT_ADDRESS, SmtpServer
from tests.web.browser import ChatPage, wait_for
from tests.web.server import BotProcess


@dataclass
class Bot:
    process: BotProcess
    smtp: SmtpServer

    @property
    def url(self) -> str:
        return self.process.url

    def mail_to(self, address: str, words: str, within: float = 30.0) -> str:
        """The text of the newest mail to ``address`` holding ``words`` (waiting for it)."""

        def found() -> str | None:
            for received in reversed(self.smtp.messages):
                if address in received.rcpt_tos:
                    body = received.message.get_body(preferencelist=("plain",))
                    text = body.get_content() if body else ""
                    if words in text:
                        return str(text)
            return None

        return wait_for(found, within, f"a mail to {address} with {words!r}")


@contextmanager
def mailing_desk(folder: Path) -> Iterator[Bot]:
    """The bot with its desk on the test events (written into ``folder``), mailing through an
    SMTP server of its own."""
    write_events(folder / "knowledge")
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
    try:
        with desk_bot(folder, settings) as process:
            yield Bot(process, smtp)
    finally:
        smtp.stop()


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    with mailing_desk(tmp_path_factory.mktemp("desk-participants")) as running:
        yield running


def focused_notice(driver: webdriver.Chrome) -> str:
    """The notice after a form, which must have the focus (a screen reader reads it at once)."""
    notice = wait_for(
        lambda: next(iter(driver.find_elements(By.ID, "melding")), None), what="the notice"
    )
    focused = driver.switch_to.active_element
    assert focused.get_attribute("id") == "melding", focused.get_attribute("outerHTML")
    return str(notice.text)


def section_text(driver: webdriver.Chrome, heading_id: str) -> str:
    """The table (or the sentence) under a heading of the participants page."""
    found = driver.find_element(By.XPATH, f"//h2[@id='{heading_id}']/following-sibling::*[1]")
    return str(found.text)


def sign_up_by_keyboard(driver: webdriver.Chrome, name: str, email: str, needs: str = "") -> None:
    """From the participants page, with the keyboard: the link, the form's fields, Enter."""
    page = ChatPage(driver)
    link = page.tab_to(lambda e: e.text == "Tilmeld en deltager")
    link.send_keys(Keys.ENTER)
    wait_for(lambda: heading(driver) == "Tilmeld en deltager", what="the signup form")
    field = page.tab_to(lambda e: e.get_attribute("id") == "f-name")
    field.send_keys(name, Keys.TAB)
    page.keys(email, Keys.TAB)
    assert page.focused().get_attribute("id") == "f-organisation"
    page.keys("Handicaprådet i Aalborg", Keys.TAB)
    assert page.focused().get_attribute("id") == "f-needs"
    page.keys(needs)
    button = page.tab_to(lambda e: e.text == "Tilmeld")
    button.send_keys(Keys.ENTER)
    wait_for(lambda: heading(driver) == SMALL_TITLE, what="the participants page")


def row_button(driver: webdriver.Chrome, table: str, name: str, label: str) -> WebElement:
    """The button ``label`` in ``name``'s row of the table under ``table``."""
    return driver.find_element(
        By.XPATH,
        f"//h2[@id='{table}']/following-sibling::div[1]//tr[th[normalize-space()='{name}']]"
        f"//button[starts-with(normalize-space(), '{label}')]",
    )


def test_a_phone_signup_takes_the_last_seat_and_a_cancel_moves_the_waiting_list_up(
    browser: webdriver.Chrome, bot: Bot
) -> None:
    forget(browser, bot.url)
    signed_in(browser, bot.url)

    # The events page, from the menu.
    browser.find_element(By.XPATH, "//nav//a[text()='Arrangementer']").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == "Arrangementer", what="the events page")
    assert "Temadagen sidste år" in section_text(browser, "tidligere")
    scan(browser, "the events page")
    browser.find_element(By.LINK_TEXT, SMALL_TITLE).send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == SMALL_TITLE, what="the participants page")
    assert browser.current_url == f"{bot.url}/desk/arrangementer/{SMALL}"
    assert "Tilmeldte: 0 af 2 pladser" in browser.find_element(By.TAG_NAME, "main").text
    scan(browser, "an empty participants page")

    # A form sent empty: every problem in words, the summary focused, each linked to its field.
    browser.find_element(By.LINK_TEXT, "Tilmeld en deltager").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == "Tilmeld en deltager", what="the signup form")
    scan(browser, "the signup form")
    browser.find_element(By.XPATH, "//main//button[text()='Tilmeld']").send_keys(Keys.ENTER)
    summary = focused_notice(browser)
    assert "Skriv personens navn." in summary
    name_field = browser.find_element(By.ID, "f-name")
    assert name_field.get_attribute("aria-invalid") == "true"
    assert "fejl-name" in (name_field.get_attribute("aria-describedby") or "")
    scan(browser, "the signup form with problems")
    browser.find_element(By.LINK_TEXT, "Tilbage til deltagerne").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == SMALL_TITLE, what="the participants page")

    # Two phone signups: the second takes the last seat.
    sign_up_by_keyboard(browser, "Karen Jensen", "karen@aalborg.dk", "Kørestol")
    assert focused_notice(browser) == (
        "Karen Jensen er tilmeldt. En bekræftelse er på vej til karen@aalborg.dk."
    )
    sign_up_by_keyboard(browser, "Bo Hansen", "bo@aalborg.dk")
    assert focused_notice(browser).startswith("Bo Hansen er tilmeldt.")
    assert "Tilmeldte: 2 af 2 pladser" in browser.find_element(By.TAG_NAME, "main").text
    # The next person goes on the waiting list, as number 1, and is told so.
    sign_up_by_keyboard(browser, "Åse Nielsen", "aase@aalborg.dk", "Tolk")
    assert focused_notice(browser) == (
        "Der er ingen ledig plads, så Åse Nielsen står på ventelisten som nummer 1. "
        "En bekræftelse er på vej til aase@aalborg.dk."
    )
    waiting = section_text(browser, "venteliste")
    assert "Åse Nielsen" in waiting and "Tolk" in waiting
    assert "Kørestol" in section_text(browser, "tilmeldte")
    scan(browser, "the participants page with the registered and the waiting list")
    confirmation = bot.mail_to("karen@aalborg.dk", "Du er tilmeldt")
    assert "Sekretariatet har tilmeldt dig med denne adresse." in confirmation
    assert "som nummer 1" in bot.mail_to("aase@aalborg.dk", "ventelisten")

    # The history of a registration opens with the keyboard and names Anne.
    history = browser.find_element(
        By.XPATH,
        "//h2[@id='tilmeldte']/following-sibling::div[1]//tr[th[normalize-space()='Karen "
        "Jensen']]//summary",
    )
    history.send_keys(Keys.ENTER)
    wait_for(lambda: "Anne Sekretær (skrivebordet)" in history.find_element(By.XPATH, "..").text)

    # Cancel Karen: asked first, then the seat goes to Åse.
    row_button(browser, "tilmeldte", "Karen Jensen", "Afmeld").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == "Afmeld Karen Jensen?", what="the question")
    scan(browser, "the question before cancelling")
    browser.find_element(By.XPATH, "//main//button[text()='Ja, afmeld']").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == SMALL_TITLE, what="the participants page")
    assert focused_notice(browser) == (
        "Karen Jensen er afmeldt. Personen får besked på e-mail til karen@aalborg.dk. "
        "Pladsen gik til Åse Nielsen fra ventelisten, som får besked."
    )
    assert "Åse Nielsen" in section_text(browser, "tilmeldte")
    assert section_text(browser, "venteliste") == "Ingen står på ventelisten."
    assert "Karen Jensen" in section_text(browser, "afmeldte")
    scan(browser, "the participants page after a cancellation")
    assert "Godt nyt" in bot.mail_to("aase@aalborg.dk", "Godt nyt")

    # Back on the events page, the numbers follow.
    browser.find_element(By.LINK_TEXT, "Alle arrangementer").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == "Arrangementer", what="the events page")
    row = browser.find_element(
        By.XPATH, f"//h2[@id='kommende']/following-sibling::div[1]//tr[th='{SMALL_TITLE}']"
    )
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[2:5] == ["2", "0", "2"]  # registered, waiting, seats
    assert cells[-1] == "1"  # needs to arrange: Åse's; Karen cancelled, Bo gave none
    scan(browser, "the events page with numbers")

    # On a phone the page does not scroll sideways: the tables scroll in regions of their own.
    browser.set_window_size(400, 900)
    try:
        for path in (f"/desk/arrangementer/{SMALL}", "/desk/arrangementer"):
            browser.get(f"{bot.url}{path}")
            shown, wide = browser.execute_script(
                "return [document.documentElement.clientWidth,"
                " document.documentElement.scrollWidth];"
            )
            assert wide <= shown, (path, shown, wide)
        scan(browser, "the events page on a phone")
    finally:
        browser.set_window_size(1200, 1000)
