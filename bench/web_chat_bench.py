"""Web chat throughput end to end: questions per second over HTTP through the real app and turn.

Both servers run under uvicorn in this process, on 127.0.0.1, and are driven the same way by an
httpx client in the same process: ``--chats`` browsers, each with its own session, post
questions one after another (as the page's script does), all browsers at once. Deltagerbot is
the real ASGI application with the conversation turn, the answering core and the transcript on
SQLite (each question stores the person's message and the answer, and reads the chat's state);
the ceiling is a plain ASGI endpoint that reads the same JSON and echoes it. The ratio is
Deltagerbot's rate over the echo's. The rate limits are raised out of the way: this measures
capacity, not the limits.

    .venv/bin/python bench/web_chat_bench.py [--questions 600] [--chats 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from bot.channels.web.chat import WebChat  # noqa: E402
from bot.channels.web.transcript import Transcript  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web.app import build_app, serve_app  # noqa: E402

EVENT = "handicapraad-temadag-2024"
QUESTIONS = [
    "Hvornår er der frokost?",
    "hvor foregår det",
    "Hvad er tilmeldingsfristen?",
    "hvem byder velkommen",
    "Hvad sker der kl. 11.15?",
    "Er der wifi?",
    "hvad koster det",
    "Hvad er programmet?",
    "hvornaar slutter dagen",
    "hvem kan jeg kontakte",
]
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
# A conference of 500 participants who all ask a question within ten seconds.
TARGET = 50.0
ASGIApp = Callable[..., Awaitable[None]]


async def echo_app(
    scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
) -> None:
    """The ceiling: read the posted JSON, answer it back."""
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    answer = json.dumps({"items": [json.loads(body or b"{}")], "last": 0}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(answer)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def open_chat(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    found = TOKEN.search(page.text)
    return found.group(1) if found else ""


async def measure(app: ASGIApp | Starlette, questions: int, chats: int) -> float:
    """Questions per second, from the first post to the last answer, ``chats`` at once."""
    port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve_app(app, "127.0.0.1", port, stop))  # type: ignore[arg-type]
    base = f"http://127.0.0.1:{port}"
    path = f"/chat/{EVENT}"
    limits = httpx.Limits(max_connections=chats, max_keepalive_connections=chats)
    clients = [httpx.AsyncClient(base_url=base, limits=limits, timeout=60) for _ in range(chats)]
    try:
        for _ in range(100):  # until it listens
            try:
                await clients[0].get("/static/web/site.css")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        tokens = await asyncio.gather(*(open_chat(c, path) for c in clients))
        per_chat = questions // chats

        async def chat(n: int) -> None:
            client, token, last = clients[n], tokens[n], 0
            for k in range(per_chat):
                answer = await client.post(
                    f"{path}/api/messages",
                    json={"message": QUESTIONS[(n + k) % len(QUESTIONS)], "after": last},
                    headers={"X-CSRF-Token": token},
                )
                assert answer.status_code == 200, answer.text[:200]
                news = answer.json()
                assert news["items"], "no answer"
                last = news["last"]  # as the page's script does

        started = time.perf_counter()
        await asyncio.gather(*(chat(n) for n in range(chats)))
        return per_chat * chats / (time.perf_counter() - started)
    finally:
        for client in clients:
            await client.aclose()
        stop.set()
        await server


async def measure_turns(chat: WebChat, questions: int, chats: int) -> float:
    """The same questions through the web chat's adapter and the turn, without HTTP."""
    event = chat.services.kb.event(EVENT)
    assert event is not None
    sessions = [f"bench-{n}" for n in range(chats)]
    for session in sessions:
        await chat.open(session, event)
    per_chat = questions // chats

    async def one(n: int) -> None:
        for k in range(per_chat):
            said = await chat.say(
                sessions[n], EVENT, address="bench", text=QUESTIONS[(n + k) % len(QUESTIONS)]
            )
            assert said.notice is None and said.lines

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(chats)))
    return per_chat * chats / (time.perf_counter() - started)


async def run(questions: int, chats: int, rounds: int) -> None:
    ours: list[float] = []
    ceiling: list[float] = []
    turns: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(rounds):
            settings = Settings(
                knowledge_dir=ROOT / "knowledge",
                data_dir=Path(tmp),
                database_url=f"sqlite+aiosqlite:///{tmp}/bench-{round_no}.sqlite3",
                web_port=1,
                web_session_rate=1e6,
                web_session_burst=1_000_000,
                web_address_rate=1e6,
                web_address_burst=1_000_000,
            )
            services = await Services.start(settings)
            transcript = Transcript(services.db)
            chat = WebChat(services, transcript)
            app = build_app(services, chat)
            try:
                ours.append(await measure(app, questions, chats))
                turns.append(await measure_turns(chat, questions, chats))
            finally:
                transcript.close()
                await services.close()
            ceiling.append(await measure(echo_app, questions, chats))
    ratios = [a / b for a, b in zip(ours, ceiling, strict=True)]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {questions} questions over {chats} chats at once, "
        f"{rounds} rounds, client and server in one process, SQLite, rate limits off"
    )
    print(
        f"  deltagerbot web chat: median {statistics.median(ours):7.1f} questions/s  "
        f"(min {min(ours):.1f}, max {max(ours):.1f}; target at least {TARGET:.0f})"
    )
    print(
        f"  echo endpoint:        median {statistics.median(ceiling):7.1f} requests/s  "
        f"(min {min(ceiling):.1f}, max {max(ceiling):.1f}; the ceiling)"
    )
    print(f"  ratio:                median {statistics.median(ratios):.3f}")
    print(
        f"  without HTTP (adapter, turn, transcript): median {statistics.median(turns):.1f} "
        f"questions/s; HTTP, sessions and drawing the page's messages cost the difference"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--questions", type=int, default=600)
    parser.add_argument("--chats", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.questions, args.chats, args.rounds))


if __name__ == "__main__":
    main()
