"""How to sign up: the deadline, how and where, the price, the places, choosing a session.

"Tilmelding senest den 12. april 2024", "Sidste frist for tilmelding er 24/9-2019",
"Tilmeldingsfristen er den 22. oktober" (its year from the event's, marked unsure), "Register by 1
March 2024"; "Deltagelse i konferencen er gratis", "Pris: 1.200 kr. ekskl. moms", "Fee: DKK 1,200"
(an amount is a price only on a line that speaks of price or fee, or under such a heading, so
"transport for kr. 50,-" is none). Free for some and an amount for others ("gratis for beboere ...
For øvrige deltagere koster dagen 600 kr."), or several amounts, give the first amount with the
source's words, marked; free with a fee for not coming ("gratis, men udeblivelse faktureres med
500 kr.") is not simply free: no amount, the words as the note, marked. "max 80 deltagere",
"begrænset til 60 pladser"; "vælge hvilken session ... i forbindelse med tilmelding" (at signup),
"På konferencedagen vælger du selv den workshop" (on the day).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.clock import at
from bot.i18n import N_
from bot.knowledge.drafting.dates import find_dates, find_times, year_before
from bot.knowledge.drafting.event import DEADLINE_WORDS, Section
from bot.knowledge.drafting.model import Found, Note, PriceDraft, RegistrationDraft
from bot.knowledge.drafting.text import Entry, Paragraph, paragraphs, sentences

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s)>\]]+|www\.[\w-]+(?:\.[\w-]+)+[^\s)>\]]*")
_SIGNUP = re.compile(r"(?i)\b(?:tilmeld\w*|register|registration|sign(?:\s|-)?up|rsvp|book\w*)\b")
_FREE = re.compile(
    r"(?i)\b(?:er\s+gratis|gratis\s+at\s+deltage|gratis\s+deltagelse|gratis\b|uden\s+beregning|"
    r"ingen\s+deltagerbetaling|free\s+of\s+charge|is\s+free|no\s+fee|free\s+admission|"
    r"kvit\s+og\s+frit|ingen\s+(?:deltagergebyr|betaling)|"
    r"no\s+(?:participation|registration|conference|attendance)\s+fee|free\s+to\s+attend)"
)
_PRICE_WORDS = re.compile(
    r"(?i)\b(?:pris|prisen|deltagerpris|deltagergebyr|gebyr|deltagerbetaling|deltagelse\s+koster|"
    r"koster|betaling|fee|price|cost|costs|participation)\b"
)
# "1.200 kr.", "kr. 1.200,50", "DKK 1,200" (the English thousands comma), "450,-"
_AMOUNT = re.compile(
    r"(?i)(?:(?:kr\.?|dkk)\s*(?P<a>\d{1,3}(?:[.,]\d{3})+(?!\d)(?:,\d{1,2})?|\d+(?:,\d{1,2})?)"
    r"(?:,-)?|"
    r"(?P<b>\d{1,3}(?:[.\s]\d{3})*(?:,\d{1,2})?|\d+)(?:,-)?\s*(?:kr\.?|kroner|dkk)\b)"
)
# what is paid for not coming is no price: "gratis, men udeblivelse faktureres med 500 kr."
_NO_SHOW = re.compile(
    r"(?i)\b(?:udeblivelse|udebliver|udeblevne|afbud|afmelding|framelding|no-shows?|"
    r"cancel\w*|(?:do|does)\s+not\s+(?:show|attend)|ikke\s+møder\s+op)\b"
)
# free for some, and so not for others: "gratis for beboere", "Free for members"
_FREE_FOR_SOME = re.compile(
    r"(?i)\b(?:gratis|free(?:\s+of\s+charge)?)\s+(?:for|til)\s+(?!alle\b|all\b|everyone\b)\w"
)
_PRICE_HEADING = re.compile(
    r"(?i)\b(?:pris|priser|prisen|deltagerpris|deltagerbetaling|deltagergebyr|betaling|price|"
    r"prices|fee|fees|cost|costs)\b"
)
# a price label and "gratis" as its value: "Pris: Gratis", "Pris<tab>Gratis – ..."
_PRICE_LABEL_FREE = re.compile(
    r"(?i)^\s*(?:pris|deltagerpris|deltagerbetaling|deltagergebyr|price|fee)\s*(?::|\t)\s*"
    r"(?:gratis|free)\b"
)
_NOT_PRICE = re.compile(r"(?i)\b(?:transport|kørsel|parkering|bus|taxa|overnatning|middag)\b")
_CAPACITY = re.compile(
    r"(?i)(?:max(?:imalt|imum)?\.?|maks\.?|højst|begrænset\s+til|plads\s+til|op\s+til|limited\s+to|"
    r"up\s+to)\s+(?P<n>\d{1,4})\s+(?:deltagere|pladser|personer|tilmeldte|participants|places|"
    r"seats|people)|(?P<m>\d{1,4})\s+(?:pladser|places|seats)\b"
)
_AT_SIGNUP = re.compile(
    r"(?i)(?:(?:ved|i\s+forbindelse\s+med|når\s+du\s+tilmelder\s+dig|sammen\s+med)\s+"
    r"(?:din\s+)?(?:tilmelding\w*)[^.]{0,120}\bvælge|\bvælge[^.]{0,120}\b(?:ved|i\s+forbindelse\s+med)"
    r"\s+(?:din\s+)?tilmelding|vælges\s+ved\s+tilmelding|angiv\w*\s+[^.]{0,40}ved\s+tilmelding|"
    r"when\s+(?:you\s+)?regist\w+[^.]{0,80}\bchoose|choose[^.]{0,80}when\s+(?:you\s+)?regist|"
    r"at\s+registration)"
)
_ON_THE_DAY = re.compile(
    r"(?i)(?:på\s+(?:konference|tema)?dagen\s+vælger|vælges\s+på\s+dagen|vælger\s+du\s+(?:selv\s+)?"
    r"[^.]{0,60}\bpå\s+dagen|on\s+the\s+day)"
)


def find_registration(
    entries: list[Entry], labelled: list[Section], event_day: date | None
) -> tuple[RegistrationDraft, set[int]]:
    registration = RegistrationDraft()
    used: set[int] = set()
    signup_lines = {i for s in labelled if s.kind == "registration" for i in s.indexes}
    # a deadline said of signing up wins over an earlier one said of something else ("melde
    # dig senest den 1. september" to stand for election, in a newsletter)
    of_signup = False
    deadline_at: int | None = None
    for i, entry in enumerate(entries):
        text = entry.text
        if not text:
            continue
        if (registration.deadline is None or not of_signup) and (
            DEADLINE_WORDS.search(text) or (i in signup_lines and find_dates(text))
        ):
            deadline = _deadline(text, event_day, entry)
            signing = bool(_SIGNUP.search(text)) or i in signup_lines
            if deadline is not None and (registration.deadline is None or signing):
                registration.deadline = deadline
                of_signup = signing
                if deadline_at is not None:
                    used.discard(deadline_at)
                deadline_at = i
                used.add(i)
        signup = bool(_SIGNUP.search(text)) or i in signup_lines
        if signup or i in signup_lines:
            for k in (i, i + 1, i + 2):
                if k >= len(entries) or (k > i and not (k in signup_lines or _near(entries, i, k))):
                    break
                match = _EMAIL.search(entries[k].text)
                if registration.email is None and match and k <= i + 1:
                    registration.email = Found(match.group(0).rstrip("."), entries[k].line)
                if registration.url is None and (match := _URL.search(entries[k].text)):
                    registration.url = Found(match.group(0).rstrip(".,"), entries[k].line)
    for paragraph in paragraphs(entries):
        text = paragraph.text
        if re.match(r"(?i)^(?:kilde|source)\s*:", text):
            continue
        if registration.price is None:
            registration.price = _price(paragraph, _under_price_heading(entries, paragraph))
        if registration.capacity is None and (match := _CAPACITY.search(text)):
            registration.capacity = Found(
                int(match["n"] or match["m"]), paragraph.line_at(match.start())
            )
        if registration.choose_session is None:
            if match := _AT_SIGNUP.search(text):
                registration.choose_session = Found("at_signup", paragraph.line_at(match.start()))
            elif match := _ON_THE_DAY.search(text):
                registration.choose_session = Found("on_the_day", paragraph.line_at(match.start()))
        if registration.how is None or len(registration.how.value.split()) < 6:
            for sentence in sentences(text):
                if (
                    _SIGNUP.search(sentence)
                    and re.search(
                        r"(?i)\b(?:sker|skal ske|via|på|til|ved|hos|kræver|nødvendig|online|link|"
                        r"mail|e-mail|telefon|formular|through|via|at|by)\b",
                        sentence,
                    )
                    and not re.match(r"(?i)^tilmelding\s*:?$", sentence)
                    and len(sentence.split()) >= 4
                ):
                    if registration.how is None or len(sentence) > len(registration.how.value):
                        last = paragraph.entries[-1]
                        if sentence.endswith(":") and last in entries:
                            following = _how(entries, entries.index(last))
                            sentence = following or sentence
                        registration.how = Found(
                            sentence, paragraph.line_at(text.find(sentence[:20]))
                        )
                        used.update(entries.index(e) for e in paragraph.entries)
                    break
    return registration, used


def _near(entries: list[Entry], i: int, k: int) -> bool:
    return all(not entries[j].blank for j in range(i + 1, k + 1)) or (
        k == i + 2 and entries[i].text.rstrip().endswith(":")
    )


def _how(entries: list[Entry], i: int) -> str | None:
    """The sentence that tells how to sign up, with a line it runs on to ("... ved dette link:")."""
    text = entries[i].text.strip()
    picked = [s for s in sentences(text) if _SIGNUP.search(s)] or [text]
    how = " ".join(picked[:2])
    if how.endswith((":", " til", " to")) and i + 1 < len(entries):
        j = i + 1
        while j < len(entries) and entries[j].blank and j < i + 4:
            j += 1
        if j < len(entries):
            how = f"{how} {entries[j].text.strip()}"
    if len(how.split()) < 3:
        return None
    return how


def _deadline(text: str, event_day: date | None, entry: Entry) -> Found[date | datetime] | None:
    for mention in find_dates(text):
        clause = text[max(0, mention.start - 80) : mention.end + 10]
        if not DEADLINE_WORDS.search(clause) and not _SIGNUP.search(clause):
            continue
        unsure: Note | None = None
        day = mention.exact
        if day is None and mention.year is None and event_day is not None:
            inferred = year_before(mention, event_day)
            if inferred is not None:
                day = inferred.value
                unsure = Note.of(
                    N_(
                        "the source gives no year for the deadline; {year} is set because it "
                        "comes before the event on {event}"
                    ),
                    year=day.year,
                    event=event_day.isoformat(),
                )
        if day is None:
            continue
        after = text[mention.end : mention.end + 25]
        times = [t for t in find_times(after) if t.begin < 12]
        if times and times[0].end is None:
            return Found(at(day, times[0].start), entry.line, unsure)
        return Found(day, entry.line, unsure)
    return None


def _under_price_heading(entries: list[Entry], paragraph: Paragraph) -> bool:
    """The paragraph stands under a heading about the price ("Pris og tilmelding", "Fees and
    registration")."""
    first = paragraph.entries[0]
    index = next((i for i, e in enumerate(entries) if e is first), 0)
    above = next((e for e in reversed(entries[:index]) if not e.blank), None)
    if above is None or (index and not entries[index - 1].blank and not above.heading):
        return False
    text = above.text.strip().rstrip(":")
    short = len(text.split()) <= 6 and not text.endswith((".", "?", "!"))
    return short and bool(_PRICE_HEADING.search(text))


def _price(paragraph: Paragraph, under_heading: bool = False) -> PriceDraft | None:
    text = paragraph.text
    labelled = under_heading or re.match(
        r"(?i)^\s*(?:pris|priser|deltagerpris|deltagerbetaling|fee|fees|price)\b", text
    )
    parts = sentences(text)
    priced = [p for p in parts if _AMOUNT.search(p) and (labelled or not _NOT_PRICE.search(p))]
    values = list(
        dict.fromkeys(v for p in priced for m in _AMOUNT.finditer(p) if (v := _amount(m)))
    )
    free = [
        p for p in parts if re.search(r"(?i)\bgratis\b|\bfree\b", p) and not _NOT_PRICE.search(p)
    ]
    said = " ".join(p for p in parts if p in free or p in priced)
    if free and values and _NO_SHOW.search(" ".join(priced)):
        # free to take part, with a fee for not coming: not simply free; the words say it
        return PriceDraft(
            False,
            None,
            said,
            paragraph.line_at(text.find(free[0])),
            Note.of(
                N_(
                    "the source says it is free, and names a fee for not coming; the note says "
                    "both: check whether free: true fits"
                )
            ),
        )
    some = any(_FREE_FOR_SOME.search(p) for p in free)
    if values and ((free and (labelled or some)) or (len(values) > 1 and labelled)):
        # "Pris: Gratis for medlemmer. Andre: 150 kr.", "Medlemmer: 150 kr. Andre: 300 kr.": the
        # first amount is given, and the note keeps them all
        return PriceDraft(
            False,
            values[0],
            said,
            paragraph.line_at(text.find(free[0] if free else priced[0])),
            Note.of(N_("the price depends on who takes part; the amount is for those who pay")),
        )
    for sentence in parts:
        line = paragraph.line_at(paragraph.text.find(sentence))
        if _FREE.search(sentence) and not _NOT_PRICE.search(sentence):
            # "Gratis" alone is the price only where it is said of taking part or stands as
            # the value of a price label ("Pris<tab>Gratis – der serveres en sandwich")
            if (
                re.search(r"(?i)\bgratis\b", sentence)
                and not re.search(
                    r"(?i)\b(?:deltag\w*|konferencen|temadagen|arrangementet|gratis\s*$|er gratis|"
                    r"adgang|entré|participation|attend\w*)\b",
                    sentence,
                )
                and not _PRICE_LABEL_FREE.match(sentence)
            ):
                continue
            return PriceDraft(True, None, sentence.strip(), line)
        labelled = re.match(
            r"(?i)^\s*(?:pris|deltagergebyr|deltagerpris|deltagerbetaling|fee|price)\b", sentence
        )
        if (_PRICE_WORDS.search(sentence) or under_heading) and (
            labelled or not _NOT_PRICE.search(sentence)
        ):
            match = _AMOUNT.search(sentence)
            if match and (value := _amount(match)) is not None:
                # "Deltagelse koster 0 kr.": free, in the source's words
                return PriceDraft(value == 0, value or None, sentence.strip(), line)
    return None


def _amount(match: re.Match[str]) -> float | None:
    raw = re.sub(r"[.,\s](?=\d{3}(?!\d))", "", match["a"] or match["b"]).replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None
