"""What the desk's browser tests share: the running bot with Anne's account, and her browser.

Each browser test module runs one ``python -m bot run`` (:func:`desk_bot`), with Anne's account
made beforehand by ``python -m bot staff add`` as a secretariat does, and drives Debian's
Chromium against it. The ``browser`` fixture of ``conftest.py`` is her browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.conftest import run_bot
from tests.desk.conftest import ANNE
from tests.web.browser import axe, serious, wait_for
from tests.web.server import BotProcess


@contextmanager
def desk_bot(folder: Path, settings: dict[str, str]) -> Iterator[BotProcess]:
    """``python -m bot run`` in ``folder`` with ``settings``, and Anne able to sign in."""
    process = BotProcess(folder, settings)
    process.env["BOT_WEB_PUBLIC_URL"] = process.url
    made = run_bot(
        "staff", "add", ANNE[0], ANNE[1], "--password-stdin", stdin=ANNE[2] + "\n", env=process.env
    )
    assert made.returncode == 0, made.stderr
    try:
        process.start()
        yield process
    finally:
        process.stop()


def scan(driver: webdriver.Chrome, state: str) -> None:
    """axe-core finds nothing serious or critical on the page as it is (``state`` names it)."""
    bad = serious(axe(driver))
    assert not bad, f"{state}: {bad}"


def heading(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.TAG_NAME, "h1").text)


def forget(driver: webdriver.Chrome, url: str) -> None:
    """No cookies for the bot at ``url`` (a new visitor)."""
    driver.get(f"{url}/static/web/site.css")
    driver.delete_all_cookies()


def signed_in(driver: webdriver.Chrome, url: str, path: str = "/desk") -> None:
    """At ``path`` on the desk, signing Anne in first if needed."""
    driver.get(f"{url}{path}")
    if driver.current_url.endswith("/desk/log-ind"):
        driver.find_element(By.ID, "email").send_keys(ANNE[1])
        driver.find_element(By.ID, "password").send_keys(ANNE[2], Keys.ENTER)
        wait_for(lambda: heading(driver) == "Skrivebord", what="the start page")
        driver.get(f"{url}{path}")
