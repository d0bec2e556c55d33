"""Check-in at the door in a real browser against the real bot, with axe-core.

One ``python -m bot run`` serves the module (the web server, and mail through a real aiosmtpd).
Anne signs two people up by phone; each confirmation e-mail gives a check-in code in words with
its QR code as an inline picture. On the event's check-in page she types the code the QR code
holds (what a scanner reads) and sends it with Enter, then "scans" the second code the way the
page's camera script does (fills in the field and sends the form: headless Chromium has no
camera to drive BarcodeDetector), checks nobody in with an unknown code, and checks in from the
list by name. Each answer is in the live region, and the field is ready for the next code;
axe-core finds nothing serious on any of the pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.desk.browsing import forget, heading, scan, signed_in
from tests.desk.test_participants import SMALL, SMALL_TITLE
from tests.desk.test_participants_browser import Bot, mailing_desk, sign_up_by_keyboard
from tests.web.browser import wait_for

CODE = re.compile(r"Din kode til indtjekning er ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\.")


@pytest.fixture(scope="module")
def door(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    with mailing_desk(tmp_path_factory.mktemp("desk-checkin")) as running:
        yield running


def code_in_mail(bot: Bot, address: str) -> str:
    """The code written in the person's confirmation; its QR code is an inline picture."""
    text = bot.mail_to(address, "Din kode til indtjekning")
    found = CODE.search(text)
    assert found is not None, text
    for received in bot.smtp.messages:
        if address in received.rcpt_tos:
            pictures = [p for p in received.message.walk() if p.get_content_type() == "image/png"]
            assert pictures and pictures[0].get_content_disposition() == "inline"
    return found.group(1)


def spoken(driver: webdriver.Chrome, words: str) -> str:
    """The live region (role status, polite), once it says ``words`` (the page reloads after the
    form, so the region is looked up afresh each time)."""

    def says() -> str | None:
        try:
            region = driver.find_element(By.ID, "resultat")
            text = str(region.text)
            polite = region.get_attribute("role") == "status" and (
                region.get_attribute("aria-live") == "polite"
            )
        except StaleElementReferenceException:
            return None
        return text if polite and words in text else None

    return wait_for(says, what=f"the live region saying {words!r}")


def test_check_in_by_typed_code_by_scanned_code_and_by_name(
    browser: webdriver.Chrome, door: Bot
) -> None:
    forget(browser, door.url)
    signed_in(browser, door.url, f"/desk/arrangementer/{SMALL}")
    wait_for(lambda: heading(browser) == SMALL_TITLE, what="the participants page")
    sign_up_by_keyboard(browser, "Karen Holm", "karen@aalborg.dk")
    sign_up_by_keyboard(browser, "Bo Hansen", "bo@aalborg.dk")
    karen = code_in_mail(door, "karen@aalborg.dk")
    bo = code_in_mail(door, "bo@aalborg.dk")
    assert karen != bo

    browser.find_element(By.LINK_TEXT, "Tjek ind").send_keys(Keys.ENTER)
    wait_for(lambda: heading(browser) == f"Tjek ind: {SMALL_TITLE}", what="the check-in page")
    assert browser.current_url == f"{door.url}/desk/arrangementer/{SMALL}/tjek-ind"
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Tjekket ind: 0 af 2" in main
    scan(browser, "the check-in page")

    # Typed (or pasted) as the QR code holds it, sent with Enter.
    field = browser.find_element(By.ID, "kode")
    field.send_keys(karen, Keys.ENTER)
    assert spoken(browser, "tjekket ind") == "Karen Holm er tjekket ind."
    assert browser.title.startswith("Karen Holm er tjekket ind.")
    assert browser.switch_to.active_element.get_attribute("id") == "kode"  # ready for the next
    assert "Tjekket ind: 1 af 2" in browser.find_element(By.TAG_NAME, "main").text
    scan(browser, "the check-in page after a check-in")

    # What the camera script does with what BarcodeDetector reads: the field, then the form.
    browser.execute_script(
        "document.getElementById('kode').value = arguments[0];"
        "document.getElementById('kode-form').submit();",
        karen.lower(),
    )
    again = spoken(browser, "allerede")
    assert re.fullmatch(r"Karen Holm er allerede tjekket ind kl\. \d{1,2}\.\d\d\.", again)

    browser.find_element(By.ID, "kode").send_keys("ABCD-EFGH-JKLM", Keys.ENTER)
    assert spoken(browser, "Koden") == "Koden kendes ikke."
    scan(browser, "the check-in page after an unknown code")

    # Bo forgot his code: from the list, by name (the button says whom, to a screen reader).
    button = browser.find_element(
        By.XPATH, "//tr[th[normalize-space()='Bo Hansen']]//button[starts-with(., 'Tjek ind')]"
    )
    assert "for Bo Hansen" in (button.get_attribute("textContent") or "")
    button.send_keys(Keys.ENTER)
    assert spoken(browser, "Bo") == "Bo Hansen er tjekket ind."
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Tjekket ind: 2 af 2" in main and "Ikke tjekket ind endnu: 0" in main
    rows = browser.find_elements(By.XPATH, "//h2[@id='navne']/following-sibling::div[1]//tbody/tr")
    assert [r.text.split("Tjekket ind kl.")[0].strip() for r in rows] == [
        "Bo Hansen Handicaprådet i Aalborg",
        "Karen Holm Handicaprådet i Aalborg",
    ]
    scan(browser, "the check-in page with everyone checked in")
    assert bo  # Bo's own code stays unused: he was checked in by name
