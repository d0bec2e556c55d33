"""Storage shared by every feature: the declarative base, the database and its migrations.

``bot.storage.migrate`` holds the migration functions (``Database.migrate`` calls them).
"""

from bot.storage.base import Base, UTCDateTime, load_models
from bot.storage.database import Database, create_engine
from bot.storage.safetext import SafeJSON, SafeString, SafeText, safe_text

__all__ = [
    "Base",
    "Database",
    "SafeJSON",
    "SafeString",
    "SafeText",
    "UTCDateTime",
    "create_engine",
    "load_models",
    "safe_text",
]
