"""The needs tests use the reminder tests' bot (knowledge files of their own, a staff chat and a
staff mailbox, SQLite and PostgreSQL) and the desk tests' web app."""

from tests.reminders.conftest import (  # noqa: F401  (fixtures)
    bot_api,
    database_url,
    services,
    settings,
    smtp,
    start,
)
