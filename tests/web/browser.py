"""Debian's Chromium, headless, driven by Selenium through Debian's chromedriver; and axe-core.

``scripts/run-tests`` installs both (apt-get: chromium, chromium-driver) and axe-core (npm, into
``tests/web/node_modules``). Nothing here skips: a missing piece fails the tests loudly, with
what to install, since the test command could have installed it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "run scripts/run-tests (it installs chromium, chromium-driver and axe-core)"
# WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
T = TypeVar("T")


def chromium(*, javascript: bool = True) -> webdriver.Chrome:
    """A headless Chromium (without JavaScript if asked)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} missing: {INSTALL}")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests run as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1200,1000",
        "--lang=da-DK",
    ):
        options.add_argument(argument)
    prefs: dict[str, Any] = {"intl.accept_languages": "da-DK,da"}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait_for(check: Callable[[], T | None], within: float = 20.0, what: str = "it") -> T:
    """Poll ``check`` until it returns something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            result = check()
        except (StaleElementReferenceException, WebDriverException):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]


def axe(driver: webdriver.Chrome) -> list[Violation]:
    """Every axe-core violation on the page as it is now."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} missing: {INSTALL}")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(function (r) { done(JSON.stringify(r.violations)); })"
        ".catch(function (e) { done(JSON.stringify({error: String(e)})); });",
        AXE_TAGS,
    )
    found = json.loads(result)
    if isinstance(found, dict):
        raise AssertionError(f"axe failed: {found['error']}")
    return [
        Violation(
            v["id"],
            v.get("impact") or "",
            v["help"],
            [str(node["target"]) for node in v["nodes"]],
        )
        for v in found
    ]


def serious(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in ("serious", "critical")]


class ChatPage:
    """The chat page in the browser, as a person uses it."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    def messages(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "#beskeder > li")

    def texts(self) -> list[str]:
        return [m.find_element(By.CSS_SELECTOR, ".text").text for m in self.messages()]

    def bot_texts(self) -> list[str]:
        return [
            m.find_element(By.CSS_SELECTOR, ".text").text
            for m in self.messages()
            if "from-bot" in (m.get_attribute("class") or "")
        ]

    def field(self) -> WebElement:
        return self.driver.find_element(By.ID, "besked")

    def choices(self) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, "form.choices button")

    def count(self) -> int:
        return len(self.messages())

    def wait_for_text(self, words: str, within: float = 30.0) -> str:
        """The newest message holding ``words`` (waiting for it to appear)."""
        return wait_for(
            lambda: next((t for t in reversed(self.texts()) if words in t), None),
            within,
            f"a message with {words!r}",
        )

    def wait_for_more(self, than: int, within: float = 30.0) -> None:
        """Until the bot has answered: more messages than before, the last one the bot's."""

        def answered() -> bool:
            messages = self.messages()
            return len(messages) > than and "from-bot" in (
                messages[-1].get_attribute("class") or ""
            )

        wait_for(answered, within, "the answer")

    def write(self, text: str) -> None:
        """Type into the field and press Enter (both with and without script)."""
        before = self.count()
        field = self.field()
        field.clear()
        field.send_keys(text, Keys.ENTER)
        self.wait_for_more(before)

    def press(self, label: str) -> None:
        """Press the choice button whose text holds ``label``."""
        before = self.count()
        button = next(b for b in self.choices() if label in b.text)
        button.click()
        self.wait_for_more(before)

    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def keys(self, *keys: str) -> None:
        """Press keys on whatever has the focus (the keyboard alone)."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, matches: Callable[[WebElement], bool], most: int = 40) -> WebElement:
        """Press Tab until the focused element matches; the element."""
        for _ in range(most):
            self.keys(Keys.TAB)
            element = self.focused()
            if matches(element):
                return element
        raise AssertionError("Tab never reached the element")
