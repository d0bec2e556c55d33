"""Dates and clock times as Danish and English invitations write them.

Everything here is exact or says that it is not: a date is read only when its day and month are
written out, a year that the text does not give is inferred only from a weekday or a reference
date, and the inference always comes with the reason, so the draft can mark it ``USIKKER``.

Forms read (Danish): "31. maj 2024", "den 31. maj", "d. 3. februar", "Tirsdag den 29. november
2011", "10.-11. marts 2027", "10. og 11. marts", "24/9-2019", "31.05.2024", "2024-05-31", "24/9".
English: "31 May 2024", "Friday, 31 May 2024", "May 31, 2024", "31st May", "10–11 March 2027",
"March 10-11, 2027". Times: "11.00", "14:25", "kl. 9", "kl. 16.00–18.00", "12.00 - 12.30",
"14:25 - 14.40", "fra 11.00-14.30", "fra kl. 9.30 til kl. 15.", "kl. 9.30-15", "9.30am", "2 pm",
"9am–4pm"; a programme line's "10.15-11", "11-11.45", "ca. 14.45". An end hour without minutes is
read only where it is later the same day on the 24-hour clock ("11.45-1" is not: 13.00, or a
slip?), and "1-2.15" after lunch is read on the 12-hour clock and said to be (``twelve_hour``).
A digit next to one recognition could not read ("15.\ufffd0") gives no time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

MONTHS: dict[str, int] = {
    # Danish
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
    "oct": 10,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lørdag": 5, "søndag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "man": 0, "tirs": 1, "tir": 1, "ons": 2, "tors": 3, "tor": 3, "fre": 4,
    "lør": 5, "søn": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
WEEKDAY_NAMES_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

# Abbreviations are only taken with a dot or before a number, never as words of their own
# ("mar", "man", "tor", "sun" are also ordinary words).
_MONTH_WORDS = sorted(MONTHS, key=len, reverse=True)
_MONTH = r"(?P<month>" + "|".join(_MONTH_WORDS) + r")\b\.?"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b\.?,?\s+)"
_ANY_WEEKDAY = r"(?:" + "|".join(w for w in WEEKDAYS if len(w) > 4) + r")\b,?"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"
_DAY = r"(?P<day>[0-3]?\d)"
_DAY2 = r"(?P<day2>[0-3]?\d)"

# "Tirsdag den 29. november 2011", "den 10.-11. marts", "10. og 11. marts 2027", "31 May 2024"
_DAY_MONTH = re.compile(
    rf"(?<![\w.,/-]){_WEEKDAY}?(?:(?:den|d\.|the)\s+)?{_DAY}(?:\.|st|nd|rd|th)?"
    rf"(?:\s*(?:-|–|—|og|and|til|to)\s*(?:{_ANY_WEEKDAY}\s+)?(?:(?:den|d\.)\s+)?{_DAY2}"
    rf"(?:\.|st|nd|rd|th)?)?"
    rf"(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?",
    re.IGNORECASE,
)
# "May 31, 2024", "Friday, May 31", "March 10-11, 2027"
_MONTH_DAY = re.compile(
    rf"(?<![\w.,/-]){_WEEKDAY}?{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?"
    rf"(?:\s*(?:-|–|—)\s*{_DAY2}(?:st|nd|rd|th)?)?(?!\s*[.:]\d)(?![\d])(?:,?\s+{_YEAR})?",
    re.IGNORECASE,
)
# "24/9-2019", "31.05.2024", "31/5/2024"; and "24/9" (or "15/4." ending a sentence) with a slash
# but no year
_NUMERIC = re.compile(
    rf"(?<![\w.,/:-]){_WEEKDAY}?(?:(?:den|d\.)\s+)?{_DAY}\s*[./]\s*(?P<mon>[01]?\d)"
    rf"\s*[./-]\s*{_YEAR}(?![\d.:/]\d)",
    re.IGNORECASE,
)
_SLASHED = re.compile(
    rf"(?<![\w.,/:-]){_WEEKDAY}?(?:(?:den|d\.)\s+)?{_DAY}/(?P<mon>[01]?\d)(?![\d/:-]|\.\d)"
    # "Onsdag 10/6 2026": the year after a space
    r"(?:\s(?P<year>20\d\d)(?![\d.:,/-]\d|\d))?",
    re.IGNORECASE,
)
# "senest den 18.11.": day and month with dots and no year, only after "den" (no clock time)
_DOTTED = re.compile(
    rf"(?<![\w.,/:-]){_WEEKDAY}?(?:den|d\.)\s+{_DAY}\.(?P<mon>[01]?\d)\.(?![\d/:-]|\s*\d)",
    re.IGNORECASE,
)
_ISO = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d{2})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)(?![\d])")


@dataclass(frozen=True)
class DateMention:
    """A calendar date written in a text, with where it stands.

    ``year`` is None when the text gives none; ``weekday`` (0 = Monday) when it names one;
    ``last_day`` is the second day of a range such as "10.-11. marts".
    """

    day: int
    month: int
    year: int | None
    weekday: int | None
    start: int
    end: int
    last_day: int | None = None

    def on(self, year: int) -> date | None:
        """The date in a given year, or None where it does not exist (30 February)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None

    @property
    def exact(self) -> date | None:
        """The date when the text gives its year and it exists and fits its weekday."""
        if self.year is None:
            return None
        found = self.on(self.year)
        if found is None or (self.weekday is not None and found.weekday() != self.weekday):
            return None
        return found

    @property
    def contradicts_weekday(self) -> bool:
        """The text gives a year and a weekday that do not go together."""
        found = self.on(self.year) if self.year else None
        return found is not None and self.weekday is not None and found.weekday() != self.weekday


def _weekday(word: str | None) -> int | None:
    if not word:
        return None
    return WEEKDAYS.get(word.casefold().rstrip(".,"))


def _valid(day: int, month: int) -> bool:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def find_dates(text: str) -> list[DateMention]:
    """Every date in a text, in order, without overlaps; impossible ones are left out."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(mention: DateMention) -> None:
        if _valid(mention.day, mention.month) and free(mention.start, mention.end):
            found.append(mention)
            taken.append((mention.start, mention.end))

    for match in _ISO.finditer(text):
        add(
            DateMention(
                int(match["day"]), int(match["mon"]), int(match["year"]), None, *match.span()
            )
        )
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            month_word = match["month"].casefold().rstrip(".")
            if (
                len(month_word) <= 4
                and month_word not in ("maj", "juni", "juli", "may", "june")
                and "." not in match["month"]
                and not match["year"]
            ):
                continue  # an abbreviation counts with its dot or a year: "2 Jan-Marts" is none
            if (
                pattern is _MONTH_DAY
                and month_word in ("may", "mar", "jan", "dec", "sep")
                and not match["year"]
                and not match["month"][0].isupper()
            ):
                continue  # "may 5 of them" is no date; a capital letter or a year makes it one
            day2 = int(match["day2"]) if match["day2"] else None
            day = int(match["day"])
            if day2 is not None and day2 <= day:
                day2 = None
            add(
                DateMention(
                    day,
                    MONTHS[month_word],
                    int(match["year"]) if match["year"] else None,
                    _weekday(match["weekday"]),
                    *match.span(),
                    last_day=day2,
                )
            )
    for pattern in (_NUMERIC, _SLASHED, _DOTTED):
        for match in pattern.finditer(text):
            year = match.groupdict().get("year")
            add(
                DateMention(
                    int(match["day"]),
                    int(match["mon"]),
                    int(year) if year else None,
                    _weekday(match["weekday"]),
                    *match.span(),
                )
            )
    return _ranges(text, sorted(found, key=lambda m: m.start))


def _ranges(text: str, found: list[DateMention]) -> list[DateMention]:
    """Two days of one month written as a range, the year only with the second ("Onsdag den 4.
    november – torsdag den 5. november 2026"): one mention, as "4.-5. november 2026" is, so that
    the first day takes the second's year and the second is the last day. Where either weekday
    does not fit its date, they stay two."""
    merged: list[DateMention] = []
    for mention in found:
        first = merged[-1] if merged else None
        if (
            first is not None
            and first.year is None
            and mention.year is not None
            and first.last_day is None
            and mention.last_day is None
            and first.month == mention.month
            and first.day < mention.day
            and re.fullmatch(
                r"[\s*_]*(?:-|–|—|til|to|until)[\s*_]*", text[first.end : mention.start]
            )
        ):
            both = DateMention(
                first.day,
                first.month,
                mention.year,
                first.weekday,
                first.start,
                mention.end,
                last_day=mention.day,
            )
            if both.exact is not None and mention.exact is not None:
                merged[-1] = both
                continue
        merged.append(mention)
    return merged


def date_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in find_dates(text)]


# -- clock times --------------------------------------------------------------------------------


def _clock(i: str) -> str:
    """A clock time with named groups ending in ``i``: h/m (hours, minutes), b (hours alone
    before am/pm), ap (am/pm), o (hours alone after "kl.")."""
    meridiem = rf"(?:\s*(?P<ap{i}>a\.?m\.?|p\.?m\.?)(?![a-z]))?"
    exact = (
        rf"(?:(?:kl\.?|klokken|at)\s*)?(?P<h{i}>[01]?\d|2[0-4])"
        rf"(?:\s*[.:]\s*(?P<m{i}>[0-5]\d)|(?P<b{i}>(?=\s*[ap]\.?m)))(?!\d){meridiem}"
    )
    # "kl. 15." ends a sentence; "kl. 15.�0" is a time whose minutes were lost, not 15.00
    hour = rf"(?:kl\.?|klokken)\s*(?P<o{i}>[01]?\d|2[0-3])(?![\d:,\ufffd]|\.\S)"
    return rf"(?:{exact}|{hour})"


_DAY_WORD = "|".join(w for w in WEEKDAYS if len(w) > 4)
# "kl. 10.00 til fredag kl. 14.00": the end on another day of the event
_DASH = rf"\s*(?:-|–|—|til|to|until|till)\s*(?:(?P<endday>{_DAY_WORD})\s+)?"
# "kl. 9.30-15": an end hour without minutes after a start with them (``bare``)
_TIME_RANGE = re.compile(
    rf"(?<![\d.,/:])(?:fra\s+|from\s+)?{_clock('1')}"
    rf"(?:{_DASH}(?:{_clock('2')}|(?P<bare>[01]?\d|2[0-4])(?![\d:,\ufffd]|\.\S|\s*(?:min|%))))?"
    rf"(?![.,]\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeRange:
    """A clock time or a range of two, with where it stands in the text."""

    start: time
    end: time | None
    begin: int
    finish: int
    hour_only: bool = False  # "kl. 9": no minutes written
    end_weekday: int | None = None  # "til fredag kl. 14": the weekday the range ends on
    unread_end: str | None = None  # "11.45-1": a range whose end is not read with certainty
    twelve_hour: str | None = None  # "1-2.15": read on the 12-hour clock (13.00-14.15), unsure


def _to_time(hours: str | None, minutes: str | None, meridiem: str | None) -> time | None:
    if hours is None:
        return None
    h, m = int(hours), int(minutes or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        pm = meridiem.casefold().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    if h == 24 and m == 0:
        return None  # midnight as "24.00": no item starts then; read as unknown
    if h > 23 or m > 59:
        return None
    return time(h, m)


def _match_time(match: re.Match[str], index: str) -> tuple[time | None, bool]:
    if match[f"o{index}"] is not None:
        return _to_time(match[f"o{index}"], None, None), True
    hours = match[f"h{index}"]
    meridiem = match[f"ap{index}"]
    if match[f"b{index}"] is not None and not meridiem:
        return None, False
    return _to_time(hours, match[f"m{index}"], meridiem), False


# "kl. 9-12", "kl. 9 til 15": whole hours on both sides; "2-4 pm": the meridiem is for both
_HOUR_RANGE = re.compile(
    r"(?<![\d.,/:])(?:kl\.?|klokken)\s*(?P<a>[01]?\d|2[0-3])\s*(?:-|–|—|til)\s*(?:kl\.?\s*)?"
    r"(?P<b>[01]?\d|2[0-4])(?![\d\ufffd]|[.:,]\d)",
    re.IGNORECASE,
)
_MERIDIEM_RANGE = re.compile(
    r"(?<![\d.,/:])(?P<a>1[0-2]|0?[1-9])\s*(?:-|–|—|to)\s*(?P<b>1[0-2]|0?[1-9])\s*"
    r"(?P<ap>[ap])\.?m\b\.?",
    re.IGNORECASE,
)


def find_times(text: str, skip: list[tuple[int, int]] | None = None) -> list[TimeRange]:
    """Every clock time and range in a text, outside dates (and the spans in ``skip``)."""
    masked = list(text)

    def mask(start: int, end: int) -> None:
        for i in range(start, min(end, len(masked))):
            masked[i] = "#"

    for start, end in [*date_spans(text), *(skip or [])]:
        mask(start, end)
    found: list[TimeRange] = []
    for match in _HOUR_RANGE.finditer("".join(masked)):
        opens, closes = int(match["a"]), int(match["b"])
        if opens < closes < 24:
            found.append(TimeRange(time(opens), time(closes), match.start(), match.end(), True))
            mask(*match.span())
    for match in _MERIDIEM_RANGE.finditer("".join(masked)):
        pm = match["ap"].casefold() == "p"
        low, high = int(match["a"]) % 12, int(match["b"]) % 12
        if pm:
            high += 12
            low += 12 if low + 12 < high else 0
        if low < high:
            found.append(TimeRange(time(low), time(high), match.start(), match.end(), True))
            mask(*match.span())
    plain = "".join(masked)
    for match in _TIME_RANGE.finditer(plain):
        first, hour_only = _match_time(match, "1")
        if first is None:
            continue
        second: time | None = None
        unread: str | None = None
        if match["bare"] is not None:
            second = _bare_end(first, int(match["bare"])) if not hour_only else None
            if second is None:
                unread = match.group(0).strip()
        elif match["h2"] is not None or match["o2"] is not None:
            second, second_hour_only = _match_time(match, "2")
            if second is None:
                continue
            # "2-4 pm": the meridiem of the end belongs to the start too
            if match["ap2"] and not match["ap1"] and match["h1"] and first.hour < 12:
                pm = match["ap2"].casefold().startswith("p")
                shifted = first.hour % 12 + (12 if pm else 0)
                first = time(shifted, first.minute)
            hour_only = hour_only or second_hour_only
        elif hour_only and not re.match(r"(?i)kl|klokken", match.group(0).strip()):
            continue
        end_weekday = WEEKDAYS.get(match["endday"].casefold()) if match["endday"] else None
        if second is None:
            end_weekday = None
        found.append(
            TimeRange(first, second, match.start(), match.end(), hour_only, end_weekday, unread)
        )
    return sorted(found, key=lambda r: r.begin)


def _bare_end(start: time, hour: int) -> time | None:
    """The end of "9.30-15" and "10.15-11": a whole hour later the same day on the 24-hour
    clock; "11.45-1" (13.00 on the 12-hour clock, or a slip?) is not read."""
    if 6 <= start.hour < hour <= 23:
        return time(hour)
    return None


_LEADING = re.compile(
    r"^\s*(?:[-*•·▪►>]\s*|\|\s*)?(?:(?:ca\.?|cirka|omkring|approx\.?|about)\s*)?"
    r"(?:(?P<fra>fra|from)\s+)?(?P<kl>kl\.?\s*)?"
    # "11-11.45 Title": an hour alone begins a range that ends with minutes
    r"(?:(?P<hs>[01]?\d|2[0-3])(?=\s*[-–—]\s*(?:kl\.?\s*)?[01]?\d\s*[.:]\s*[0-5]\d)|"
    r"(?P<h1>[01]?\d|2[0-3])\s*[.:]\s*(?P<m1>[0-5]\d)(?P<ap1>\s*[ap]\.?m\.?)?|"
    # "kl. 11 Min vej ...": a whole hour, only after "kl."
    r"(?P<hk>[01]?\d|2[0-3])(?![\d.:,]))"
    r"(?:\s*(?:-|–|—|til|to)\s*(?:kl\.?\s*)?(?P<h2>[01]?\d|2[0-4])\s*[.:]\s*(?P<m2>[0-5]\d)"
    r"(?P<ap2>\s*[ap]\.?m\.?)?"
    # "11.45-1 Frokost": an end hour without minutes, perhaps on a 12-hour clock
    r"|\s*[-–—]\s*(?P<bare>[01]?\d|2[0-4])(?![\d.:,]))?"
    r"(?![\d])(?:\s*(?:[:–—|]|\.(?!\d)|-(?!\d)|\t|\*\*)\s*|\s+|$)",
    re.IGNORECASE,
)


def leading_time(text: str) -> tuple[TimeRange, str] | None:
    """The time (or range) a programme line starts with, and the rest of the line.

    "10.30 Ankomst", "12.00 - 12.30", "14:25 - 14.40", "14.00: Velkomst", "16.00\\tVelkomst",
    "- 09:00–09:30 Registration", "| 10.00 | Velkomst |", "kl. 11 Frokost" (a whole hour only
    after "kl."), "Fra 10.45 til 12.30 Debat" (after "fra" only a range). A date at the start
    ("31.05.2024") is no time.
    """
    match = _LEADING.match(text)
    if not match or (match["hk"] and (not match["kl"] or int(match["hk"]) < 6)):
        return None  # a whole hour without "kl.", or one before six in the morning
    if match["fra"] and not (match["h2"] or match["bare"]):
        return None  # "Fra 10.45 til 12.30 ..." is an item; "Fra 9.00 er der kaffe" is not
    groups = [g for g in ("hs", "m1", "hk", "ap1", "m2", "ap2", "bare") if match[g]]
    if any(m.start < max(match.end(g) for g in groups) for m in find_dates(text[:40])):
        return None  # "31.05.2024", "10-11.03.2025": a date, no time
    first = "hs" if match["hs"] else "hk" if match["hk"] else "h1"
    start = _to_time(match[first], match["m1"], (match["ap1"] or "").strip() or None)
    if start is None:
        return None
    end: time | None = None
    if match["h2"]:
        end = _to_time(match["h2"], match["m2"], (match["ap2"] or "").strip() or None)
        if end is None:
            return None
    twelve: str | None = None
    if match["hs"] and end is not None:
        if start.hour < 7 and start < end and end.hour < 7:
            # "1-2.15 Workshops" after the lunch: 13.00-14.15 on the 12-hour clock; marked
            twelve = text[match.start("hs") : match.end("m2")]
            start, end = time(start.hour + 12), time(end.hour + 12, end.minute)
        elif not 6 <= start.hour < end.hour + (1 if end.minute else 0):
            return None
    rest = text[match.end() :].strip()
    rest = re.sub(r"^(?:\||\*\*|[:–—-])\s*", "", rest).strip()
    unread: str | None = None
    if match["bare"]:
        end = _bare_end(start, int(match["bare"]))
        if end is None:
            unread = text[match.start("h1") : match.end("bare")]
    return (
        TimeRange(
            start, end, match.start(first), match.end(), unread_end=unread, twelve_hour=twelve
        ),
        rest,
    )


# -- years --------------------------------------------------------------------------------------


def years_in(text: str) -> list[int]:
    """The years a text mentions ("2021", "2021-2022", "2023-24" give their four-digit years)."""
    years: list[int] = []
    for match in re.finditer(r"(?<![\d/.:-])((?:19|20)\d{2})(?:\s*[-–/]\s*(\d{2,4}))?(?!\d)", text):
        years.append(int(match[1]))
        if match[2]:
            second = int(match[2])
            if second < 100:
                second += int(match[1]) // 100 * 100
            if 0 < second - int(match[1]) <= 5:
                years.append(second)
    return years


@dataclass(frozen=True)
class Inferred:
    """A year the text does not write: the value, and why it was chosen (for ``USIKKER``)."""

    value: date
    reason: str
    alternatives: tuple[int, ...] = ()


def year_from_weekday(
    mention: DateMention, context_years: list[int], span: int = 6
) -> Inferred | None:
    """The year in which the mention's day and month fall on its weekday, near the text's years.

    The candidate years are those within ``span`` of a year the text mentions; the one closest to
    those years wins, and the other candidates are given. No weekday, no years, or a tie: None.
    """
    if mention.weekday is None or not context_years:
        return None
    low, high = min(context_years) - span, max(context_years) + span
    fits = [
        y for y in range(low, high + 1) if (d := mention.on(y)) and d.weekday() == mention.weekday
    ]
    if not fits:
        return None

    def distance(year: int) -> int:
        return min(abs(year - c) for c in context_years)

    best = min(distance(y) for y in fits)
    winners = [y for y in fits if distance(y) == best]
    if len(winners) != 1:
        return None
    year = winners[0]
    found = mention.on(year)
    assert found is not None
    others = tuple(y for y in fits if y != year)
    return Inferred(found, "weekday", others)


def year_before(mention: DateMention, reference: date) -> Inferred | None:
    """The year of a date that comes before ``reference`` (a deadline before its event), at most
    a year before it."""
    for year in (reference.year, reference.year - 1):
        found = mention.on(year)
        if found is not None and found <= reference:
            if mention.weekday is not None and found.weekday() != mention.weekday:
                return None
            return Inferred(found, "before-event")
    return None


def year_same_as(mention: DateMention, reference: date) -> Inferred | None:
    """The year of a date named again without its year (the event day said a second time)."""
    found = mention.on(reference.year)
    if found is None or (mention.weekday is not None and found.weekday() != mention.weekday):
        return None
    return Inferred(found, "same-year")
