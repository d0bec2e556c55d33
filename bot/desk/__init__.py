"""The secretariat's desk on the web server, under /desk: staff sign in and work in a browser.

``routes`` has the addresses, ``cookies`` the desk's own session cookie and form tokens;
accounts, sessions and the audit trail are in ``bot.staff``.
"""
