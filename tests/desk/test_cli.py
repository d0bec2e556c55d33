"""``python -m bot staff``: the desk's accounts from the command line, in Danish.

Each command runs through ``bot.cli.main`` in a thread (it starts its own event loop, as a
separate process would) on a real database; the accounts it makes are checked by signing in
with the service the desk uses.
"""

from __future__ import annotations

import asyncio
import getpass
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.services import Services
from bot.settings import Settings
from bot.staff import StaffAccounts
from tests.conftest import postgres_schema

PASSWORD = "anne-har-et-godt-kodeord"


def use_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> None:
    for name in ("BOT_CONFIG_FILE", "BOT_STAFF_EMAIL", "BOT_DATABASE_SCHEMA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOT_DEFAULT_LANGUAGE", "da")
    # Anne also answers cases in the staff mailbox; Bo only works at the desk.
    monkeypatch.setenv("BOT_STAFF_EMAILS", '["anne@kl.dk"]')


class Terminal(io.StringIO):
    """Standard input that is a terminal."""

    def isatty(self) -> bool:
        return True


def stdin(monkeypatch: pytest.MonkeyPatch, text: str, *, terminal: bool = False) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(text) if terminal else io.StringIO(text))


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """The terminal's answers to getpass, in turn; the prompts it showed."""
    left, prompts = list(answers), []

    def ask(prompt: str = "") -> str:
        prompts.append(prompt)
        return left.pop(0)

    monkeypatch.setattr(getpass, "getpass", ask)
    return prompts


async def staff_cli(*args: str) -> int:
    return await asyncio.to_thread(main, ["staff", *args])


def out(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    return captured.out, captured.err


@pytest.fixture
async def accounts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[StaffAccounts]:
    use_database(monkeypatch, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    services = await Services.start(Settings())
    yield StaffAccounts(services.db)
    await services.close()


async def test_add_list_and_remove_accounts(
    accounts: StaffAccounts, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, PASSWORD + "\n")
    assert await staff_cli("add", "Anne Sekretær", "Anne@KL.dk", "--admin", "--password-stdin") == 0
    said, _err = out(capsys)
    assert said.splitlines() == [
        "Konto oprettet for Anne Sekretær <anne@kl.dk>.",
        "Personen logger ind på /desk med adressen og adgangskoden.",
    ]
    assert await staff_cli("add", "Bo Berg", "bo@kl.dk", "--no-password") == 0
    said, _err = out(capsys)
    assert "Personen logger ind på /desk med et engangslink, der sendes til adressen." in said
    assert "ikke blandt dem, der svarer på sager pr. e-mail (BOT_STAFF_EMAILS)" in said

    assert await staff_cli("list") == 0
    said, _err = out(capsys)
    lines = [" ".join(line.split()) for line in said.splitlines()]
    assert lines[0] == "Medarbejderkonti: 2"
    assert lines[1].startswith("Navn E-mail Administrator Log ind Svarer på sager pr. e-mail Låst")
    assert lines[2] == "Anne Sekretær anne@kl.dk ja adgangskode ja nej –"
    assert lines[3] == "Bo Berg bo@kl.dk nej kun link nej nej –"

    signed = await accounts.signin("anne@kl.dk", PASSWORD)
    assert signed.account is not None and signed.account.is_admin
    assert (await accounts.signin("bo@kl.dk", "")).account is None  # no password: link only

    assert await staff_cli("remove", "BO@kl.dk") == 0
    said, _err = out(capsys)
    assert said.strip() == "Konto fjernet: Bo Berg <bo@kl.dk>. Personens sessioner er afsluttet."
    assert [a.email for a in await accounts.all()] == ["anne@kl.dk"]
    trail = await accounts.trail()
    assert [(e.staff_name, e.action) for e in reversed(trail)] == [
        ("Anne Sekretær", "account_added"),
        ("Bo Berg", "account_added"),
        ("Anne Sekretær", "signin"),
        ("Bo Berg", "signin_failed"),
        ("Bo Berg", "account_removed"),
    ]
    assert all(e.by and e.by.startswith("cli:") for e in trail if e.action.startswith("account"))


async def test_the_password_is_asked_for_on_the_terminal_twice(
    accounts: StaffAccounts, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, "", terminal=True)
    prompts = typed(monkeypatch, PASSWORD, PASSWORD)
    assert await staff_cli("add", "Anne Sekretær", "anne@kl.dk") == 0
    assert prompts == [
        "Adgangskode (tom: kun log ind med link på e-mail): ",
        "Samme adgangskode igen: ",
    ]
    assert (await accounts.signin("anne@kl.dk", PASSWORD)).account is not None
    # Two different answers change nothing.
    typed(monkeypatch, "et-nyt-kodeord-her", "et-andet-kodeord")
    assert await staff_cli("password", "anne@kl.dk") == 1
    assert "De to adgangskoder er forskellige; intet er ændret." in out(capsys)[1]
    assert (await accounts.signin("anne@kl.dk", PASSWORD)).account is not None
    # An empty answer: sign-in by link only.
    typed(monkeypatch, "")
    assert await staff_cli("add", "Bo Berg", "bo@kl.dk") == 0
    found = await accounts.find("bo@kl.dk")
    assert found is not None and not found.has_password


async def test_a_new_password_unlocks_and_ends_sessions(
    accounts: StaffAccounts, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await accounts.add("Anne Sekretær", "anne@kl.dk", password=PASSWORD, by="cli:test")
    session_id = (await accounts.signin("anne@kl.dk", PASSWORD)).session_id
    for _ in range(5):
        await accounts.signin("anne@kl.dk", "forkert-kodeord-igen")
    locked = await accounts.find("anne@kl.dk")
    assert locked is not None and locked.locked(accounts.clock())
    assert await staff_cli("list") == 0
    assert "Anne Sekretær anne@kl.dk nej adgangskode ja til " in " ".join(out(capsys)[0].split())
    stdin(monkeypatch, "et-helt-nyt-kodeord\n")
    assert await staff_cli("password", "anne@kl.dk", "--password-stdin") == 0
    said, _err = out(capsys)
    assert said.splitlines()[0] == (
        "Adgangskoden er skiftet for Anne Sekretær <anne@kl.dk>; kontoen er låst op."
    )
    assert await accounts.session(session_id) is None
    assert (await accounts.signin("anne@kl.dk", "et-helt-nyt-kodeord")).account is not None
    assert await staff_cli("password", "anne@kl.dk", "--no-password") == 0
    found = await accounts.find("anne@kl.dk")
    assert found is not None and not found.has_password


async def test_what_the_command_refuses(
    accounts: StaffAccounts, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await staff_cli("add", "Anne", "anne@kl.dk", "--no-password") == 0
    out(capsys)
    cases = [
        (
            ["add", "Anne igen", "ANNE@kl.dk", "--no-password"],
            "",
            "Der er allerede en konto for anne@kl.dk.",
        ),
        (
            ["add", "Ingen", "ikke-en-adresse", "--no-password"],
            "",
            "ikke-en-adresse er ikke en e-mailadresse.",
        ),
        (
            ["add", "Bo", "bo@kl.dk", "--password-stdin"],
            "kort\n",
            "Adgangskoden er for kort: den skal have mindst 10 tegn.",
        ),
        (
            ["add", "Bo", "bo@kl.dk", "--password-stdin"],
            "x" * 201 + "\n",
            "Adgangskoden er for lang: højst 200 tegn.",
        ),
        (["add", "Bo", "bo@kl.dk"], "", "Der er ingen terminal at spørge om adgangskoden i."),
        (["remove", "ingen@kl.dk"], "", "Der er ingen konto for ingen@kl.dk."),
        (["password", "ingen@kl.dk", "--no-password"], "", "Der er ingen konto for ingen@kl.dk."),
    ]
    for args, given, refusal in cases:
        stdin(monkeypatch, given)
        assert await staff_cli(*args) == 1, args
        said, err = out(capsys)
        assert said == "" and err.startswith(refusal), (args, err)
    assert [a.email for a in await accounts.all()] == ["anne@kl.dk"]


async def test_no_accounts_yet(accounts: StaffAccounts, capsys: pytest.CaptureFixture[str]) -> None:
    assert await staff_cli("list") == 0
    assert out(capsys)[0].strip() == (
        "Der er ingen medarbejderkonti. Opret en med: python -m bot staff add NAVN E-MAIL"
    )


async def test_the_command_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with postgres_schema("staff_cli") as (url, schema):
        use_database(monkeypatch, tmp_path, url)
        monkeypatch.setenv("BOT_DATABASE_SCHEMA", schema)
        stdin(monkeypatch, PASSWORD + "\n")
        assert await staff_cli("add", "Anne Sekretær", "anne@kl.dk", "--password-stdin") == 0
        assert await staff_cli("add", "Anne", "Anne@KL.dk", "--no-password") == 1
        assert await staff_cli("list") == 0
        said, err = out(capsys)
        assert "Der er allerede en konto for anne@kl.dk." in err
        assert "Medarbejderkonti: 1" in said
        services = await Services.start(Settings())
        try:
            accounts = StaffAccounts(services.db)
            signed = await accounts.signin("anne@kl.dk", PASSWORD)
            assert signed.account is not None
            assert await accounts.session(signed.session_id) == signed.account
            assert await accounts.signout(signed.session_id) is not None
            assert await accounts.session(signed.session_id) is None
        finally:
            await services.close()
        assert await staff_cli("remove", "anne@kl.dk") == 0
