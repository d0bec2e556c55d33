"""Needs arranged in time (issue 16): what staff must arrange per event, and when.

- ``lead``: which needs are booked ahead (interpreters) and when their lead time begins, in
  working days (the reminders' calendar).
- ``summary``: an event's needs as staff and the venue read them: who, which, how many seats,
  arranged or not, and when staff were alerted.
- ``alerts``: the note to staff when a booked-ahead need arrives inside its lead time, or is
  still not arranged when the lead time begins; once per need (the reminders' ledger).
- ``marking``: staff mark a need arranged (the participant is told) or not arranged.
- ``files``: the summary for the venue, as CSV and as a printable PDF.
- ``texts``: what is said, to staff and to the participant.

Health data: needs, their arranged state and the alerts are deleted with the registration and
never logged (only counts and ids are).
"""
