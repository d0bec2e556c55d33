"""The desk's knowledge pages in a real browser against the real bot, with axe-core on each page.

One ``python -m bot run`` serves the module (the web chat and the desk), with a staff account
made beforehand by ``python -m bot staff add`` as a secretariat does. Debian's Chromium signs
in, uploads an invitation written as a Word file, checks the draft (a mistake is found, told,
and fixed with the keyboard), tries a question on it, publishes it, and a participant then asks
about the new event in the web chat of the same running bot. axe-core scans the knowledge list,
an event's page, the upload page and the draft form: no serious or critical violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from evaluation.documents import write_docx
from tests.desk.browsing import desk_bot, forget, heading, scan, signed_in
from tests.desk.test_knowledge import future_day, invitation
from tests.web.browser import ChatPage, wait_for
from tests.web.events import SLUG, workshop_day
from tests.web.server import BotProcess

NEW_SLUG = "temadag-moeder"


@dataclass
class Bot:
    process: BotProcess
    folder: Path
    title: str

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def knowledge(self) -> Path:
        return self.folder / "knowledge"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("desk-knowledge-bot")
    title = workshop_day(folder / "knowledge")
    settings = {
        "BOT_KNOWLEDGE_DIR": str(folder / "knowledge"),
        "BOT_STAFF_LANGUAGE": "da",
        "BOT_KNOWLEDGE_POLL_SECONDS": "1",
    }
    with desk_bot(folder, settings) as process:
        yield Bot(process, folder, title)


def fits_a_phone(driver: webdriver.Chrome) -> bool:
    """Whether the page as it is fits a phone's width (no scrolling sideways)."""
    size = driver.get_window_size()
    driver.set_window_size(390, 844)
    try:
        wide: bool = driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;"
        )
    finally:
        driver.set_window_size(size["width"], size["height"])
    return wide


def press(driver: webdriver.Chrome, label: str) -> None:
    """Press the button with this text, with the keyboard (Enter on it)."""
    button = driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']")
    button.send_keys(Keys.ENTER)


def test_an_invitation_as_word_is_checked_published_and_answered_in_the_web_chat(
    browser: webdriver.Chrome, bot: Bot, tmp_path: Path
) -> None:
    day = future_day()
    document = write_docx(invitation(day), tmp_path / "invitation.docx")
    forget(browser, bot.url)
    signed_in(browser, bot.url)
    # The knowledge list, from the menu.
    browser.find_element(By.LINK_TEXT, "Viden").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == "Viden", what="the knowledge list")
    assert bot.title in browser.find_element(By.TAG_NAME, "main").text
    scan(browser, "the knowledge list")
    # An event as a readable page.
    browser.find_element(By.LINK_TEXT, bot.title).send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == bot.title, what="the event's page")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Hvornår" in main and "Tilgængelige byrum" in main and "registration:" not in main
    scan(browser, "an event's page")
    # The upload page: the Word file chosen, an id given, read.
    browser.get(f"{bot.url}/desk/viden")
    browser.find_element(By.LINK_TEXT, "Nyt arrangement ud fra invitationen").click()
    wait_for(lambda: heading(browser) == "Nyt arrangement ud fra invitationen", what="upload")
    scan(browser, "the upload page")
    browser.find_element(By.ID, "f-invitation").send_keys(str(document))
    browser.find_element(By.ID, "f-id").send_keys(NEW_SLUG)
    press(browser, "Læs invitationen")
    title = f"Temadag om tilgængelige møder {day.year}"
    wait_for(lambda: heading(browser) == f"Udkast: {title}", what="the draft form")
    assert browser.find_element(By.ID, "f-title").get_attribute("value") == title
    # Each field beside its line of the invitation: the link leads to that line.
    link = browser.find_element(By.CSS_SELECTOR, "#f-start ~ p.source a")
    number = re.sub(r"\D", "", link.text)
    assert "kl. 10.00-15.00" in browser.find_element(By.ID, f"kilde-{number}").text
    scan(browser, "the draft form")
    # On a phone the form and the invitation stand one above the other, nothing off the side.
    assert fits_a_phone(browser)
    # A mistake: the title emptied. The check says so, at the top and at the field.
    field = browser.find_element(By.ID, "f-title")
    field.clear()
    press(browser, "Gem og kontrollér")
    summary = wait_for(
        lambda: next(iter(browser.find_elements(By.ID, "problemer")), None), what="the problems"
    )
    assert "titel" in summary.text.casefold() or "title" in summary.text
    assert browser.switch_to.active_element.get_attribute("id") == "problemer"
    scan(browser, "the draft form with a problem")
    summary.find_element(By.CSS_SELECTOR, 'a[href="#f-title"]').send_keys(Keys.ENTER)
    wait_for(lambda: browser.switch_to.active_element.get_attribute("id") == "f-title", what="it")
    browser.switch_to.active_element.send_keys(title)
    browser.find_element(By.ID, "f-audience").send_keys("Handicaprådene i Nordjylland")
    press(browser, "Gem og kontrollér")
    wait_for(lambda: "Kontrollen finder ingen fejl" in browser.page_source, what="the check")
    assert not browser.find_elements(By.ID, "problemer")
    # A question tried on the draft before it is published.
    question = browser.find_element(By.ID, "spoergsmaal")
    question.send_keys("Hvornår er der frokost?")
    press(browser, "Spørg")
    answer = wait_for(
        lambda: next(iter(browser.find_elements(By.ID, "svar")), None), what="the answer"
    )
    assert "12.00" in answer.text and "Botten ville svare" in answer.text
    assert browser.switch_to.active_element.get_attribute("id") == "svar"
    assert not (bot.knowledge / f"{NEW_SLUG}.yaml").exists()
    scan(browser, "the draft form with an answer")
    # Published: the file is in the folder, and the event's page says so.
    press(browser, "Udgiv")
    wait_for(lambda: heading(browser) == title, what="the published event's page")
    assert "Udgivet." in browser.find_element(By.TAG_NAME, "main").text
    written = (bot.knowledge / f"{NEW_SLUG}.yaml").read_text(encoding="utf-8")
    assert "# linje" in written and "tjekket af: Anne Sekretær" in written
    scan(browser, "the published event's page")
    # A participant asks about the new event in the web chat of the running bot.
    browser.get(f"{bot.url}/static/web/site.css")
    browser.delete_all_cookies()
    browser.get(f"{bot.url}/chat/{NEW_SLUG}")
    chat = ChatPage(browser)
    chat.write("Hvornår er der frokost?")
    assert "12.00" in chat.bot_texts()[-1]
    chat.write("Hvor foregår det?")
    assert "Hasserisvej 10" in chat.bot_texts()[-1] or "Huset i Hasseris" in chat.bot_texts()[-1]
    # The other event is still as it was.
    assert (bot.knowledge / f"{SLUG}.yaml").exists()
