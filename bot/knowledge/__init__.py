"""The knowledge base: schema, loader and the loaded collection of events and background sources."""

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, Problem, load_knowledge
from bot.knowledge.schema import Background, Event

__all__ = ["Background", "Event", "KnowledgeBase", "KnowledgeError", "Problem", "load_knowledge"]
