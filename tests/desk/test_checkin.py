"""Checking participants in at the desk, in process (httpx over ASGI), on SQLite and PostgreSQL.

Each seat has a random check-in code, given in words in the confirmation with its QR code as an
inline picture; staff check a person in with the code (as scanned, typed or pasted, case and
spaces aside) or by name from the list; a second check-in says when the first was; a code that
is unknown, of another event, or of someone without a seat checks nobody in. Attendance is on
the participants page and in the export; each check-in is in the desk's audit with the staff
member's name; the code and the check-in are in the person's data report and go with erasure;
a certificate of participation (PDF) is made only for someone checked in.
"""

from __future__ import annotations

import io
import re

import httpx
import pdfplumber
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from bot.attendance import qr_png
from bot.attendance.models import Checkin
from bot.channels.mail.outbox import build_message
from bot.privacy.service import Privacy, Who
from tests.desk.conftest import token_of
from tests.desk.test_participants import (
    PAGE,
    SMALL,
    Desk,
    both,  # noqa: F401  (the fixture)
    by_name,
    desk_trail,
    lite,  # noqa: F401  (the fixture)
    person,
    phone_signup,
    staff,
)
from tests.web.events import SLUG as WORKSHOPS

CHECKIN = f"{PAGE}/tjek-ind"
CODE = re.compile(r"Din kode til indtjekning er ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\.")


def said(html: str) -> str:
    """What the page's live region says (read out by screen readers)."""
    found = re.search(r'<div id="resultat"[^>]*role="status"[^>]*>(.*?)</div>', html, re.S)
    assert found is not None, html
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


async def code_of(desk: Desk, address: str) -> str:
    """The check-in code the person's confirmation gives, as written in it."""
    mails = await desk.mails_to(address)
    found = CODE.search(mails[0].body)
    assert found is not None, mails[0].body
    return found.group(1)


async def post(browser: httpx.AsyncClient, **fields: str) -> str:
    """Send the check-in form as the page gives it; the page that answers."""
    page = await browser.get(CHECKIN)
    answer = await browser.post(CHECKIN, data={"csrf": token_of(page.text), **fields})
    assert answer.status_code == 200, answer.text
    return answer.text


async def test_check_in_by_code_and_by_name_once_and_only_with_a_seat(both: Desk) -> None:  # noqa: F811
    desk = both
    async with staff(desk) as browser:
        for n in (1, 2, 3):  # two seats: the third waits
            await phone_signup(browser, **person(n))
        first = await code_of(desk, "person1@aalborg.dk")

        # The confirmation: the code in words, and its QR code as an inline picture.
        (mail,) = await desk.mails_to("person1@aalborg.dk")
        assert mail.checkin_code == first.replace("-", "")
        built = build_message(mail, "bot@kl.dk")
        (picture,) = [p for p in built.walk() if p.get_content_type() == "image/png"]
        assert picture.get_content_disposition() == "inline"
        assert picture.get_content() == qr_png(mail.checkin_code)
        # What a phone's camera reads from it is the code as written, and nothing else.
        [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.get_content())).convert("L"))
        assert read.text == first
        # The code says nothing of the person, and is not in any address.
        assert "person" not in first.lower() and first not in CHECKIN

        page = await browser.get(CHECKIN)
        assert page.status_code == 200
        assert page.headers["permissions-policy"].startswith("camera=(self)")
        assert "Tjekket ind: 0 af 2" in page.text and "Ikke tjekket ind endnu: 2" in page.text
        assert "Person 3" not in page.text  # waiting: no seat, nothing to check in

        # Scanned, typed or pasted: case, spaces and dashes aside.
        html = await post(browser, code=f"  {first.lower().replace('-', ' ')} ")
        assert said(html) == "Person 1 er tjekket ind."
        assert "<title>Person 1 er tjekket ind." in html
        assert "Tjekket ind: 1 af 2" in html
        again = said(await post(browser, code=first))
        assert re.fullmatch(r"Person 1 er allerede tjekket ind kl\. \d{1,2}\.\d\d\.", again)
        assert said(await post(browser, code="ABCD-EFGH-JKLM")) == "Koden kendes ikke."
        assert said(await post(browser, code="ikke en kode")) == "Koden kendes ikke."

        # By name, for someone without the code.
        two = await by_name(desk, "Person 2")
        html = await post(browser, r=str(two.id))
        assert said(html) == "Person 2 er tjekket ind."
        assert "Tjekket ind: 2 af 2" in html and "Ikke tjekket ind endnu: 0" in html
        waiting = await by_name(desk, "Person 3")
        assert said(await post(browser, r=str(waiting.id))) == "Koden kendes ikke."

        # The participants page and the export show the attendance.
        participants = await browser.get(PAGE)
        assert "Tjekket ind: 2 af 2" in participants.text
        assert f'href="{CHECKIN}"' in participants.text
        exported = (await browser.get(f"{PAGE}/deltagere.csv")).content.decode("utf-8-sig")
    header, *rows = exported.split("\r\n")
    assert header.split(";")[-1] == "Tjekket ind"
    assert all(re.search(r";\d{4}-\d\d-\d\d \d\d:\d\d$", row) for row in rows[:2])
    assert rows[2].endswith(";")  # waiting: not checked in

    trail = [
        (who, subject) for who, action, subject in await desk_trail(desk) if action == "checked_in"
    ]
    one = await by_name(desk, "Person 1")
    assert trail == [
        ("Anne Sekretær", f"registration:{one.id}"),
        ("Anne Sekretær", f"registration:{two.id}"),
    ]


async def test_a_code_of_another_event_checks_nobody_in(lite: Desk) -> None:  # noqa: F811
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, slug=WORKSHOPS, **person(1, session="1"))
        code = await code_of(desk, "person1@aalborg.dk")
        assert said(await post(browser, code=code)) == "Koden kendes ikke."
        form = await browser.get(CHECKIN)
        nothing = await browser.post(CHECKIN, data={"csrf": "forkert", "code": code})
        assert nothing.status_code == 403 and form.status_code == 200
    async with desk.services.db.session() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Checkin).where(Checkin.checked_in_at.is_not(None))
            )
            == 0
        )


async def test_the_code_and_the_check_in_are_in_the_report_and_go_with_erasure(
    both: Desk,  # noqa: F811
) -> None:
    desk = both
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1))
        await post(browser, code=await code_of(desk, "person1@aalborg.dk"))
    privacy = Privacy(desk.services)
    who = Who.of(email="person1@aalborg.dk")
    (row,) = (await privacy.data(who)).rows["registration_checkins"]
    assert row["checked_in_by"] == "Anne Sekretær" and row["checked_in_at"]
    await privacy.erase(who, channel="email", now=desk.services.clock())
    async with desk.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Checkin)) == 0
    assert not (await privacy.data(who)).rows.get("registration_checkins")


async def test_the_certificate_is_made_only_for_someone_checked_in(lite: Desk) -> None:  # noqa: F811
    desk = lite
    async with staff(desk) as browser:
        await phone_signup(browser, **person(1))
        await phone_signup(browser, **person(2))
        one, two = await by_name(desk, "Person 1"), await by_name(desk, "Person 2")
        await post(browser, r=str(one.id))
        page = await browser.get(CHECKIN)
        assert page.text.count("Kursusbevis (PDF)") == 1  # only for the one checked in
        token = token_of(page.text)
        made = await browser.post(f"{CHECKIN}/kursusbevis", data={"csrf": token, "r": str(one.id)})
        assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
        assert made.headers["content-disposition"].endswith(f'kursusbevis-{SMALL}.pdf"')
        with pdfplumber.open(io.BytesIO(made.content)) as pdf:
            text = pdf.pages[0].extract_text()
        assert "Kursusbevis" in text and "Person 1" in text and "Den lille temadag" in text
        refused = await browser.post(
            f"{CHECKIN}/kursusbevis", data={"csrf": token, "r": str(two.id)}
        )
        assert refused.headers["content-type"].startswith("text/html")
    trail = [(a, s) for _who, a, s in await desk_trail(desk) if a == "certificate_made"]
    assert trail == [("certificate_made", f"registration:{one.id}")]
