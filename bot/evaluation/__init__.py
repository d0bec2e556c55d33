"""After the day: a short, anonymous evaluation sent the day after an event to those who came.

- ``questions``: the three questions, their answers, and reading answers from words ("4, ja, ja").
- ``models``: the ``evaluation_answers`` table: answers without a person (event, channel, hour).
- ``store``: recording answers, and the results per event for staff.
- ``texts``: what the person is told, in their language.
- ``sending``: who is sent it (checked in, once each, on their own channel) and ``EvaluationJob``.
- ``dialogue``: the questions one by one with buttons in a chat (every chat channel alike).
"""
