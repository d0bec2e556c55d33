"""An event's needs page in a real browser against the real bot, with axe-core.

``python -m bot run`` serves it (mail through a real aiosmtpd), with Anne's account made by
``python -m bot staff add``. Chromium signs her in, takes a phone signup whose needs are written
in the person's own words, follows the link from the participants page to the needs page and
marks the interpreter arranged with the keyboard: the page says so in its live region, and the
person's mail arrives by SMTP. axe-core checks the page before and after (no serious or critical
violations), and on a phone the page does not scroll sideways.
"""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.desk.browsing import forget, heading, scan, signed_in
from tests.desk.test_participants import SMALL, SMALL_TITLE
from tests.desk.test_participants_browser import (  # noqa: F401  (the fixture)
    Bot,
    bot,
    sign_up_by_keyboard,
)
from tests.web.browser import wait_for

NEEDS_HEADING = f"Behov: {SMALL_TITLE}"


def test_the_needs_page_marks_an_interpreter_arranged_and_the_person_hears_it(
    browser: webdriver.Chrome,
    bot: Bot,  # noqa: F811
) -> None:
    forget(browser, bot.url)
    signed_in(browser, bot.url, f"/desk/arrangementer/{SMALL}")
    sign_up_by_keyboard(
        browser, "Grete Holm", "grete@aalborg.dk", "Jeg er døv og bruger tegnsprogstolk."
    )
    browser.find_element(By.LINK_TEXT, "Behov og tolke").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == NEEDS_HEADING, what="the needs page")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Tegnsprogstolk: 1 (ordnet: 0)" in main and "Ikke ordnet" in main
    scan(browser, "the needs page")

    button = browser.find_element(
        By.XPATH, "//tr[th[starts-with(normalize-space(), 'Grete Holm')]]//button"
    )
    assert button.text.startswith("Markér som ordnet")
    button.send_keys(Keys.ENTER)
    wait_for(
        lambda: "er markeret som ordnet" in browser.find_element(By.ID, "resultat").text,
        what="what the page says",
    )
    assert browser.find_element(By.ID, "resultat").text == (
        "Tegnsprogstolk til Grete Holm er markeret som ordnet, og personen har fået besked."
    )
    assert "Tegnsprogstolk: 1 (ordnet: 1)" in browser.find_element(By.TAG_NAME, "main").text
    scan(browser, "the needs page after marking")
    told = bot.mail_to("grete@aalborg.dk", "Vi har bestilt tegnsprogstolk")
    assert f"Vi har bestilt tegnsprogstolk til dig til {SMALL_TITLE}." in told

    browser.set_window_size(400, 900)
    try:
        browser.refresh()
        wait_for(lambda: heading(browser) == NEEDS_HEADING, what="the needs page")
        shown, wide = browser.execute_script(
            "return [document.documentElement.clientWidth, document.documentElement.scrollWidth];"
        )
        assert wide <= shown, (shown, wide)
        scan(browser, "the needs page on a phone")
    finally:
        browser.set_window_size(1200, 1000)
