"""The answering core: one brain that every channel asks. See ``core`` for how it decides."""

from bot.answering.core import Answer, Answerer

__all__ = ["Answer", "Answerer"]
