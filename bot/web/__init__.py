"""The bot's web server: one ASGI application for every web page the bot has.

The web chat (``bot.channels.web``) is served by it now; the staff desk and perhaps Telegram's
webhook can be added beside it later. What every page shares lives here: the session cookie and
form tokens (``sessions``), the security headers (``headers``), the rate limits (``limits``),
the templates and the error pages (``pages``), and the application itself (``app``).
"""
