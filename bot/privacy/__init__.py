"""Privacy: what is stored about a person, sent to them on request, erased on request or in time.

Channel-independent, like the brain. A channel says who asks (a ``Who``: its chat's id of the
person, or the From address of an e-mail) and gets back a readable report in the person's
language with a JSON file of everything, or an erasure done in one transaction.

- ``person``: who a person is across channels (participants, addresses, chats).
- ``tables``: every table of the database, classified: rows that are one person's (found by
  address, chat or registration, and deleted whole), tables handled by their own code
  (registrations, cases), and tables with nothing personal. A new table must be added here;
  a test fails until it is.
- ``collect`` and ``report``: the export. ``erase``: the erasure. ``retention``: the daily job
  that deletes the personal data of events that ended ``BOT_RETENTION_DAYS`` ago.
- ``service``: :class:`Privacy`, what channels call.

The package's ``__init__`` imports nothing, so that ``bot.privacy.models`` can be loaded with
the other models without pulling in the services.
"""
