"""Every table is classified for privacy: a new table must say what happens to its rows."""

from __future__ import annotations

from bot.privacy.tables import BY_CODE, NOT_PERSONAL, PERSONAL_ROWS, unclassified
from bot.storage.base import load_models


def test_every_table_is_classified_for_export_erasure_and_retention() -> None:
    missing = unclassified()
    assert not missing, (
        f"classify {sorted(missing)} in bot/privacy/tables.py: rows of one person "
        "(PERSONAL_ROWS), handled by their own code (BY_CODE), or nothing personal (NOT_PERSONAL)"
    )


def test_the_rules_name_real_columns() -> None:
    tables = load_models().tables
    for rule in PERSONAL_ROWS:
        table = tables.get(rule.table)
        if table is None:
            continue  # a feature not installed here
        named = [rule.email, *(rule.chat or ()), rule.registration, rule.event, rule.activity]
        for column in filter(None, named):
            assert column in table.c, f"{rule.table}.{column}"
        assert rule.email or rule.chat or rule.registration, rule.table
    assert not (BY_CODE & NOT_PERSONAL)
