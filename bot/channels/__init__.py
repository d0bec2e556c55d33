"""Channels: thin adapters that carry messages between people and the answering core."""
