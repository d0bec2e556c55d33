"""Conversations: what the bot remembers about each chat between messages."""

from bot.conversations.store import ConversationInfo, ConversationStore

__all__ = ["ConversationInfo", "ConversationStore"]
