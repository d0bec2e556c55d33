"""The Telegram channel: a python-telegram-bot Application in front of the answering core,
the registration service and the signup dialogue. ``app.build_application`` wires it."""
