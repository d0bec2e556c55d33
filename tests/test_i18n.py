"""Catalogues and formatting: every message translated, times in Copenhagen, Danish style."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import TZ
from bot.commands.i18n import code_messages, missing, unused
from bot.i18n import fmt_date, fmt_datetime, fmt_time, normalise_lang, translator


def test_every_message_in_the_code_is_translated_in_danish_and_english() -> None:
    assert len(code_messages()) > 50
    assert missing("da") == []
    assert missing("en") == []
    # And nothing left over that the code no longer says (it would mislead translators).
    assert unused("da") == [] and unused("en") == []


def test_danish_dates_and_times() -> None:
    when = datetime(2024, 5, 31, 11, 0, tzinfo=TZ)
    assert fmt_datetime(when, "da") == "fredag den 31. maj 2024 kl. 11.00"
    assert fmt_datetime(when, "en") == "Friday 31 May 2024 at 11:00"
    assert fmt_date(when, "da", weekday=False) == "31. maj 2024"


def test_times_are_shown_in_copenhagen_whatever_zone_they_come_in() -> None:
    utc = datetime(2024, 10, 27, 0, 30, tzinfo=ZoneInfo("UTC"))  # summer time ends that night
    assert fmt_time(utc, "da") == "02.30"
    later = datetime(2024, 10, 27, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert fmt_time(later, "da") == "02.30"  # the repeated hour, now in winter time
    assert fmt_date(datetime(2024, 3, 30, 23, 30, tzinfo=ZoneInfo("UTC")), "da").startswith(
        "søndag"
    )


def test_language_tags_and_translations() -> None:
    assert normalise_lang("en-GB") == "en" and normalise_lang("da_DK") == "da"
    assert normalise_lang(None) == "da" and normalise_lang("de") == "da"
    assert translator("da").gettext("Participation is free.") == "Det er gratis at deltage."
