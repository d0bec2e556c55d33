"""The evaluation's results at the desk, in a real browser against the real bot, with axe-core.

One ``python -m bot run`` serves the desk; answers are stored as the evaluation stores them
(``bot.evaluation.store.record``, in the bot's own database). Anne goes from the event's
check-in page to its evaluation and reads the counts per answer, the average and the comments;
nothing on the page names anyone, and axe-core finds nothing serious.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from bot.clock import parse_aware
from bot.evaluation.questions import Answers
from bot.evaluation.store import record
from bot.storage import Database
from tests.desk.browsing import desk_bot, forget, heading, scan, signed_in
from tests.desk.test_participants import PAST, write_events
from tests.web.browser import wait_for
from tests.web.server import BotProcess

PAST_TITLE = "Temadagen sidste år"


async def store_answers(url: str) -> None:
    """Three people's answers and a comment, by three channels, as the evaluation keeps them."""
    db = Database.connect(url)
    at = parse_aware("2025-01-01T12:00:00+01:00")
    try:
        async with db.transaction() as session:
            record(session, PAST, Answers(5, "yes", "yes"), "telegram", at)
            record(session, PAST, Answers(4, "partly", "yes", "Salen var for kold."), "email", at)
            record(session, PAST, Answers(2, "no", "maybe"), "web", at)
            record(session, PAST, Answers(comment="Tak for en god dag!"), "web", at)
    finally:
        await db.close()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    folder = tmp_path_factory.mktemp("desk-evaluation")
    write_events(folder / "knowledge")
    settings = {"BOT_KNOWLEDGE_DIR": str(folder / "knowledge"), "BOT_STAFF_LANGUAGE": "da"}
    with desk_bot(folder, settings) as process:
        asyncio.run(store_answers(process.env["BOT_DATABASE_URL"]))
        yield process


def test_the_results_page_from_the_check_in_page(
    browser: webdriver.Chrome, running: BotProcess
) -> None:
    forget(browser, running.url)
    signed_in(browser, running.url, f"/desk/arrangementer/{PAST}/tjek-ind")
    wait_for(lambda: heading(browser) == f"Tjek ind: {PAST_TITLE}", what="the check-in page")
    browser.find_element(By.LINK_TEXT, "Evalueringen efter dagen: resultater").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == f"Evaluering: {PAST_TITLE}", what="the results")
    assert browser.current_url == f"{running.url}/desk/arrangementer/{PAST}/evaluering"
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Svar: 3 (sendt til 0)" in main
    assert "Gennemsnitlig tilfredshed: 3,7 af 5" in main
    assert "Salen var for kold." in main and "Tak for en god dag!" in main
    tables = browser.find_elements(By.CSS_SELECTOR, "table.desk-table")
    rows = [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        for row in tables[1].find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert rows == [["Ja", "1"], ["Delvist", "1"], ["Nej", "1"]]
    scan(browser, "the evaluation's results")
