"""The addresses of an event's needs page and its files: the event's id, nothing personal."""

from __future__ import annotations

from dataclasses import dataclass

from bot.arranging.alerts import NEEDS_PAGE

NEEDS_CSV = "behov.csv"
NEEDS_PDF = "behov.pdf"


@dataclass(frozen=True)
class NeedsPaths:
    page: str
    csv: str
    pdf: str


def needs_paths(slug: str) -> NeedsPaths:
    page = NEEDS_PAGE.format(slug=slug)
    return NeedsPaths(page, f"{page}/{NEEDS_CSV}", f"{page}/{NEEDS_PDF}")
