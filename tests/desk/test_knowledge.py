"""The desk's knowledge pages, in process (httpx over ASGI), as a secretariat uses them.

An invitation uploaded in each format (Word, PDF, web page, text, Markdown, pasted) becomes a
draft form beside the invitation's numbered lines, each field with its source line, what is
unsure marked in words; broken files get the drafting's own Danish sentence; the form says what
``knowledge check`` says, at the fields, and writes nothing while anything is wrong; a question
is answered from the unpublished draft; publishing writes the file with its comments into the
knowledge folder, never over another event's file, and the bot answers from it at once; a
changed event's notice is offered to its registered participants; every publish and decision
is in the audit trail with the staff member's name.

The forms are filled in as a browser does: every field the page shows is posted back as it
stands, with the changes a person would make.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.clock import now
from bot.i18n import fmt_date
from bot.knowledge import load_knowledge
from bot.knowledge.drafting import ReadError, read_path
from bot.knowledge.drafting.reading import MAX_BYTES
from bot.registrations.form import SignupForm
from evaluation.documents import write_docx, write_pdf
from tests.conftest import KNOWLEDGE, run_bot
from tests.desk.conftest import ANNE, Desk, sign_in, token_of
from tests.web.events import SLUG

NEW = "/desk/viden/ny"


def future_day() -> date:
    """A weekday about two years ahead: the drafted event is still to come whenever this runs."""
    day = (now() + timedelta(days=730)).date()
    return day + timedelta(days=(7 - day.weekday()) % 7 + 1)  # a Tuesday


def invitation(day: date | None = None) -> str:
    """A theme day's invitation, as a secretariat writes it."""
    day = day or future_day()
    deadline = day - timedelta(days=31)
    return f"""Temadag om tilgængelige møder {day.year}

KKR Nordjylland inviterer handicaprådene til temadag om tilgængelige møder.

Tid: {fmt_date(day, "da").capitalize()} kl. 10.00-15.00
Sted: Huset i Hasseris, Hasserisvej 10, 9000 Aalborg

Tilmelding senest den {fmt_date(deadline, "da", weekday=False)} til kkr@nordjylland.example.dk

Program
10.00 Velkomst v. formand Anne Holm
10.30 Tilgængelighed i praksis – oplæg ved Peter Berg, konsulent
12.00 Frokost
13.00 Workshops
14.45 Tak for i dag

Kontakt: Lise Dahl, tlf. 98 76 54 32, lise@nordjylland.example.dk
"""


def as_html(text: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip())
    return (
        f"<!doctype html><html><head><title>Temadag</title></head><body>{paragraphs}</body></html>"
    )


def as_markdown(text: str) -> str:
    first, _, rest = text.partition("\n")
    return f"# {first}\n{rest}"


# -- a browser's forms --------------------------------------------------------------------------


class Form(HTMLParser):
    """The fields of one form of a page, as a browser would post them (no buttons)."""

    def __init__(self, html: str, form_id: str | None = None, action: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.want = (form_id, action)
        self.inside = False
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            form_id, action = self.want
            self.inside = (form_id is None or a.get("id") == form_id) and (
                action is None or a.get("action") == action
            )
            if self.inside:
                self.action = a.get("action", "")
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
            else:
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._selected = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.fields if k == name), None)

    def filled(self, **changes: str) -> list[tuple[str, str]]:
        """The fields with some changed (``__`` for a dot in a name: ``venue__name``)."""
        wanted = {k.replace("__", "."): v for k, v in changes.items()}
        fields = [(k, wanted.pop(k) if k in wanted else v) for k, v in self.fields]
        return fields + list(wanted.items())


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Posted fields as httpx takes them (a name given twice is posted twice)."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def problems(html: str) -> list[str]:
    """The items of the page's list of problems, as text."""
    found = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    if not found:
        return []
    items = re.findall(r"<li>(.*?)</li>", found.group(0), re.S)
    return [_text(item) for item in items]


def _text(html: str) -> str:
    import html as markup

    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@contextlib.asynccontextmanager
async def signed_in(desk: Desk) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own, signed in as Anne."""
    async with desk.client() as client:
        assert (await sign_in(client, ANNE[1], ANNE[2])).status_code == 303
        yield client


async def upload(
    client: httpx.AsyncClient,
    name: str,
    data: bytes,
    slug: str = "",
) -> httpx.Response:
    page = await client.get(NEW)
    assert page.status_code == 200, page.text
    return await client.post(
        NEW,
        data={"csrf": token_of(page.text), "id": slug},
        files={"invitation": (name, data, "application/octet-stream")},
    )


async def drafted(client: httpx.AsyncClient, name: str, data: bytes, slug: str = "") -> str:
    """Upload an invitation; the address of its draft."""
    response = await upload(client, name, data, slug)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/desk/viden/udkast/")
    return location


async def post_form(
    client: httpx.AsyncClient, address: str, action: str = "save", **changes: str
) -> httpx.Response:
    """The draft's form posted as it stands, with ``changes``, by pressing ``action``."""
    page = await client.get(address)
    assert page.status_code == 200, page.text
    form = Form(page.text, "udkast")
    return await client.post(address, data=as_data([*form.filled(**changes), ("action", action)]))


def draft_text(desk: Desk, address: str) -> str:
    """The draft's knowledge file as saved (the desk keeps drafts under the data folder)."""
    token = address.rsplit("/", 1)[-1]
    folder = desk.services.settings.data_dir / "desk" / "knowledge"
    text: str = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))["text"]
    return text


def knowledge(desk: Desk) -> Path:
    return desk.services.settings.knowledge_dir


# -- reading --------------------------------------------------------------------------------------


async def test_the_knowledge_list_and_an_event_as_a_readable_page(desk: Desk) -> None:
    async with signed_in(desk) as client:
        listing = await client.get("/desk/viden")
        assert listing.status_code == 200
        assert f'href="/desk/viden/{SLUG}"' in listing.text and desk.title in listing.text
        assert 'aria-current="page"' in listing.text  # the menu says where we are
        page = await client.get(f"/desk/viden/{SLUG}")
    assert page.status_code == 200
    text = _text(page.text)
    event = desk.services.kb.event(SLUG)
    assert event is not None
    # Plain Danish, with dates as participants are told them; no YAML.
    assert f"Hvornår {fmt_date(event.start, 'da')}, 10.00–15.00" in text
    assert "Sted Aalborg Kongres & Kultur Center" in text
    assert "Adresse Europa Plads 4, 9000 Aalborg" in text
    assert f"Frist {fmt_date(event.registration.deadline_at, 'da')}" in text  # type: ignore[union-attr]
    assert "Workshop 1 Tilgængelige byrum" in text
    assert "Sessionerne vælges ved tilmelding" in text
    assert "registration:" not in page.text and "kind: event" not in page.text


async def test_the_pages_need_a_session(desk: Desk) -> None:
    async with desk.client() as client:
        for path in ("/desk/viden", f"/desk/viden/{SLUG}", NEW):
            response = await client.get(path)
            assert response.status_code == 303 and response.headers["location"] == "/desk/log-ind"
            assert response.content == b""
        response = await client.post(NEW, files={"invitation": ("x.txt", b"x" * 100_000)})
        assert response.status_code == 303 and response.content == b""


# -- uploads --------------------------------------------------------------------------------------


def _docx(text: str, folder: Path) -> bytes:
    return write_docx(text, folder / "invitation.docx").read_bytes()


def _pdf(text: str, folder: Path) -> bytes:
    return write_pdf(text, folder / "invitation.pdf").read_bytes()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("invitation.txt", lambda text, folder: text.encode("utf-8")),
        ("invitation.md", lambda text, folder: as_markdown(text).encode("utf-8")),
        ("invitation.html", lambda text, folder: as_html(text).encode("utf-8")),
        ("invitation.docx", _docx),
        ("invitation.pdf", _pdf),
    ],
)
async def test_an_invitation_in_each_format_becomes_a_form_beside_its_lines(
    desk: Desk, tmp_path: Path, name: str, make: object
) -> None:
    text = invitation()
    data = make(text, tmp_path)  # type: ignore[operator]
    day = future_day()
    async with signed_in(desk) as client:
        address = await drafted(client, name, data, slug="temadag-moeder")
        page = await client.get(address)
    assert page.status_code == 200
    form = Form(page.text, "udkast")
    assert form.get("id") == "temadag-moeder"
    assert form.get("title") == f"Temadag om tilgængelige møder {day.year}"
    assert form.get("start") == f"{day} 10:00" and form.get("end") == f"{day} 15:00"
    assert form.get("venue.address") == "Hasserisvej 10, 9000 Aalborg"
    assert form.get("programme.2.title") == "Frokost" and form.get("programme.2.start") == "12:00"
    # The invitation's lines, numbered, and each field's source line linked to its line.
    lines = re.findall(r'<li id="kilde-(\d+)" value="\d+">(.*?)</li>', page.text)
    assert any("Frokost" in line for _number, line in lines)
    frokost = next(number for number, line in lines if line.endswith("12.00 Frokost"))
    # (a PDF's line also names its page: "side 1, linje 13")
    assert re.search(rf'<a href="#kilde-{frokost}">(side 1, )?linje {frokost}</a>', page.text)
    # Nothing is in the knowledge folder yet.
    assert not (knowledge(desk) / "temadag-moeder.yaml").exists()
    assert desk.services.kb.event("temadag-moeder") is None


async def test_pasted_text_is_drafted_too(desk: Desk) -> None:
    async with signed_in(desk) as client:
        page = await client.get(NEW)
        response = await client.post(
            NEW, data={"csrf": token_of(page.text), "text": invitation(), "id": ""}
        )
        assert response.status_code == 303
        form = Form((await client.get(response.headers["location"])).text, "udkast")
    assert (
        form.get(
            "id",
        )
        == f"temadag-om-tilgaengelige-moeder-{future_day().year}"
    )


def _big(path: Path, size: int) -> bytes:
    return b"%PDF-1.4\n" + b"\0" * (size - 9)


def _scanned_pdf(folder: Path) -> bytes:
    import io

    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (400, 200), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    path = folder / "scannet.pdf"
    page = canvas.Canvas(str(path))
    page.drawImage(ImageReader(buffer), 50, 500, width=400, height=200)
    page.save()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("tom.txt", lambda folder: b"", "Filen tom.txt er tom."),
        (
            "laast.pdf",
            lambda folder: write_pdf(invitation(), folder / "l.pdf", password="x").read_bytes(),
            "adgangskode",
        ),
        ("scannet.pdf", _scanned_pdf, "scannet"),
        ("regneark.xlsx", lambda folder: b"PK\x03\x04 not an invitation", "en anden slags"),
        ("stor.pdf", lambda folder: _big(folder, MAX_BYTES + 1000), "er for stor (20 MB)"),
    ],
)
async def test_a_broken_file_gets_the_drafting_sentence_on_the_page(
    desk: Desk, tmp_path: Path, name: str, make: object, says: str
) -> None:
    data = make(tmp_path)  # type: ignore[operator]
    # The sentence is the one 'knowledge draft FILE' says for the same file.
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ReadError) as expected:
        read_path(tmp_path / name)
    sentence = expected.value.say("da")
    assert says in sentence
    async with signed_in(desk) as client:
        response = await upload(client, name, data)
    assert response.status_code == 400
    assert problems(response.text) == [sentence]
    assert '<a href="#f-invitation">' in response.text  # the summary leads to the field
    assert 'aria-invalid="true"' in response.text
    assert "Traceback" not in response.text


async def test_a_file_far_over_the_limit_is_refused_unread(desk: Desk) -> None:
    async with signed_in(desk) as client:
        page = await client.get(NEW)
        response = await client.post(
            NEW,
            data={"csrf": token_of(page.text)},
            files={"invitation": ("kaempe.pdf", b"%PDF" + b"\0" * (50 * 1024 * 1024))},
        )
    assert response.status_code == 413
    assert "Filen er for stor: botten læser invitationer på op til 20 MB." in response.text
    # Other requests keep the web server's own limit.
    async with desk.client() as client:
        chat = await client.post("/chat/x", content=b"x" * 100_000)
    assert chat.status_code == 413


async def test_nothing_chosen_and_a_bad_id_are_said_at_their_fields(desk: Desk) -> None:
    async with signed_in(desk) as client:
        page = await client.get(NEW)
        response = await client.post(
            NEW, data={"csrf": token_of(page.text), "id": "Temadag 2027", "text": " "}
        )
    assert response.status_code == 400
    said = problems(response.text)
    assert "Vælg invitationens fil, eller indsæt dens tekst." in said
    assert any("'Temadag 2027' må kun have små bogstaver" in p for p in said), said
    assert '<a href="#f-id">' in response.text and '<a href="#f-invitation">' in response.text


async def test_the_forms_need_their_token(desk: Desk) -> None:
    async with signed_in(desk) as client:
        response = await client.post(NEW, data={"text": invitation()})
        assert response.status_code == 403
        address = await drafted(client, "i.txt", invitation().encode())
        before = draft_text(desk, address)
        page = await client.get(address)
        form = Form(page.text, "udkast")
        fields = [(k, v) for k, v in form.filled(title="Noget andet") if k != "csrf"]
        response = await client.post(address, data=as_data([*fields, ("action", "save")]))
        assert response.status_code == 403
        assert draft_text(desk, address) == before


# -- the draft form ------------------------------------------------------------------------------


async def test_what_is_unsure_is_marked_in_words_and_can_be_checked_off(desk: Desk) -> None:
    # The date without its year: the draft sets the year from the weekday, and says so.
    day = future_day()
    said = fmt_date(day, "da").capitalize()
    text = invitation(day).replace(said, said.removesuffix(f" {day.year}"))
    async with signed_in(desk) as client:
        address = await drafted(client, "uden-aar.txt", text.encode())
        page = await client.get(address)
        assert re.search(r'<div class="field is-unsure">\s*<label for="f-start">', page.text)
        unsure = re.search(r'<p class="unsure" id="f-start-unsure">(.*?)</p>', page.text, re.S)
        assert unsure is not None and "Usikkert:" in unsure.group(1)
        assert "kilden giver intet årstal" in _text(unsure.group(1))
        field = re.search(r'<input[^>]*id="f-start"[^>]*>', page.text)
        assert field is not None and "f-start-unsure" in field.group(0)  # read with the field
        assert "USIKKER" in draft_text(desk, address)
        # Checked against the invitation: the mark goes, the value stays.
        response = await post_form(client, address, checked="start")
        assert response.status_code == 303
        saved = draft_text(desk, address)
        start_comments = saved.split("\nstart:")[0].rsplit("\nend:", 1)[0].splitlines()[-4:]
        assert not any("USIKKER" in line for line in start_comments)
        assert f"start: {day} 10:00" in saved
        page = await client.get(address)
    assert 'id="f-start-unsure"' not in page.text


def knowledge_check(tmp_path: Path, name: str, text: str) -> list[str]:
    """What 'python -m bot knowledge check' says about a folder with this one file."""
    folder = tmp_path / f"check-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    checked = run_bot("knowledge", "check", "--dir", str(folder))
    assert checked.returncode == 2, checked.stdout
    return checked.stderr.strip().splitlines()[:-1]  # the last line counts them


async def test_the_check_says_what_knowledge_check_says_and_nothing_is_written(
    desk: Desk, tmp_path: Path
) -> None:
    path = knowledge(desk) / f"{SLUG}.yaml"
    original = path.read_text(encoding="utf-8")
    event = desk.services.kb.event(SLUG)
    assert event is not None
    day = event.start.date()
    async with signed_in(desk) as client:
        page = await client.get(f"/desk/viden/{SLUG}")
        response = await client.post(f"/desk/viden/{SLUG}/ret", data={"csrf": token_of(page.text)})
        assert response.status_code == 303
        address = response.headers["location"]
        # Two mistakes in fields: a number that is not one, a time that is not one.
        response = await post_form(
            client,
            address,
            registration__capacity="mange",
            programme__0__start="10.3x",
            programme__0__title="Velkomst",
        )
        assert response.status_code == 303
        page = await client.get(response.headers["location"])
        said = problems(page.text)
        assert said == knowledge_check(tmp_path, path.name, draft_text(desk, address))
        assert len(said) == 2 and "(registration.capacity): skal være et helt tal" in said[0]
        # Each problem leads to its field, and is said there too, with the field marked.
        assert '<a href="#f-registration-capacity">' in page.text
        assert '<a href="#f-programme-0-start">' in page.text
        at_field = re.search(
            r'<p class="problem" id="f-registration-capacity-problem">(.*?)</p>', page.text
        )
        assert at_field is not None and _text(at_field.group(1)) == "Fejl: skal være et helt tal"
        marked = re.search(r'<input[^>]*id="f-registration-capacity"[^>]*>', page.text)
        assert marked is not None and 'aria-invalid="true"' in marked.group(0)
        published = await post_form(client, address, action="publish")
        assert published.status_code == 422
        assert "Ikke udgivet: filen har fejl." in published.text
        assert path.read_text(encoding="utf-8") == original  # nothing written while invalid
        # Fixed, and a mistake about the event as a whole: it ends before it begins.
        response = await post_form(
            client,
            address,
            registration__capacity="80",
            programme__0__start="10:30",
            end=f"{day} 09:00",
        )
        page = await client.get(response.headers["location"])
        said = problems(page.text)
        assert said == knowledge_check(tmp_path, path.name, draft_text(desk, address))
        assert len(said) == 1 and said[0].endswith("slut skal være efter start"), said
        assert '<a href="#f-end">' in page.text
        assert path.read_text(encoding="utf-8") == original
        # Fixed: the check finds nothing, and it is published.
        response = await post_form(client, address, end=f"{day} 15:00")
        page = await client.get(response.headers["location"])
        assert problems(page.text) == []
        assert "Kontrollen finder ingen fejl: filen kan udgives." in page.text
        published = await post_form(client, address, action="publish")
        assert published.status_code == 303
    assert "capacity: 80" in path.read_text(encoding="utf-8")
    assert load_knowledge(knowledge(desk)).event(SLUG).registration.capacity == 80  # type: ignore[union-attr]


async def test_a_question_is_answered_from_the_unpublished_draft(desk: Desk) -> None:
    async with signed_in(desk) as client:
        address = await drafted(client, "i.txt", invitation().encode(), slug="temadag-moeder")
        response = await post_form(
            client, address, action="try", question="Hvornår er der frokost?"
        )
    assert response.status_code == 200
    answer = re.search(r'<div class="answer" id="svar".*?</div>', response.text, re.S)
    assert answer is not None, response.text
    said = _text(answer.group(0))
    assert "Du spurgte: Hvornår er der frokost?" in said
    assert "Botten ville svare:" in said and "12.00" in said
    # Asked of the draft only: the running bot does not know the event yet.
    assert desk.services.kb.event("temadag-moeder") is None
    assert not (knowledge(desk) / "temadag-moeder.yaml").exists()
    live = desk.services.answerer.answer("Hvornår er der frokost?", "temadag-moeder", "da", now())
    assert "12.00" not in live.text


# -- publishing ----------------------------------------------------------------------------------


async def test_publishing_writes_the_file_with_its_comments_and_the_bot_answers_at_once(
    desk: Desk,
) -> None:
    async with signed_in(desk) as client:
        address = await drafted(client, "invitation.txt", invitation().encode(), "temadag-moeder")
        drafted_text = draft_text(desk, address)
        response = await post_form(client, address, action="publish", audience="Handicaprådene")
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/desk/viden/temadag-moeder?udgivet"
        page = await client.get(response.headers["location"])
        gone = await client.get(address)
    assert "Udgivet. Botten svarer nu ud fra den nye udgave" in page.text
    written = (knowledge(desk) / "temadag-moeder.yaml").read_text(encoding="utf-8")
    # Readable YAML with the draft's comments kept: every source line is still there.
    for comment in re.findall(r"^\s*# linje \d+: .*$", drafted_text, re.M):
        assert comment in written.splitlines()
    # A field the invitation did not give stands under the draft's note saying so.
    lines = written.splitlines()
    at = lines.index("audience: Handicaprådene")
    assert lines[at - 1] == "# Kilden nævner ikke hvem arrangementet er for."
    assert "tjekket af: Anne Sekretær" in written
    # It loads as the bot loads it, and the running bot answers from it.
    kb = load_knowledge(knowledge(desk))
    assert kb.event("temadag-moeder") is not None
    assert desk.services.kb.event("temadag-moeder") is not None
    answer = desk.services.answerer.answer("Hvornår er der frokost?", "temadag-moeder", "da", now())
    assert "12.00" in answer.text and not answer.escalate
    # No temporary file is left, and the draft is gone.
    assert sorted(p.name for p in knowledge(desk).iterdir()) == sorted(
        [f"{SLUG}.yaml", "temadag-moeder.yaml"]
    )
    assert gone.status_code == 404
    trail = await desk.accounts.trail(5)
    assert (trail[0].staff_name, trail[0].action, trail[0].subject) == (
        "Anne Sekretær",
        "knowledge_published",
        "event:temadag-moeder",
    )


async def test_publishing_never_writes_over_another_events_file(desk: Desk) -> None:
    path = knowledge(desk) / f"{SLUG}.yaml"
    original = path.read_text(encoding="utf-8")
    async with signed_in(desk) as client:
        address = await drafted(client, "i.txt", invitation().encode(), slug=SLUG)
        response = await post_form(client, address, action="publish")
        assert response.status_code == 422
        said = problems(response.text)
        assert said and f"Der er allerede en fil med navnet {SLUG}.yaml i videnmappen" in said[0]
        assert path.read_text(encoding="utf-8") == original
        # Another id that another file already uses: the check's own sentence.
        response = await post_form(client, address, action="publish", id="et-nyt-navn")
        assert response.status_code == 303
    assert path.read_text(encoding="utf-8") == original
    assert (knowledge(desk) / "et-nyt-navn.yaml").exists()


async def test_an_edit_of_a_file_changed_meanwhile_is_not_published(desk: Desk) -> None:
    path = knowledge(desk) / f"{SLUG}.yaml"
    async with signed_in(desk) as client:
        page = await client.get(f"/desk/viden/{SLUG}")
        response = await client.post(f"/desk/viden/{SLUG}/ret", data={"csrf": token_of(page.text)})
        address = response.headers["location"]
        # Someone edits the file on the server meanwhile.
        changed = path.read_text(encoding="utf-8").replace("Europa Plads 4", "Europa Plads 6")
        path.write_text(changed, encoding="utf-8")
        response = await post_form(client, address, action="publish", venue__name="Et andet sted")
    assert response.status_code == 409
    assert "blev ændret af en anden, efter du begyndte" in response.text
    assert path.read_text(encoding="utf-8") == changed


async def test_an_edit_changes_only_what_was_changed(desk: Desk) -> None:
    path = knowledge(desk) / f"{SLUG}.yaml"
    path.write_text(
        "# Temadagen (skrevet i hånden)\n" + path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    before = path.read_text(encoding="utf-8").splitlines()
    async with signed_in(desk) as client:
        page = await client.get(f"/desk/viden/{SLUG}")
        response = await client.post(f"/desk/viden/{SLUG}/ret", data={"csrf": token_of(page.text)})
        address = response.headers["location"]
        form = Form((await client.get(address)).text, "udkast")
        assert form.get("id") == SLUG and "readonly" in (await client.get(address)).text
        response = await post_form(
            client, address, action="publish", organiser="KKR Nordjylland", id="forsoeg"
        )
        assert response.status_code == 303, response.text
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("organiser: Sekretariat for Nordjysk Socialaftale", "organiser: KKR Nordjylland")
    ]


async def test_the_venues_accessibility_is_written_read_and_answered(desk: Desk) -> None:
    path = knowledge(desk) / f"{SLUG}.yaml"
    async with signed_in(desk) as client:
        page = await client.get(f"/desk/viden/{SLUG}")
        response = await client.post(f"/desk/viden/{SLUG}/ret", data={"csrf": token_of(page.text)})
        address = response.headers["location"]
        response = await post_form(
            client,
            address,
            action="publish",
            venue__access__accessible_toilet="ja",
            venue__access__public_transport="400 m fra Aalborg Station; bus 2 stopper ved døren",
        )
        assert response.status_code == 303, response.text
        readable = _text((await client.get(f"/desk/viden/{SLUG}")).text)
        page = await client.get(f"/desk/viden/{SLUG}")
        response = await client.post(f"/desk/viden/{SLUG}/ret", data={"csrf": token_of(page.text)})
        form = Form((await client.get(response.headers["location"])).text, "udkast")
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["venue"]["access"] == {
        "accessible_toilet": "ja",
        "public_transport": "400 m fra Aalborg Station; bus 2 stopper ved døren",
    }
    # The form shows what the file says, and what it leaves out stays empty.
    assert form.get("venue.access.accessible_toilet") == "ja"
    assert form.get("venue.access.quiet_room") == ""
    assert "Handicaptoilet Ja" in readable
    assert "Offentlig transport 400 m fra Aalborg Station" in readable
    answer = desk.services.answerer.answer("Er der handicaptoilet?", SLUG, "da", now())
    assert (answer.text, answer.escalate) == ("Ja, der er handicaptoilet.", False)
    answer = desk.services.answerer.answer("Er der et stille rum?", SLUG, "da", now())
    assert answer.escalate, answer.text


async def test_a_changed_event_offers_the_notice_to_its_participants(desk: Desk) -> None:
    services = desk.services
    # The running bot has seen the event (what participants know), and one has signed up.
    await services.changes.check(services.curated, services.clock())
    event = services.kb.event(SLUG)
    assert event is not None
    await services.registrations.signup(
        event,
        SignupForm(name="Tove", email="tove@a.dk", organisation="Rådet", session="1"),
        channel="email",
        now=services.clock(),
    )
    async with signed_in(desk) as client:
        page = await client.get(f"/desk/viden/{SLUG}")
        assert "Skal deltagerne have besked" not in page.text
        response = await client.post(f"/desk/viden/{SLUG}/ret", data={"csrf": token_of(page.text)})
        response = await post_form(
            client, response.headers["location"], action="publish", start=f"{event.day} 11:00"
        )
        assert response.status_code == 303
        page = await client.get(response.headers["location"])
        text = _text(page.text)
        assert "Skal deltagerne have besked om ændringen?" in text
        assert "Tilmeldte nu: 1" in text
        offer = Form(
            page.text,
            action=re.search(r'action="(/desk/viden/[^"]+/aendring/\d+)"', page.text).group(1),
        )  # type: ignore[union-attr]
        response = await client.post(
            offer.action, data=as_data([*offer.fields, ("action", "send")])
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/desk/viden/{SLUG}?sendt=1"
        page = await client.get(response.headers["location"])
        assert "Beskeden om ændringen er på vej til 1 deltager(e)." in page.text
        assert "Skal deltagerne have besked" not in page.text
        # Deciding again is refused politely: it was decided.
        again = await client.post(offer.action, data=as_data([*offer.fields, ("action", "send")]))
        assert again.status_code == 409
    async with services.db.session() as session:
        mails = list(
            await session.scalars(select(OutboxMail).where(OutboxMail.to_address == "tove@a.dk"))
        )
    assert any("11.00" in m.body and "ændring" in m.body.casefold() for m in mails), [
        m.body for m in mails
    ]
    actions = [(e.staff_name, e.action, e.subject) for e in await desk.accounts.trail(5)]
    assert actions[0][:2] == ("Anne Sekretær", "change_sent")
    assert actions[1] == ("Anne Sekretær", "knowledge_published", f"event:{SLUG}")


async def test_a_stale_form_saves_nothing(desk: Desk) -> None:
    async with signed_in(desk) as client:
        address = await drafted(client, "i.txt", invitation().encode())
        page = await client.get(address)
        old = Form(page.text, "udkast")
        assert (await post_form(client, address, title="Første rettelse")).status_code == 303
        response = await client.post(
            address, data=as_data([*old.filled(title="Anden rettelse"), ("action", "save")])
        )
    assert response.status_code == 409
    assert "ændret i et andet vindue" in response.text
    assert "Første rettelse" in draft_text(desk, address)
    assert "Anden rettelse" not in draft_text(desk, address)


async def test_items_are_added_and_removed(desk: Desk) -> None:
    async with signed_in(desk) as client:
        address = await drafted(client, "i.txt", invitation().encode(), "temadag-moeder")
        page = await client.get(address)
        form = Form(page.text, "udkast")
        count = len(yaml.safe_load(draft_text(desk, address))["programme"])
        fields = form.filled(
            **{
                f"programme__{count}__start": "15:00",
                f"programme__{count}__title": "Kaffe og kage",
                f"programme__{count}__kind": "break",
            }
        )
        fields.append(("remove", "programme.2"))
        response = await client.post(address, data=as_data([*fields, ("action", "save")]))
        assert response.status_code == 303
    data = yaml.safe_load(draft_text(desk, address))
    titles = [item["title"] for item in data["programme"]]
    assert "Frokost" not in titles and titles[-1] == "Kaffe og kage"
    assert data["programme"][-1] == {"start": "15:00", "title": "Kaffe og kage", "kind": "break"}
    assert "# linje" in draft_text(desk, address)


async def test_a_draft_can_be_deleted(desk: Desk) -> None:
    async with signed_in(desk) as client:
        address = await drafted(client, "i.txt", invitation().encode())
        listing = await client.get("/desk/viden")
        assert address in listing.text
        page = await client.get(address)
        discard = Form(page.text, action=f"{address}/kasser")
        response = await client.post(discard.action, data=as_data(discard.fields))
        assert response.status_code == 303
        assert response.headers["location"] == "/desk/viden?kasseret"
        assert (await client.get(address)).status_code == 404
        listing = await client.get(response.headers["location"])
    assert address not in listing.text
    assert "Udkastet er slettet" in listing.text


async def test_a_background_source_is_read_and_changed_in_its_own_form(desk: Desk) -> None:
    folder = knowledge(desk)
    source = KNOWLEDGE / "nordjysk-socialaftale.yaml"
    (folder / source.name).write_bytes(source.read_bytes())
    # The running bot loads an edited folder by itself (the knowledge watch); here at once.
    await desk.services.use_knowledge(load_knowledge(folder))
    before = (folder / source.name).read_text(encoding="utf-8").splitlines()
    async with signed_in(desk) as client:
        listing = await client.get("/desk/viden")
        assert '<h2 id="baggrund">Baggrund</h2>' in listing.text
        page = await client.get("/desk/viden/nordjysk-socialaftale")
        assert page.status_code == 200
        text = _text(page.text)
        assert "Arrangør KKR Nordjylland" in text and "Fakta" in text
        assert "<dt>Hvornår</dt>" not in page.text
        response = await client.post(
            "/desk/viden/nordjysk-socialaftale/ret", data={"csrf": token_of(page.text)}
        )
        address = response.headers["location"]
        form = Form((await client.get(address)).text, "udkast")
        assert form.get("start") is None and form.get("facts.0.topic") == "samarbejdet"
        response = await post_form(
            client, address, action="publish", facts__0__topic="samarbejdet i Nordjylland"
        )
        assert response.status_code == 303, response.text
    after = (folder / source.name).read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("  - topic: samarbejdet", "  - topic: samarbejdet i Nordjylland")
    ]


async def test_an_id_the_desk_uses_for_its_own_pages_is_refused(desk: Desk) -> None:
    async with signed_in(desk) as client:
        address = await drafted(client, "i.txt", invitation().encode(), slug="ny")
        response = await post_form(client, address, action="publish")
    assert response.status_code == 422
    assert "Det korte navn (id) 'ny' er et ord, skrivebordet bruger" in problems(response.text)[0]
    assert not (knowledge(desk) / "ny.yaml").exists()
