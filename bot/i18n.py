"""Translations and locale-aware formatting: gettext catalogues in ``locales/``, dates by babel.

Source strings (msgids) are English; ``locales/da`` translates every one of them and
``locales/en`` exists so that English is an explicit, complete catalogue too. The ``.po`` files are
compiled in memory when first used, so there is no compiled ``.mo`` file to forget to rebuild.

Use in code::

    _ = translator(lang).gettext
    text = _("The day starts at {time}.").format(time=fmt_time(start, lang))
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from bot.clock import TZ

Lang = Literal["da", "en"]
LANGUAGES: tuple[Lang, ...] = ("da", "en")
DEFAULT_LANG: Lang = "da"
DOMAIN = "deltagerbot"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def normalise_lang(value: str | None) -> Lang:
    """Map a language tag such as 'en-GB' or 'da_DK' to a supported language; Danish otherwise."""
    tag = (value or "").lower().replace("_", "-").split("-")[0]
    return "en" if tag == "en" else "da"


def catalogue_path(lang: Lang) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translator(lang: Lang) -> NullTranslations:
    """The translations for a language, compiled from its .po catalogue."""
    path = catalogue_path(lang)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _local(value: datetime) -> datetime:
    return value.astimezone(TZ) if value.tzinfo else value


def fmt_date(value: date | datetime, lang: Lang, weekday: bool = True) -> str:
    """'fredag den 31. maj 2024' / 'Friday 31 May 2024'."""
    day = _local(value).date() if isinstance(value, datetime) else value
    if lang == "da":
        pattern = "EEEE 'den' d. MMMM y" if weekday else "d. MMMM y"
    else:
        pattern = "EEEE d MMMM y" if weekday else "d MMMM y"
    return _formatted_date(day, pattern, lang)


def fmt_time(value: datetime, lang: Lang) -> str:
    """'11.00' in Danish, '11:00' in English, always Copenhagen wall time."""
    return _formatted_time(_local(value), "HH.mm" if lang == "da" else "HH:mm", lang)


# An event's few dates and times are formatted in nearly every answer; babel's formatting of
# one is a tenth of a millisecond, as much as the rest of a short answer.
@lru_cache(maxsize=4096)
def _formatted_date(day: date, pattern: str, lang: Lang) -> str:
    return format_date(day, pattern, locale=lang)


@lru_cache(maxsize=4096)
def _formatted_time(value: datetime, pattern: str, lang: Lang) -> str:
    return format_time(value, pattern, locale=lang)


def fmt_datetime(value: datetime, lang: Lang) -> str:
    """'fredag den 31. maj 2024 kl. 11.00' / 'Friday 31 May 2024 at 11:00'."""
    _ = translator(lang).gettext
    return _("{date} at {time}").format(date=fmt_date(value, lang), time=fmt_time(value, lang))


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated where shown."""
    return message


def join_names(items: list[str], lang: Lang) -> str:
    """'A, B og C' / 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    word = "og" if lang == "da" else "and"
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


_ENGLISH = frozenset(
    "the and is are you i we would like to please thank thanks will can what when where "
    "how my me of for it this that have be not".split()
)
_DANISH = frozenset(
    "og er jeg vi du til det den at på af med for ikke kan vil hvad hvornår hvor hvordan "
    "tak mig min har være en et de som".split()
)


def guess_language(text: str) -> Lang:
    """English when a text is clearly written in English, else Danish (the default)."""
    words = text.casefold().split()[:200]
    english = sum(w.strip(".,!?:;") in _ENGLISH for w in words)
    danish = sum(w.strip(".,!?:;") in _DANISH for w in words)
    return "en" if english > danish else "da"
