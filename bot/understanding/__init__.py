"""The understanding: what kind of question each piece of a message is, learned from a corpus.

``segments`` cuts a message into what it asks and what surrounds it, ``classifier`` gives each
piece its kind and a confidence, trained from ``corpus/``. The answering core decides from the
kind which structured fact answers, and hands over to staff when unsure. Nothing here knows about
events or channels.
"""
