"""Reminders (issue 7): what the bot tells people by itself before an event, each notice once.

- ``schedule``: when reminders fall, in working days and Copenhagen wall-clock time.
- ``models`` and ``ledger``: the ``reminder_notices`` table; a notice's key is claimed in the
  same transaction as its message is queued, so nothing is sent twice, whatever restarts.
- ``texts``: what is said, from the confirmation's own pieces.
- ``participants``, ``unfinished``, ``deadline``: who is due what at a given moment.
- ``job``: :class:`ReminderJob`, run beside the channels; it looks every minute.
- ``looking``: what it shares with the evaluation's job: the look every minute, the switch.
"""
