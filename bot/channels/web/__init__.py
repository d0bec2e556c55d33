"""The web chat: the conversation on the event's own web page, for people not on Telegram.

A thin adapter over the conversation turn (``bot.conversations.turn``): ``chat`` turns a posted
message or pressed choice into an ``Incoming`` and keeps what was said in the transcript
(``transcript``, table ``web_chat_messages``); ``routes`` serves the page, the small JSON API for
the script, the files and ``embed.js``; ``channel`` declares the channel and serves it.
"""
