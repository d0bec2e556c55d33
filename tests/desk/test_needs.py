"""An event's needs at the desk, in process (httpx over ASGI), on SQLite and PostgreSQL.

Who needs what (from a phone signup in the person's own words), the seats with companions, each
need arranged or not; a button marks it arranged: the participant is told on their channel (in
their language), the registration's history and the desk's audit name the staff member; un-marked
again, the audit has it and the participant hears nothing. The files for the venue hold names,
seats and needs, never an e-mail address, and the words only of food and other wishes.
"""

from __future__ import annotations

import io
import re

import pdfplumber

from bot.channels.mail.outbox import build_message
from tests.desk.conftest import token_of
from tests.desk.test_participants import (
    PAGE,
    SMALL_TITLE,
    Desk,
    both,  # noqa: F401  (the fixture)
    by_name,
    desk_trail,
    lite,  # noqa: F401  (the fixture)
    person,
    phone_signup,
    staff,
)

NEEDS = f"{PAGE}/behov"
KAREN = (
    "Jeg er døv og har brug for tegnsprogstolk. Jeg tåler ikke gluten. "
    "Min hjælper Jonna Lund kommer med."
)


def said(html: str) -> str:
    found = re.search(r'<div id="resultat"[^>]*role="status"[^>]*>(.*?)</div>', html, re.S)
    assert found is not None, html
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


async def mark(browser: object, registration: int, kind: str, arranged: bool = True) -> str:
    page = await browser.get(NEEDS)  # type: ignore[attr-defined]
    answer = await browser.post(  # type: ignore[attr-defined]
        NEEDS,
        data={
            "csrf": token_of(page.text),
            "r": str(registration),
            "kind": kind,
            "arranged": "1" if arranged else "0",
        },
    )
    assert answer.status_code == 200, answer.text
    return str(answer.text)


async def test_needs_are_shown_marked_arranged_and_the_person_is_told(both: Desk) -> None:  # noqa: F811
    desk = both
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1, needs=KAREN))
        await phone_signup(
            browser, **person(2, needs="I need a sign language interpreter", lang="en")
        )
        await phone_signup(browser, **person(3))  # no needs: not on the page
        karen, english = await by_name(desk, "Person 1"), await by_name(desk, "Person 2")
        assert karen.need_kinds == ("sign_language", "companion", "diet")

        # Linked from the participants page and from the events table.
        assert f'href="{NEEDS}"' in (await browser.get(PAGE)).text
        assert f'href="{NEEDS}"' in (await browser.get("/desk/arrangementer")).text
        page = (await browser.get(NEEDS)).text
        assert f"Behov: {SMALL_TITLE}" in page
        assert "Person 1" in page and "Person 2" in page and "Person 3" not in page
        assert "2 (Jonna Lund)" in page  # her seat and her helper's
        assert "Tegnsprogstolk: 2 (ordnet: 0)" in page
        assert "Tolke skal bestilles senest" in page and "(10 arbejdsdage før)" in page
        assert page.count("Markér som ordnet") == 4  # a button per need

        html = await mark(browser, karen.id, "sign_language")
        assert said(html) == (
            "Tegnsprogstolk til Person 1 er markeret som ordnet, og personen har fået besked."
        )
        assert "Tegnsprogstolk: 2 (ordnet: 1)" in html
        assert re.search(r"Ordnet [^<]+ af Anne Sekretær", html)
        # Marked again (a second click): nothing more is said to her.
        assert said(await mark(browser, karen.id, "sign_language")) == (
            "Intet ændret: det var allerede sådan."
        )
        await mark(browser, english.id, "sign_language")

        # Told on their own channel, in their language: e-mail, as the mail channel sends it.
        mails = await desk.mails_to("person1@aalborg.dk")
        assert len(mails) == 2  # the confirmation, then this
        built = build_message(mails[1], "bot@kl.dk")
        assert built["Subject"] == f"Sørget for til dig: {SMALL_TITLE}"
        body = built.get_body(("plain",))
        assert body is not None
        assert f"Vi har bestilt tegnsprogstolk til dig til {SMALL_TITLE}." in body.get_content()
        [_, told] = await desk.mails_to("person2@aalborg.dk")
        assert f"We have booked a sign-language interpreter for you for {SMALL_TITLE}." in told.body

        # Un-marked: audited, and nothing is sent.
        html = await mark(browser, karen.id, "sign_language", arranged=False)
        assert said(html) == "Tegnsprogstolk til Person 1 er ikke længere markeret som ordnet."
        assert len(await desk.mails_to("person1@aalborg.dk")) == 2
        history = (await browser.get(PAGE)).text
        assert "Et behov markeret som ordnet" in history
        assert "Et behov ikke længere markeret som ordnet" in history
        # A need that is not there, or a made-up number: nothing done.
        gone = await mark(browser, karen.id, "wheelchair")
        assert "ikke længere registreret" in said(gone)
        assert "ikke længere registreret" in said(await mark(browser, 99999, "sign_language"))
        # Without the form's token: refused.
        refused = await browser.post(
            NEEDS, data={"r": str(karen.id), "kind": "diet", "arranged": "1"}
        )
        assert refused.status_code == 403
    trail = await desk_trail(desk)
    assert ("Anne Sekretær", "need_arranged", f"registration:{karen.id}") in trail
    assert ("Anne Sekretær", "need_unarranged", f"registration:{karen.id}") in trail
    assert len([t for t in trail if t[1] == "need_arranged"]) == 2


async def test_the_venue_files_leave_out_addresses_and_health_words(lite: Desk) -> None:  # noqa: F811
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1, needs=KAREN))
        # Karen and her helper take both seats: the next one waits, and is not in the files.
        await phone_signup(browser, **person(2, needs="Kørestol"))
        karen = await by_name(desk, "Person 1")
        await mark(browser, karen.id, "diet")
        answer = await browser.get(f"{NEEDS}/behov.csv")
        assert answer.headers["content-disposition"] == (
            'attachment; filename="behov-lille-dag-naeste-aar.csv"'
        )
        lines = answer.content.decode("utf-8-sig").split("\r\n")
        pdf = await browser.get(f"{NEEDS}/behov.pdf")
    assert lines[0] == "Navn;Pladser;Ledsagere;Behov;Detaljer;Ordnet"
    assert lines[1:] == [
        "Person 1;2;Jonna Lund;tegnsprogstolk;;nej",
        "Person 1;2;Jonna Lund;hjælper eller ledsager;;nej",
        "Person 1;2;Jonna Lund;kost eller madallergi;Jeg tåler ikke gluten.;ja",
        "",
    ]
    csv_text = "\n".join(lines)
    assert "@" not in csv_text and "døv" not in csv_text and "Handicaprådet" not in csv_text

    assert pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = "\n".join(p.extract_text() or "" for p in document.pages)
        title = document.metadata.get("Title")
    assert title == f"Behov til {SMALL_TITLE}"
    for shown in (
        f"Behov til {SMALL_TITLE}",
        "Personer med behov: 1, pladser med ledsagere: 2",
        "Tegnsprogstolk: 1 (ordnet: 0)",
        "Kost eller madallergi: 1 (ordnet: 1)",
        "Person 1",
        "Jonna Lund",
        "Jeg tåler ikke gluten.",
    ):
        assert shown in text, (shown, text)
    assert "@" not in text and "døv" not in text and "Person 2" not in text
    assert ("Anne Sekretær", "needs_exported", "event:lille-dag-naeste-aar") in await desk_trail(
        desk
    )
