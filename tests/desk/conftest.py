"""Fixtures of the desk's tests: the web app in process over httpx, with staff accounts.

The knowledge is the web chat tests' theme day a year from now (one upcoming event); mail is
set up (a courier with an SMTP host nobody reaches: the outbox keeps what would be sent) and
the server knows its public address, so sign-in links are offered.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.desk.kit import Desk as DeskKit
from bot.services import Services
from bot.staff import StaffAccounts
from tests.web.browser import chromium
from tests.web.conftest import StandIn, web_settings
from tests.web.events import workshop_day

BASE = "http://desk.test"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
LINK = re.compile(r"http://desk\.test(/desk/link/[A-Za-z0-9_-]+)")
ANNE = ("Anne Sekretær", "anne@kl.dk", "anne-har-et-godt-kodeord")
BO = ("Bo Berg", "bo@kl.dk", "bo-har-ogsaa-et-kodeord")


@dataclass
class Desk:
    services: Services
    accounts: StaffAccounts
    routes: DeskKit
    transport: httpx.ASGITransport
    title: str

    def client(self, **headers: str) -> httpx.AsyncClient:
        """A browser of its own (its own cookies)."""
        return httpx.AsyncClient(transport=self.transport, base_url=BASE, headers=headers)

    async def mails_to(self, address: str) -> list[OutboxMail]:
        async with self.services.db.session() as session:
            rows = await session.scalars(
                select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
            )
            return list(rows)

    async def link_for(self, address: str) -> str:
        """The path of the newest sign-in link mailed to ``address``."""
        mails = await self.mails_to(address)
        assert mails, f"no mail to {address}"
        found = LINK.search(mails[-1].body)
        assert found is not None, mails[-1].body
        return found.group(1)


def token_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found is not None, html
    return found.group(1)


async def signin_token(client: httpx.AsyncClient) -> str:
    """Open the sign-in page; its form token."""
    page = await client.get("/desk/log-ind")
    assert page.status_code == 200, page.text
    return token_of(page.text)


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    """Sign in with the form, as a browser does; the answer to the form."""
    token = await signin_token(client)
    return await client.post(
        "/desk/log-ind", data={"csrf": token, "email": email, "password": password}
    )


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    title = workshop_day(tmp_path / "knowledge")
    settings = web_settings(
        tmp_path,
        knowledge_dir=tmp_path / "knowledge",
        smtp_host="smtp.invalid",
        mail_from="bot@kl.dk",
        web_public_url=BASE,
        staff_language="da",
    )
    services = await Services.start(settings)
    chat = WebChat(services, Transcript(services.db), turn=StandIn())
    from bot.web.app import build_app

    app = build_app(services, chat)
    routes: DeskKit = app.state.desk
    accounts = routes.accounts
    for name, email, password in (ANNE, BO):
        await accounts.add(name, email, password=password, by="cli:test")
    try:
        yield Desk(services, accounts, routes, httpx.ASGITransport(app=app), title)
    finally:
        await services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """Anne's browser, Debian's Chromium headless, for a module of browser tests."""
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()
