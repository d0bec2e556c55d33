"""The participants of an event at the desk, in process (httpx over ASGI), on SQLite and PostgreSQL.

A phone signup goes through the same rules as every channel (the last seat, then the waiting
list with its number; sessions; the deadline) and the same confirmation by e-mail; cancelling
frees the seat for the waiting list, whose first person is told; a staff member gives a waiting
person a seat, an extra one beyond the capacity only when they confirm it; the lists download as
CSV and as an Excel workbook with the same columns; each registration's history names the staff
member; every change is in the desk's audit with their name; bad input gets plain Danish, a
stale page changes nothing, an unknown event is "not found", a form without its token does
nothing, and the search words never reach the log.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.clock import now as clock_now
from bot.desk.kit import Desk as DeskKit
from bot.knowledge import load_knowledge
from bot.registrations import Identity, Outcome, SignupForm
from bot.registrations.export import export_csv
from bot.registrations.models import RegistrationStatus
from bot.registrations.results import MoveUpOutcome, RegistrationInfo
from bot.services import Services
from bot.web.app import build_app
from tests.conftest import postgres_schema
from tests.desk.conftest import ANNE, BASE, BO, Desk, sign_in, token_of
from tests.web.conftest import StandIn, web_settings
from tests.web.events import SLUG as WORKSHOPS
from tests.web.events import workshop_day

SMALL = "lille-dag-naeste-aar"
PAST = "temadag-sidste-aar"
LATE = "frist-overskredet"
SMALL_TITLE = "Den lille temadag"
PAGE = f"/desk/arrangementer/{SMALL}"


def write_events(folder: Path) -> str:
    """The desk's test knowledge: the web tests' workshop day, a day of two seats a year from
    now, a day last year, and a day whose deadline has passed; the workshop day's title."""
    title = workshop_day(folder)
    today = clock_now().date()
    year = today + timedelta(days=365)
    last = today - timedelta(days=365)
    soon = today + timedelta(days=10)
    common = "kind: event\nsource: {file: x.txt}\norganiser: Sekretariatet\n"
    (folder / f"{SMALL}.yaml").write_text(
        f"id: {SMALL}\n{common}title: {SMALL_TITLE}\n"
        f"start: {year} 10:00\nend: {year} 14:00\n"
        "venue: {name: Huset i Hasseris, address: 'Hasserisvej 1, 9000 Aalborg'}\n"
        f"registration: {{deadline: {year - timedelta(days=20)}, capacity: 2,"
        " email: sekretariat@nordjysk.example.dk}\n",
        encoding="utf-8",
    )
    (folder / f"{PAST}.yaml").write_text(
        f"id: {PAST}\n{common}title: Temadagen sidste år\n"
        f"start: {last} 10:00\nend: {last} 14:00\n"
        "venue: {name: Det gamle rådhus}\n"
        f"registration: {{deadline: {last - timedelta(days=20)}, capacity: 40}}\n",
        encoding="utf-8",
    )
    (folder / f"{LATE}.yaml").write_text(
        f"id: {LATE}\n{common}title: Dagen med den overskredne frist\n"
        f"start: {soon} 10:00\nend: {soon} 14:00\n"
        f"registration: {{deadline: {today - timedelta(days=1)}}}\n",
        encoding="utf-8",
    )
    return title


@asynccontextmanager
async def desk_on(
    tmp_path: Path, database_url: str | None = None, schema: str | None = None
) -> AsyncIterator[Desk]:
    """The web app in process with the desk's test knowledge and Anne's and Bo's accounts."""
    title = write_events(tmp_path / "knowledge")
    options: dict[str, object] = {}
    if database_url is not None:
        options = {"database_url": database_url, "database_schema": schema}
    settings = web_settings(
        tmp_path,
        knowledge_dir=tmp_path / "knowledge",
        smtp_host="smtp.invalid",
        mail_from="bot@kl.dk",
        web_public_url=BASE,
        staff_language="da",
        **options,
    )
    services = await Services.start(settings)
    app = build_app(services, WebChat(services, Transcript(services.db), turn=StandIn()))
    routes: DeskKit = app.state.desk
    for name, email, password in (ANNE, BO):
        await routes.accounts.add(name, email, password=password, by="cli:test")
    try:
        yield Desk(services, routes.accounts, routes, httpx.ASGITransport(app=app), title)
    finally:
        await services.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def both(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Desk]:
    """The desk on each database the bot runs on."""
    if request.param == "sqlite":
        async with desk_on(tmp_path) as desk:
            yield desk
        return
    async with postgres_schema("desk") as (url, schema), desk_on(tmp_path, url, schema) as desk:
        yield desk


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Desk]:
    async with desk_on(tmp_path) as desk:
        yield desk


@asynccontextmanager
async def staff(desk: Desk, who: tuple[str, str, str] = ANNE) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in as ``who``."""
    async with desk.client() as browser:
        answer = await sign_in(browser, who[1], who[2])
        assert answer.status_code == 303, answer.text
        yield browser


async def phone_signup(
    browser: httpx.AsyncClient, slug: str = SMALL, **fields: str
) -> httpx.Response:
    """Fill in the desk's signup form of ``slug`` as a browser does; the answer to the post."""
    form = await browser.get(f"/desk/arrangementer/{slug}/tilmeld")
    assert form.status_code == 200, form.text
    data = {"csrf": token_of(form.text), "lang": "da", **fields}
    return await browser.post(f"/desk/arrangementer/{slug}/tilmeld", data=data)


def person(n: int, **extra: str) -> dict[str, str]:
    return {
        "name": f"Person {n}",
        "email": f"person{n}@aalborg.dk",
        "organisation": "Handicaprådet i Aalborg",
        **extra,
    }


async def followed(browser: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """The page a redirect after a post leads to."""
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith(PAGE) or location.startswith("/desk/arrangementer/"), location
    return await browser.get(location)


def notice(html: str) -> str:
    """The text of the page's notice (after a form), which takes the focus."""
    found = re.search(r'<div id="melding"[^>]*autofocus>\s*(.*?)\s*</div>', html, re.S)
    assert found is not None, html
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def section(html: str, heading_id: str) -> str:
    """The part of the page from a heading to the next one."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return html[start : end if end > 0 else len(html)]


async def registrations(desk: Desk, slug: str = SMALL) -> list[RegistrationInfo]:
    return await desk.services.registrations.event_registrations(slug, include_cancelled=True)


async def by_name(desk: Desk, name: str, slug: str = SMALL) -> RegistrationInfo:
    return next(i for i in await registrations(desk, slug) if i.name == name)


async def desk_trail(desk: Desk) -> list[tuple[str | None, str, str | None]]:
    return [
        (e.staff_name, e.action, e.subject)
        for e in reversed(await desk.accounts.trail())
        if e.action not in ("signin", "account_added")
    ]


# -- signing up on someone's behalf ----------------------------------------------------------


async def test_a_phone_signup_takes_the_last_seat_and_the_next_goes_on_the_waiting_list(
    both: Desk,
) -> None:
    desk = both
    event = desk.services.kb.event(SMALL)
    assert event is not None
    # One seat of two is taken by a signup by e-mail.
    await desk.services.registrations.signup(
        event,
        SignupForm("Karen Mail", "karen@kl.dk", "Rådet"),
        channel="email",
        now=desk.services.clock(),
    )
    async with staff(desk) as browser:
        anne = await desk.accounts.find(ANNE[1])
        assert anne is not None
        answer = await phone_signup(
            browser, **person(1, needs="Kørestol.\nGlutenfri frokost."), lang="en"
        )
        page = await followed(browser, answer)
        assert page.status_code == 200
        assert notice(page.text) == (
            "Person 1 er tilmeldt. En bekræftelse er på vej til person1@aalborg.dk."
        )
        assert 'role="status"' in page.text
        # The next one has no seat: the waiting list, as number 1, said plainly.
        answer = await phone_signup(browser, **person(2))
        page = await followed(browser, answer)
        assert notice(page.text) == (
            "Der er ingen ledig plads, så Person 2 står på ventelisten som nummer 1. "
            "En bekræftelse er på vej til person2@aalborg.dk."
        )
        registered = section(page.text, "tilmeldte")
        waiting = section(page.text, "venteliste")
        assert "Person 1" in registered and "Karen Mail" in registered
        assert "Person 2" in waiting and "Person 1" not in waiting
        assert "Kørestol.\nGlutenfri frokost." in registered  # the needs, as given
        assert "Tilmeldte: 2 af 2 pladser" in page.text and "På ventelisten: 1" in page.text
        # The history names Anne, by name, for what she did at the desk.
        assert "Tilmeldt – Anne Sekretær (skrivebordet)" in registered
        assert "Tilmeldt, på venteliste – Anne Sekretær (skrivebordet)" in waiting
        assert "Tilmeldt – deltageren (e-mail)" in registered
    one = await by_name(desk, "Person 1")
    two = await by_name(desk, "Person 2")
    assert (one.status, one.channel, one.lang) == (RegistrationStatus.REGISTERED, "desk", "en")
    assert (two.status, two.position) == (RegistrationStatus.WAITLISTED, 1)
    # Stored with the staff member's account as the actor.
    trail = await desk.services.registrations.audit_trail(SMALL)
    assert [(e.registration_id, e.actor, e.channel) for e in trail if e.channel == "desk"] == [
        (one.id, f"desk:{anne.id}", "desk"),
        (two.id, f"desk:{anne.id}", "desk"),
    ]
    # The same confirmation as a chat's signup on an address: by e-mail, with the calendar file.
    mails = await desk.mails_to("person1@aalborg.dk")
    assert len(mails) == 1
    assert mails[0].subject == f"Registration: {SMALL_TITLE}"
    assert "You are registered for" in mails[0].body
    assert "The secretariat signed you up with this address." in mails[0].body
    assert mails[0].ics is not None
    waiting_mail = await desk.mails_to("person2@aalborg.dk")
    assert [m.subject for m in waiting_mail] == [f"Venteliste: {SMALL_TITLE}"]
    assert "på ventelisten til Den lille temadag som nummer 1" in waiting_mail[0].body
    # The desk's own audit: who did what, by number only.
    assert await desk_trail(desk) == [
        ("Anne Sekretær", "registration_added", f"registration:{one.id}"),
        ("Anne Sekretær", "registration_added", f"registration:{two.id}"),
    ]


async def test_a_signup_with_a_workshop_follows_the_sessions_rules(lite: Desk) -> None:
    desk = lite
    async with staff(desk) as browser:
        form = await browser.get(f"/desk/arrangementer/{WORKSHOPS}/tilmeld")
        assert 'type="radio" id="f-session" name="session" value="1"' in form.text
        assert "Ikke valgt endnu" not in form.text  # the choice is required at this event
        missing = await phone_signup(browser, WORKSHOPS, **person(3))
        assert missing.status_code == 400
        assert "Vælg en af mulighederne." in missing.text
        chosen = await phone_signup(browser, WORKSHOPS, **person(3, session="2"))
        page = await followed(browser, chosen)
        assert notice(page.text).startswith("Person 3 er tilmeldt.")
        assert "Workshop 2: Hjælpemidler i hverdagen" in section(page.text, "tilmeldte")
    info = await by_name(desk, "Person 3", WORKSHOPS)
    assert info.session_key == "2"


async def test_bad_input_is_told_in_plain_danish_next_to_each_field(lite: Desk) -> None:
    desk = lite
    async with staff(desk) as browser:
        answer = await phone_signup(
            browser, name="  ", email="ikke en adresse", organisation="", needs="x" * 2001
        )
    assert answer.status_code == 400
    text = answer.text
    assert "Tilmeldingen er ikke gemt. Ret venligst dette:" in text
    for field, words in [
        ("name", "Skriv personens navn."),
        ("email", "Det er ikke en e-mailadresse. Skriv den som navn@eksempel.dk."),
        ("organisation", "Skriv, hvilken organisation eller hvilket råd personen kommer fra."),
        ("needs", "Behovene fylder for meget: skriv højst 2000 tegn."),
    ]:
        # The message is next to its field, linked to it, and listed at the top with a link.
        assert f'<span class="field-problem" id="fejl-{field}">{words}</span>' in text
        assert re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*fejl-{field}"', text)
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', text)
        assert f'<a href="#f-{field}">{words}</a>' in text
    assert 'role="alert" tabindex="-1" autofocus' in text
    # What was typed stays in the form; nothing was stored.
    assert 'value="ikke en adresse"' in text
    assert await registrations(desk) == []
    assert await desk_trail(desk) == []


async def test_an_empty_email_and_an_unknown_workshop_have_their_own_words(lite: Desk) -> None:
    async with staff(lite) as browser:
        answer = await phone_signup(browser, WORKSHOPS, **person(4, email="", session="9"))
    assert answer.status_code == 400
    assert "Skriv personens e-mailadresse." in answer.text
    assert "Vælg en af mulighederne på listen." in answer.text


async def test_someone_already_signed_up_is_not_signed_up_twice(lite: Desk) -> None:
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1))
        again = await phone_signup(browser, **person(1, email="PERSON1@aalborg.dk"))
        page = await followed(browser, again)
    assert notice(page.text) == "Person 1 er allerede tilmeldt. Intet er ændret."
    assert len(await registrations(desk)) == 1
    assert len(await desk.mails_to("person1@aalborg.dk")) == 1


async def test_after_the_deadline_nobody_can_be_signed_up_here_either(lite: Desk) -> None:
    desk = lite
    async with staff(desk) as browser:
        form = await browser.get(f"/desk/arrangementer/{LATE}/tilmeld")
        assert form.status_code == 200
        assert "Tilmeldingsfristen var" in notice(form.text)
        assert 'name="name"' not in form.text
        # A form posted all the same (opened before the deadline, say) is refused the same way.
        token = token_of(form.text)
        answer = await browser.post(
            f"/desk/arrangementer/{LATE}/tilmeld", data={"csrf": token, **person(5)}
        )
    assert answer.status_code == 409
    assert "så ingen kan tilmeldes længere, heller ikke her" in answer.text
    assert await registrations(desk, LATE) == []


# -- cancelling ------------------------------------------------------------------------------


async def test_cancel_asks_first_then_the_seat_goes_to_the_waiting_list(both: Desk) -> None:
    desk = both
    async with staff(desk) as browser:
        for n in (1, 2, 3):
            await phone_signup(browser, **person(n))
        one = await by_name(desk, "Person 1")
        page = await browser.get(PAGE)
        asked = await browser.post(
            f"{PAGE}/afmeld", data={"csrf": token_of(page.text), "r": str(one.id)}
        )
        # Nothing yet: the question, with what will follow.
        assert asked.status_code == 200
        assert "<h1" in asked.text and "Afmeld Person 1?" in asked.text
        assert "Person 1 (person1@aalborg.dk) vil ikke længere være tilmeldt" in asked.text
        assert "Pladsen går til den første på ventelisten" in asked.text
        assert (await by_name(desk, "Person 1")).status is RegistrationStatus.REGISTERED
        done = await browser.post(
            f"{PAGE}/afmeld",
            data={"csrf": token_of(asked.text), "r": str(one.id), "confirm": "1"},
        )
        page = await followed(browser, done)
    assert notice(page.text) == (
        "Person 1 er afmeldt. Personen får besked på e-mail til person1@aalborg.dk. "
        "Pladsen gik til Person 3 fra ventelisten, som får besked."
    )
    assert "Person 3" in section(page.text, "tilmeldte")
    assert "Person 1" in section(page.text, "afmeldte")
    assert "Afmeldt – Anne Sekretær (skrivebordet)" in section(page.text, "afmeldte")
    assert "Fik en plads fra ventelisten – botten (skrivebordet)" in section(page.text, "tilmeldte")
    three = await by_name(desk, "Person 3")
    assert three.status is RegistrationStatus.REGISTERED
    # The cancelled person is told, and the promoted one too, as after any cancellation.
    cancelled = await desk.mails_to("person1@aalborg.dk")
    assert cancelled[-1].subject == f"Afmeldt: {SMALL_TITLE}"
    assert "Sekretariatet har afmeldt dig." in cancelled[-1].body
    promoted = await desk.mails_to("person3@aalborg.dk")
    assert "Godt nyt" in promoted[-1].body and promoted[-1].ics is not None
    assert (await desk_trail(desk))[-1] == (
        "Anne Sekretær",
        "registration_cancelled",
        f"registration:{one.id}",
    )


async def test_a_stale_or_made_up_registration_number_changes_nothing(lite: Desk) -> None:
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1))
        await phone_signup(browser, WORKSHOPS, **person(2, session="1"))
        one = await by_name(desk, "Person 1")
        other = await by_name(desk, "Person 2", WORKSHOPS)
        token = token_of((await browser.get(PAGE)).text)
        done = await browser.post(
            f"{PAGE}/afmeld", data={"csrf": token, "r": str(one.id), "confirm": "1"}
        )
        assert done.status_code == 303
        stale = "Tilmeldingen er ikke længere, som siden viste den"
        for number in (str(one.id), str(other.id), "999999", "x", ""):
            for path in ("afmeld", "ryk-op"):
                answer = await browser.post(
                    f"{PAGE}/{path}", data={"csrf": token, "r": number, "confirm": "1"}
                )
                page = await followed(browser, answer)
                assert notice(page.text).startswith(stale), (path, number)
                assert 'role="alert"' in page.text
    # The other event's registration is untouched; Person 1 was cancelled once.
    assert (await by_name(desk, "Person 2", WORKSHOPS)).status is RegistrationStatus.REGISTERED
    assert len(await desk.mails_to("person1@aalborg.dk")) == 2  # the confirmation, the cancel


# -- moving up from the waiting list ---------------------------------------------------------


async def test_an_extra_seat_is_given_only_when_confirmed(both: Desk) -> None:
    desk = both
    async with staff(desk, BO) as browser:
        for n in (1, 2, 3, 4):
            await phone_signup(browser, **person(n))
        four = await by_name(desk, "Person 4")
        page = await browser.get(PAGE)
        assert "Giv plads<span" in section(page.text, "venteliste")
        asked = await browser.post(
            f"{PAGE}/ryk-op", data={"csrf": token_of(page.text), "r": str(four.id)}
        )
        assert asked.status_code == 200
        assert "Giv Person 4 en ekstra plads?" in asked.text
        assert "Alle 2 pladser er taget." in asked.text
        assert "bliver der 3 tilmeldte" in asked.text
        assert (await by_name(desk, "Person 4")).status is RegistrationStatus.WAITLISTED
        done = await browser.post(
            f"{PAGE}/ryk-op",
            data={"csrf": token_of(asked.text), "r": str(four.id), "extra": "1"},
        )
        page = await followed(browser, done)
        assert notice(page.text) == (
            "Person 4 har fået en ekstra plads ud over det fastsatte antal og får besked."
        )
        assert "Tilmeldte: 3 af 2 pladser" in page.text
        assert "Rykket op fra ventelisten med en ekstra plads – Bo Berg (skrivebordet)" in (
            section(page.text, "tilmeldte")
        )
        # Person 3 stays first in line, and moves up only once fewer than 2 are registered.
        assert (await by_name(desk, "Person 3")).position == 1
        for name in ("Person 1", "Person 2"):
            info = await by_name(desk, name)
            page = await browser.get(PAGE)
            await browser.post(
                f"{PAGE}/afmeld",
                data={"csrf": token_of(page.text), "r": str(info.id), "confirm": "1"},
            )
            expected = (
                RegistrationStatus.WAITLISTED
                if name == "Person 1"
                else (RegistrationStatus.REGISTERED)
            )
            assert (await by_name(desk, "Person 3")).status is expected, name
    assert "Godt nyt" in (await desk.mails_to("person4@aalborg.dk"))[-1].body
    trail = await desk.services.registrations.audit_trail(registration_id=four.id)
    assert [(e.action, e.note) for e in trail] == [("signed_up", None), ("moved_up", "extra seat")]
    assert ("Bo Berg", "extra_seat", f"registration:{four.id}") in await desk_trail(desk)


async def test_a_free_seat_goes_to_the_chosen_person_and_free_seats_to_the_list(
    lite: Desk, tmp_path: Path
) -> None:
    desk = lite
    async with staff(desk) as browser:
        for n in (1, 2, 3, 4, 5):
            await phone_signup(browser, **person(n))
        # The secretariat raises the seats from 2 to 4 in the knowledge file.
        folder = tmp_path / "knowledge"
        path = folder / f"{SMALL}.yaml"
        path.write_text(path.read_text().replace("capacity: 2", "capacity: 4"))
        await desk.services.use_knowledge(load_knowledge(folder))
        page = await browser.get(PAGE)
        assert "2 pladser er ledige, og 3 står på ventelisten." in page.text
        # Staff give one seat to the last in line, out of turn: no question asked.
        five = await by_name(desk, "Person 5")
        done = await browser.post(
            f"{PAGE}/ryk-op", data={"csrf": token_of(page.text), "r": str(five.id)}
        )
        page = await followed(browser, done)
        assert notice(page.text) == "Person 5 har nu en plads og får besked."
        # The other free seat goes to the waiting list in its order.
        done = await browser.post(f"{PAGE}/fyld-op", data={"csrf": token_of(page.text)})
        page = await followed(browser, done)
    assert notice(page.text) == "Fra ventelisten fik Person 3 en plads, og de får besked."
    assert (await by_name(desk, "Person 4")).position == 1
    assert [a for _n, a, _s in await desk_trail(desk)][-2:] == ["moved_up", "free_seats_filled"]


async def test_service_move_up_answers(lite: Desk) -> None:
    """The service's move-up on its own: who is not waiting, a past event."""
    service = lite.services.registrations
    event = lite.services.kb.event(SMALL)
    past = lite.services.kb.event(PAST)
    assert event is not None and past is not None
    now = lite.services.clock()
    one = await service.signup(event, SignupForm("A", "a@kl.dk", "R"), channel="email", now=now)
    assert one.registration is not None
    moved = await service.move_up(event, one.registration.id, channel="desk", now=now)
    assert moved.outcome is MoveUpOutcome.NOT_WAITING
    assert moved.registration is not None and moved.registration.name == "A"
    assert (await service.move_up(event, 424242, channel="desk", now=now)).registration is None
    # On the day after the event, nothing moves.
    later = event.end + timedelta(days=1)
    for n in (2, 3):
        await service.signup(
            event, SignupForm(f"P{n}", f"p{n}@kl.dk", "R"), channel="email", now=now
        )
    waiting = [i for i in await service.event_registrations(SMALL) if i.position]
    ended = await service.move_up(event, waiting[0].id, channel="desk", now=later)
    assert ended.outcome is MoveUpOutcome.ENDED
    cancel = await service.cancel(event, Identity(email="p2@kl.dk"), channel="email", now=now)
    assert cancel.outcome is Outcome.CANCELLED


# -- search, needs, downloads -------------------------------------------------------------


async def test_search_by_name_email_or_organisation_and_not_in_the_log(
    lite: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1, name="Åse Søndergaard"))
        await phone_signup(browser, **person(2, organisation="Ældrerådet i Hjørring"))
        await phone_signup(browser, **person(3, email="tolk.brugeren@frederikshavn.dk"))
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            by_name_ = await browser.get(PAGE, params={"q": "  åse   SØNDER "})
            by_org = await browser.get(PAGE, params={"q": "hjørring"})
            by_mail = await browser.get(PAGE, params={"q": "frederikshavn"})
            nobody = await browser.get(PAGE, params={"q": "findes ikke"})
    assert "Åse Søndergaard" in by_name_.text and "Person 2" not in by_name_.text
    assert "Tilmeldinger, der passer på »åse SØNDER«: 1." in by_name_.text
    assert "Person 2" in by_org.text and "Åse" not in by_org.text
    assert "Person 3" in by_mail.text and "Person 2" not in by_mail.text
    assert nobody.text.count("Ingen her passer på søgningen.") == 3
    assert 'value="findes ikke"' in nobody.text
    # The bot's own log and the web server's, at every level (httpx here is the test's browser).
    ours = ("bot", "uvicorn", "starlette")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    for word in ("sønder", "SØNDER", "hjørring", "frederikshavn", "findes"):
        assert word not in logged


async def test_the_lists_download_as_csv_and_excel_with_the_same_columns(both: Desk) -> None:
    desk = both
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1, name='=HYPERLINK("x")', needs="Tolk\nKost"))
        await phone_signup(browser, **person(2))
        await phone_signup(browser, **person(3))
        csv_answer = await browser.get(f"{PAGE}/deltagere.csv")
        xlsx_answer = await browser.get(f"{PAGE}/deltagere.xlsx")
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert csv_answer.headers["content-disposition"] == (
        f'attachment; filename="deltagere-{SMALL}.csv"'
    )
    event = desk.services.kb.event(SMALL)
    infos = await desk.services.registrations.event_registrations(SMALL)
    assert csv_answer.content == export_csv(infos, event)  # as the command line writes it
    csv_rows = csv_answer.content.decode("utf-8-sig").split("\r\n")
    assert xlsx_answer.status_code == 200
    assert xlsx_answer.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx_answer.headers["content-disposition"].endswith(f'deltagere-{SMALL}.xlsx"')
    book = load_workbook(io.BytesIO(xlsx_answer.content))
    sheet = book.active
    assert sheet is not None and sheet.title == "Deltagere"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == csv_rows[0].split(";")
    assert rows[0] == [
        "Status",
        "Venteliste nr.",
        "Navn",
        "E-mail",
        "Organisation",
        "Session",
        "Behov",
        "Tilmeldt",
        "Kanal",
        "Afmeldt",
        "Noterede behov",
        "Hjælpere eller ledsagere",
        "Tjekket ind",
    ]
    assert len(rows) == 4
    first, _second, waiting = rows[1], rows[2], rows[3]
    # Text stays text: a name like a formula is the name, never a formula.
    assert first[:4] == ["tilmeldt", None, '=HYPERLINK("x")', "person1@aalborg.dk"]
    assert sheet["C2"].data_type == "s"
    assert first[6] == "Tolk\nKost"
    assert isinstance(first[7], datetime) and first[8] == "desk" and first[9] is None
    assert first[7].strftime("%Y-%m-%d %H:%M") == csv_rows[1].split(";")[7]
    assert waiting[:3] == ["venteliste", 1, "Person 3"]
    assert sheet["B4"].data_type == "n"
    assert [a for _n, a, s in await desk_trail(desk) if a == "participants_exported"] == [
        "participants_exported",
        "participants_exported",
    ]


# -- the rules of the pages ------------------------------------------------------------------


async def test_an_unknown_event_is_not_found_for_every_page_and_form(lite: Desk) -> None:
    async with staff(lite) as browser:
        token = token_of((await browser.get(PAGE)).text)
        base = "/desk/arrangementer/findes-ikke"
        for path in ("", "/tilmeld", "/deltagere.csv", "/deltagere.xlsx"):
            answer = await browser.get(base + path)
            assert answer.status_code == 404, path
            assert "Siden findes ikke" in answer.text
        for path in ("/tilmeld", "/afmeld", "/ryk-op", "/fyld-op"):
            answer = await browser.post(base + path, data={"csrf": token, "r": "1", **person(1)})
            assert answer.status_code == 404, path
            assert "Traceback" not in answer.text


async def test_forms_without_their_token_do_nothing(lite: Desk) -> None:
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1))
        one = await by_name(desk, "Person 1")
        for path, data in [
            ("tilmeld", person(2)),
            ("afmeld", {"r": str(one.id), "confirm": "1"}),
            ("ryk-op", {"r": str(one.id), "extra": "1"}),
            ("fyld-op", {}),
        ]:
            for token in ({}, {"csrf": "forkert"}):
                answer = await browser.post(f"{PAGE}/{path}", data={**data, **token})
                assert answer.status_code == 403, path
                assert "Siden var udløbet" in answer.text
        # Another site's page, even with the right token, is refused too.
        token = token_of((await browser.get(PAGE)).text)
        answer = await browser.post(
            f"{PAGE}/afmeld",
            data={"csrf": token, "r": str(one.id), "confirm": "1"},
            headers={"Origin": "https://evil.example"},
        )
        assert answer.status_code == 403
    assert [i.name for i in await registrations(desk)] == ["Person 1"]
    assert (await by_name(desk, "Person 1")).status is RegistrationStatus.REGISTERED


async def test_without_a_session_the_pages_show_nothing(lite: Desk) -> None:
    async with lite.client() as stranger:
        for path in (PAGE, f"{PAGE}/tilmeld", f"{PAGE}/deltagere.csv", "/desk/arrangementer"):
            answer = await stranger.get(path)
            assert answer.status_code == 303 and answer.content == b""
        answer = await stranger.post(f"{PAGE}/tilmeld", data=person(1))
        assert answer.status_code == 303 and answer.content == b""
    assert await registrations(lite) == []


async def test_the_log_names_no_one(lite: Desk, caplog: pytest.LogCaptureFixture) -> None:
    desk = lite
    with caplog.at_level(logging.INFO):
        async with staff(desk) as browser:
            for n in (1, 2, 3):
                await phone_signup(browser, **person(n))
            one = await by_name(desk, "Person 1")
            token = token_of((await browser.get(PAGE)).text)
            await browser.post(
                f"{PAGE}/afmeld", data={"csrf": token, "r": str(one.id), "confirm": "1"}
            )
            await browser.get(f"{PAGE}/deltagere.xlsx")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "desk: staff account" in logged
    for secret in ("Person", "aalborg.dk", "Handicaprådet"):
        assert secret not in logged


async def test_without_mail_staff_are_told_to_tell_the_person(tmp_path: Path) -> None:
    write_events(tmp_path / "knowledge")
    settings = web_settings(tmp_path, knowledge_dir=tmp_path / "knowledge", staff_language="da")
    services = await Services.start(settings)
    try:
        app = build_app(services, WebChat(services, Transcript(services.db), turn=StandIn()))
        await app.state.desk.accounts.add(ANNE[0], ANNE[1], password=ANNE[2], by="cli:test")
        desk = Desk(
            services, app.state.desk.accounts, app.state.desk, httpx.ASGITransport(app=app), ""
        )
        async with staff(desk) as browser:
            form = await browser.get(f"{PAGE}/tilmeld")
            assert "E-mail er ikke sat op på denne server" in form.text
            page = await followed(browser, await phone_signup(browser, **person(1)))
        assert notice(page.text) == (
            "Person 1 er tilmeldt. Der er ikke sendt en e-mail, for e-mail er ikke sat op på "
            "denne server. Giv selv personen besked."
        )
        async with services.db.session() as session:
            assert list(await session.scalars(select(OutboxMail))) == []
    finally:
        await services.close()
