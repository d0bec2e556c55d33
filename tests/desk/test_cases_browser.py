"""Cases and unanswered questions at the desk, in real browsers against the real bot.

One ``python -m bot run`` serves the module (the web chat and the desk, the real conversation
turn and staff desk), with an account made beforehand by ``python -m bot staff add``. Two
Debian Chromiums, headless: a participant in the web chat, and a staff member at the desk.
A question from the web chat appears on the open list of cases without a reload and is read
out; it is answered at the desk, the answer shows in the participant's open chat, it is saved,
and the next person asking is answered by the bot. Three wordings of one question are one group
on the page of unanswered questions, answered and taught at once. Without JavaScript and with
the keyboard alone, a case is opened, taken and answered. axe-core checks the list, a case and
the questions page (no serious or critical violations).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.desk.browsing import desk_bot, forget, heading, scan, signed_in
from tests.web.browser import ChatPage, chromium, wait_for
from tests.web.events import SLUG, workshop_day
from tests.web.server import BotProcess

GUIDE_DOG = "Må jeg tage min førerhund med ind i salen?"
GUIDE_DOG_ANSWER = "Ja, førerhunde er velkomne i salen."
INTERPRETER = (
    "Er der tegnsprogstolk?",
    "Kommer der en tegnsprogstolk?",
    "Bliver der tolket til tegnsprog?",
)
INTERPRETER_ANSWER = "Ja, der er tegnsprogstolk hele dagen."
HANDED_OVER = "sendt dit spørgsmål videre til sekretariatet"


@dataclass
class Bot:
    process: BotProcess
    title: str

    @property
    def url(self) -> str:
        return self.process.url


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("desk-cases-bot")
    title = workshop_day(folder / "knowledge")
    settings = {
        "BOT_KNOWLEDGE_DIR": str(folder / "knowledge"),
        "BOT_STAFF_LANGUAGE": "da",
        # A test types faster than a person, from one address.
        "BOT_WEB_SESSION_BURST": "40",
        "BOT_WEB_ADDRESS_BURST": "400",
    }
    with desk_bot(folder, settings) as process:
        yield Bot(process, title)


@pytest.fixture(scope="module")
def chat_browser() -> Iterator[webdriver.Chrome]:
    """The participants' browser (a new person for each fresh chat)."""
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def new_chat(driver: webdriver.Chrome, bot: Bot) -> ChatPage:
    """A new person in the web chat about the event."""
    forget(driver, bot.url)
    driver.get(f"{bot.url}/chat/{SLUG}")
    return ChatPage(driver)


def button(driver: webdriver.Chrome, label: str) -> WebElement:
    return driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']")


def notice(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.ID, "melding").text


def test_a_web_chat_question_answered_at_the_desk_then_taught(
    browser: webdriver.Chrome, chat_browser: webdriver.Chrome, bot: Bot
) -> None:
    desk = browser
    signed_in(desk, bot.url, "/desk/sager")
    assert heading(desk) == "Sager"
    assert "Der er ingen sager her." in desk.find_element(By.TAG_NAME, "main").text
    wait_for(lambda: desk.find_element(By.ID, "selv").is_displayed(), what="the live hint")
    scan(desk, "the list of cases, empty")
    desk.execute_script("window.notReloaded = true;")

    # A participant asks in the web chat; the bot hands it over.
    person = new_chat(chat_browser, bot)
    person.write(GUIDE_DOG)
    assert HANDED_OVER in person.bot_texts()[-1]

    # It appears on the open list without a reload, and is read out politely.
    item = wait_for(
        lambda: next(
            (e for e in desk.find_elements(By.CSS_SELECTOR, "#sager li") if GUIDE_DOG in e.text),
            None,
        ),
        30,
        "the new case on the open list",
    )
    assert desk.execute_script("return window.notReloaded === true;")
    assert "Ny, ikke taget" in item.text and bot.title in item.text
    live = desk.find_element(By.ID, "nye-sager")
    assert live.get_attribute("aria-live") == "polite"
    wait_for(lambda: "Ny sag: #" in (live.get_attribute("textContent") or ""), what="read out")
    assert not desk.find_element(By.ID, "ingen").is_displayed()
    scan(desk, "the list of cases with a new case")

    # The case, with its conversation; answered at the desk.
    item.find_element(By.TAG_NAME, "a").click()
    wait_for(lambda: heading(desk).startswith("Sag #"), what="the case page")
    assert GUIDE_DOG in desk.find_element(By.CSS_SELECTOR, "ol.case-conversation").text
    scan(desk, "a new case")
    field = desk.find_element(By.ID, "svar")
    assert desk.find_element(By.CSS_SELECTOR, "label[for=svar]").text == "Dit svar til deltageren"
    field.send_keys(GUIDE_DOG_ANSWER)
    button(desk, "Send svaret").click()
    wait_for(lambda: "er sendt til deltageren" in notice(desk), what="the answer sent")
    assert "Besvaret af Anne Sekretær" in desk.find_element(By.CSS_SELECTOR, ".case-facts").text
    scan(desk, "an answered case")

    # The participant's open chat shows it without a reload.
    person.wait_for_text(GUIDE_DOG_ANSWER)
    assert chat_browser.current_url == f"{bot.url}/chat/{SLUG}"

    # Saved as the bot's answer; the next person asking is answered by the bot.
    button(desk, "Gem som svar").click()
    wait_for(lambda: "botten svarer nu selv" in notice(desk), what="the answer saved")
    conversation = desk.find_element(By.CSS_SELECTOR, "ol.case-conversation").text
    assert "Anne Sekretær gemte svaret som bottens svar." in conversation
    scan(desk, "a taught case")
    someone_else = new_chat(chat_browser, bot)
    someone_else.write(GUIDE_DOG)
    assert someone_else.bot_texts()[-1] == GUIDE_DOG_ANSWER


def test_the_questions_page_groups_three_wordings_and_answers_them_at_once(
    browser: webdriver.Chrome, chat_browser: webdriver.Chrome, bot: Bot
) -> None:
    for wording in INTERPRETER:
        person = new_chat(chat_browser, bot)
        person.write(wording)
        assert HANDED_OVER in person.bot_texts()[-1]
    desk = browser
    signed_in(desk, bot.url, "/desk/spoergsmaal")
    assert heading(desk) == "Det, botten ikke kunne svare på"
    groups = desk.find_elements(By.CSS_SELECTOR, ".question-group")
    [together] = [g for g in groups if INTERPRETER[0] in g.text]
    assert together.find_element(By.TAG_NAME, "h4").text == "Stillet 3 gange"
    wordings = [e.text for e in together.find_elements(By.CSS_SELECTOR, "li .wording")]
    assert sorted(wordings) == sorted(INTERPRETER)
    shares = desk.find_element(By.CSS_SELECTOR, "[aria-labelledby=per-arrangement] table").text
    assert bot.title in shares
    scan(desk, "the questions page")

    # Answer the group once: everyone in it gets the answer, and the bot learns it.
    field = together.find_element(By.TAG_NAME, "textarea")
    label = desk.find_element(By.CSS_SELECTOR, f"label[for={field.get_attribute('id')}]")
    assert label.text == "Svar til alle, der har spurgt"
    field.send_keys(INTERPRETER_ANSWER)
    together.find_element(By.XPATH, ".//button[normalize-space()='Send svaret og gem det']").click()
    wait_for(lambda: "Besvarede sager: 3." in notice(desk), what="the group answered")
    waiting = desk.find_elements(By.CSS_SELECTOR, ".question-group")
    assert not [g for g in waiting if INTERPRETER[0] in g.text]
    scan(desk, "the questions page after answering a group")
    person = new_chat(chat_browser, bot)
    person.write("Kan jeg få tegnsprogstolk med?")
    assert person.bot_texts()[-1] == INTERPRETER_ANSWER


def test_the_cases_work_without_javascript_and_with_the_keyboard(
    chat_browser: webdriver.Chrome, bot: Bot
) -> None:
    person = new_chat(chat_browser, bot)
    person.write("Er der teleslynge i salen?")
    assert HANDED_OVER in person.bot_texts()[-1]
    plain = chromium(javascript=False)
    try:
        signed_in(plain, bot.url, "/desk/sager")
        assert not plain.find_element(By.ID, "selv").is_displayed()  # no script, no promise
        keys = ChatPage(plain)  # its keyboard helpers
        link = keys.tab_to(lambda e: "Er der teleslynge i salen?" in e.text)
        link.send_keys(Keys.ENTER)
        wait_for(lambda: heading(plain).startswith("Sag #"), what="the case page")
        take = keys.tab_to(lambda e: e.text == "Tag sagen")
        take.send_keys(Keys.ENTER)
        wait_for(lambda: "Du har taget sag" in notice(plain), what="the case taken")
        assert "Taget af Anne Sekretær" in plain.find_element(By.CSS_SELECTOR, ".case-facts").text
        field = keys.tab_to(lambda e: e.get_attribute("id") == "svar")
        field.send_keys("Ja, i hele salen.")
        keys.keys(Keys.TAB, Keys.ENTER)  # to "Send svaret", and press it
        wait_for(lambda: "er sendt til deltageren" in notice(plain), what="the answer sent")
        plain.get(f"{bot.url}/desk/sager?vis=mine")
        assert "Er der teleslynge i salen?" in plain.find_element(By.ID, "sager").text
    finally:
        plain.quit()
    person.wait_for_text("Ja, i hele salen.")
