"""Deltagerbot: an assistant for participants of public conferences and theme days, Danish first."""

__version__ = "0.1.0"
