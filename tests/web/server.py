"""The real bot for the browser tests: ``python -m bot run`` with the web chat, Telegram and mail.

:class:`BotProcess` runs the bot as a separate process, as an installation does, with
``BOT_WEB_PORT`` set, and can stop it (SIGTERM) and start it again on the same database, port
and secret. Its Telegram side talks to the project's fake Bot API server (tests/telegram), run
here in a thread of its own (:class:`ThreadedBotAPI`) so the synchronous browser tests can use
it; its mail goes through a real aiosmtpd and Dovecot (tests/mail).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from tests.conftest import ROOT, free_port
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, SentMessage

T = TypeVar("T")


class ThreadedBotAPI:
    """The fake Bot API server on an event loop of its own thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.api = FakeBotAPI()
        self.run(self.api.start())

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call one of the server's plain methods on its own loop."""

        async def call() -> T:
            return function(*args, **kwargs)

        return self.run(call())

    def wait_for_sent(
        self, chat_id: int, timeout: float = 30.0, **kwargs: Any
    ) -> list[SentMessage]:
        return self.run(self.api.wait_for_sent(chat_id, timeout=timeout, **kwargs), timeout + 5)

    def close(self) -> None:
        self.run(self.api.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class BotProcess:
    """``python -m bot run`` on a port of its own, with the given settings (BOT_ variables)."""

    def __init__(self, folder: Path, settings: dict[str, str]) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "BOT_DATA_DIR": str(folder),
            "BOT_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}",
            "BOT_WEB_PORT": str(self.port),
            "BOT_WEB_HOST": "127.0.0.1",
            "BOT_LOG_LEVEL": "INFO",
            **settings,
        }
        self.env.pop("BOT_CONFIG_FILE", None)
        self.log = folder / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.proc is None
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot stopped at start:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/static/web/site.css", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the web chat never answered:\n{self.tail()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop it as an administrator does (SIGTERM), and make sure it went."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"the bot did not stop on SIGTERM:\n{self.tail()}") from None
        assert code == 0, f"the bot stopped with {code}:\n{self.tail()}"

    def restart(self) -> None:
        self.stop()
        self.start()

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def bot_settings(
    knowledge: Path, api: ThreadedBotAPI, smtp_port: int, imap_port: int, staff_chat: int
) -> dict[str, str]:
    """The BOT_ variables of a bot with every channel: web, Telegram with a staff chat, mail."""
    from tests.mail.conftest import BOT_ADDRESS
    from tests.mail.dovecot import PASSWORD

    return {
        "BOT_KNOWLEDGE_DIR": str(knowledge),
        "BOT_TELEGRAM_TOKEN": TOKEN,
        "BOT_TELEGRAM_API_URL": api.api.base_url,
        "BOT_STAFF_CHAT_ID": str(staff_chat),
        "BOT_IMAP_HOST": "127.0.0.1",
        "BOT_IMAP_PORT": str(imap_port),
        "BOT_IMAP_USER": "sekretariat-web",
        "BOT_IMAP_PASSWORD": PASSWORD,
        "BOT_IMAP_SSL": "false",
        "BOT_IMAP_POLL_SECONDS": "1",
        "BOT_SMTP_HOST": "127.0.0.1",
        "BOT_SMTP_PORT": str(smtp_port),
        "BOT_SMTP_STARTTLS": "false",
        "BOT_MAIL_FROM": BOT_ADDRESS,
        # A test types faster than a person: room for a whole dialogue at once.
        "BOT_WEB_SESSION_BURST": "40",
        "BOT_WEB_ADDRESS_BURST": "400",
    }
