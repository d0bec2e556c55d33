"""Dates and clock times as invitations write them: exact, or unknown, never guessed."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.drafting.dates import (
    find_dates,
    find_times,
    leading_time,
    year_before,
    year_from_weekday,
    year_same_as,
    years_in,
)


def one_date(text: str) -> tuple[int, int, int | None, int | None, int | None]:
    found = find_dates(text)
    assert len(found) == 1, (text, found)
    d = found[0]
    return d.day, d.month, d.year, d.weekday, d.last_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Den 31. maj 2024 fra 11.00-14.30", (31, 5, 2024, None, None)),
        ("Tirsdag den 29. november 2011 kl. 12.00-16.00", (29, 11, 2011, 1, None)),
        ("Konferencen holdes virtuelt den 11. maj 2021 kl. 16.00–18.00", (11, 5, 2021, None, None)),
        ("Mandag d. 3. februar mødtes politikere", (3, 2, None, 0, None)),
        ("Sidste frist for tilmelding er 24/9-2019.", (24, 9, 2019, None, None)),
        ("Tilmeldingsfristen er den 22. oktober.", (22, 10, None, None, None)),
        ("Tilmelding senest den 12. april 2024 ved dette link:", (12, 4, 2024, None, None)),
        ("Skal ske senest 14. oktober 2011 til", (14, 10, 2011, None, None)),
        ("den 10.-11. marts 2027", (10, 3, 2027, None, 11)),
        ("10. og 11. marts 2027", (10, 3, 2027, None, 11)),
        ("onsdag den 10. og torsdag den 11. april 2024", (10, 4, 2024, 2, 11)),
        ("31.05.2024", (31, 5, 2024, None, None)),
        ("2024-05-31", (31, 5, 2024, None, None)),
        ("senest 1/3", (1, 3, None, None, None)),
        ("3. feb. 2024", (3, 2, 2024, None, None)),
        ("Friday, 31 May 2024, 9:30 am – 4 pm", (31, 5, 2024, 4, None)),
        ("May 31, 2024 from 10:00 to 15:00", (31, 5, 2024, None, None)),
        ("Tuesday 12 March 2024", (12, 3, 2024, 1, None)),
        ("10–11 March 2027", (10, 3, 2027, None, 11)),
        ("March 10-11, 2027", (10, 3, 2027, None, 11)),
        ("the 3rd of June", (3, 6, None, None, None)),
    ],
)
def test_dates_as_danish_and_english_invitations_write_them(
    text: str, expected: tuple[int, int, int | None, int | None, int | None]
) -> None:
    assert one_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "11.00-14.30",  # times, not dates
        "12.10-13.10",
        "kl. 14.25 - 14.40",
        "tlf. 2520 1575",
        "Pris 1.200 kr.",
        "Rammeaftale 2021- 22",
        "i juni 2020",  # a month, not a day
        "Nordjysk Socialaftale 2021-2022",
        "2 Jan-Marts 2022 | DAS Social",  # OCR'd table: an abbreviation without its dot
        "Marts 2022 KKR Nordjylland",
        "Workshop 1: 30 deltagere",
        "31. februar 2024",  # no such day
        "we may 5 of them",
    ],
)
def test_what_is_no_date_is_not_read_as_one(text: str) -> None:
    assert find_dates(text) == []


def times(text: str) -> list[tuple[time, time | None]]:
    return [(t.start, t.end) for t in find_times(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Den 31. maj 2024 fra 11.00-14.30", [(time(11), time(14, 30))]),
        ("kl. 16.00–18.00", [(time(16), time(18))]),
        ("12.00 - 12.30", [(time(12), time(12, 30))]),
        ("14:25 - 14.40", [(time(14, 25), time(14, 40))]),
        ("kl. 8.30–11.30", [(time(8, 30), time(11, 30))]),
        ("fra kl. 9.30 til kl. 15", [(time(9, 30), time(15))]),
        ("kl. 9-12", [(time(9), time(12))]),
        ("kl. 10", [(time(10), None)]),
        ("9am–4pm", [(time(9), time(16))]),
        ("2-4 pm", [(time(14), time(16))]),
        ("11 am - 1 pm", [(time(11), time(13))]),
        ("9:30 am – 12:00", [(time(9, 30), time(12))]),
        ("10.30 Ankomst og 12.15 Frokost", [(time(10, 30), None), (time(12, 15), None)]),
    ],
)
def test_times_and_ranges(text: str, expected: list[tuple[time, time | None]]) -> None:
    assert times(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31.05.2024", "tlf. 2520 1575", "Pris 1.200 kr.", "25.00", "12.60", "2021-2022", "kl 25"],
)
def test_what_is_no_time_is_not_read_as_one(text: str) -> None:
    assert find_times(text) == []


@pytest.mark.parametrize(
    ("text", "start", "end", "rest"),
    [
        ("10.30 **Ankomst – kaffe og the**", time(10, 30), None, "Ankomst – kaffe og the**"),
        ("12.00 - 12.30", time(12), time(12, 30), ""),
        ("14:25 - 14.40", time(14, 25), time(14, 40), ""),
        ("14.00: Velkomst", time(14), None, "Velkomst"),
        ("16.00\tVelkomst ved KKR", time(16), None, "Velkomst ved KKR"),
        ("09.00  Velkomst", time(9), None, "Velkomst"),
        (" 11.15 Fælles Opsamling", time(11, 15), None, "Fælles Opsamling"),
        ("- 09:00–09:30 Registration", time(9), time(9, 30), "Registration"),
        ("Kl. 13.00 - 13.45: Oplæg", time(13), time(13, 45), "Oplæg"),
        ("9.30 am Welcome", time(9, 30), None, "Welcome"),
    ],
)
def test_a_programme_line_starts_with_its_time(
    text: str, start: time, end: time | None, rest: str
) -> None:
    found = leading_time(text)
    assert found is not None
    assert (found[0].start, found[0].end, found[1]) == (start, end, rest)


@pytest.mark.parametrize(
    "text", ["31.05.2024 Temadag", "Velkomst 10.00", "2024 blev et godt år", "100 deltagere"]
)
def test_a_line_that_does_not_start_with_a_time(text: str) -> None:
    assert leading_time(text) is None


def test_a_year_from_a_weekday_is_the_one_nearest_the_years_the_text_names() -> None:
    mention = find_dates("Mandag d. 3. februar")[0]
    inferred = year_from_weekday(mention, years_in("Nordjysk Socialaftale 2021-2022"))
    assert inferred is not None and inferred.value == date(2020, 2, 3)
    assert 2025 in inferred.alternatives  # also a Monday, and said so
    # no weekday, or no years to go by: no year
    assert year_from_weekday(find_dates("den 3. februar")[0], [2021]) is None
    assert year_from_weekday(mention, []) is None
    # two candidate years equally near: no year
    tie = find_dates("fredag den 1. marts")[0]  # 2019 and 2024 were Fridays
    assert year_from_weekday(tie, [2021, 2022]) is None


def test_a_deadline_without_its_year_comes_before_the_event() -> None:
    deadline = find_dates("Tilmeldingsfristen er den 22. oktober.")[0]
    assert year_before(deadline, date(2021, 10, 27)) is not None
    assert year_before(deadline, date(2021, 10, 27)).value == date(2021, 10, 22)  # type: ignore[union-attr]
    december = find_dates("senest 15. december")[0]
    assert year_before(december, date(2022, 1, 20)).value == date(2021, 12, 15)  # type: ignore[union-attr]
    wrong_weekday = find_dates("senest mandag den 22. oktober")[0]  # 2021-10-22 was a Friday
    assert year_before(wrong_weekday, date(2021, 10, 27)) is None
    assert year_same_as(find_dates("den 29. november")[0], date(2011, 11, 29)) is not None


def test_years_in_a_text_with_spans() -> None:
    assert years_in("Rammeaftale 2021-22 og Socialaftale 2023-2024, fra 2019") == [
        2021,
        2022,
        2023,
        2024,
        2019,
    ]


def test_a_weekday_that_contradicts_the_date_is_noticed() -> None:
    wrong = find_dates("fredag den 29. november 2011")[0]  # it was a Tuesday
    assert wrong.exact is None and wrong.contradicts_weekday


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    st.sampled_from(["da", "en", "numeric", "iso"]),
)
def test_every_date_written_out_is_read_back_exactly(day: date, style: str) -> None:
    danish = "januar februar marts april maj juni juli august september oktober november december"
    english = (
        "January February March April May June July August September October November December"
    )
    if style == "da":
        text = f"Temadagen er den {day.day}. {danish.split()[day.month - 1]} {day.year} kl. 10.00"
    elif style == "en":
        text = f"The meeting is on {day.day} {english.split()[day.month - 1]} {day.year}."
    elif style == "numeric":
        text = f"Frist {day.day}/{day.month}-{day.year}"
    else:
        text = f"start: {day.isoformat()}"
    found = find_dates(text)
    assert len(found) == 1 and found[0].exact == day


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59))
def test_every_time_range_is_read_back_exactly(h1: int, m1: int, h2: int, m2: int) -> None:
    text = f"Program: kl. {h1:02d}.{m1:02d}-{h2:02d}:{m2:02d} i salen"
    assert times(text) == [(time(h1, m1), time(h2, m2))]
    found = leading_time(f"{h1}.{m1:02d} - {h2}.{m2:02d} Punkt")
    assert found is not None and (found[0].start, found[0].end) == (time(h1, m1), time(h2, m2))


@pytest.mark.parametrize("text", ["11.45-1 Frokost", "11.45 - 1 Frokost", "12.00-11 Frokost"])
def test_a_range_whose_end_has_no_minutes_is_not_read(text: str) -> None:
    # "11.45-1": 13.00 on the 12-hour clock, or a slip? Not read, and said.
    found = leading_time(text)
    assert found is not None
    span, rest = found
    assert span.end is None and span.unread_end is not None and rest == "Frokost"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("12.00-13 Frokost", time(12), time(13)),
        ("10.15-11 Frokost", time(10, 15), time(11)),
        ("11-11.45 Frokost", time(11), time(11, 45)),
        ("ca. 14.45: Frokost", time(14, 45), None),
    ],
)
def test_a_whole_hour_later_on_the_24_hour_clock_is_read(text: str, start: time, end: time) -> None:
    # an hour without minutes later the same day can mean only that hour
    found = leading_time(text)
    assert found is not None
    span, rest = found
    assert (span.start, span.end, span.unread_end, rest) == (start, end, None, "Frokost")


def test_an_hour_range_after_lunch_on_the_12_hour_clock_is_marked() -> None:
    found = leading_time("1-2.15 Workshops")
    assert found is not None
    span, _rest = found
    assert (span.start, span.end, span.twelve_hour) == (time(13), time(14, 15), "1-2.15")
    assert leading_time("10-11.03.2025 Frokost") is None  # a date, no time


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("onsdag den 4. september 2024 fra kl. 9.30 til kl. 15.", time(15)),
        ("Mandag den 8. juni 2026, kl. 9.30-15", time(15)),
        ("Tid: kl. 9-12.", time(12)),
        ("kl. 11.45-1 i salen", None),
    ],
)
def test_an_end_hour_without_minutes_in_a_sentence(text: str, end: time | None) -> None:
    [found] = find_times(text)
    assert found.end == end


def test_a_whole_range_is_read_as_before() -> None:
    found = leading_time("12.00 - 12.30 Frokost")
    assert found is not None and found[0].end == time(12, 30) and found[0].unread_end is None


def test_a_range_ending_on_another_day_names_that_day() -> None:
    [found] = find_times("fra torsdag kl. 10.00 til fredag kl. 14.00")
    assert (found.start, found.end) == (time(10), time(14))
    assert found.end_weekday == 4
    [same] = find_times("kl. 10.00 til 14.00")
    assert same.end_weekday is None
