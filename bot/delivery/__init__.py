"""Telling a person something on their own channel, queued with the decision that caused it."""

from bot.delivery.couriers import ChatCourier, Courier, Delivery, Recipient, Thread

__all__ = ["ChatCourier", "Courier", "Delivery", "Recipient", "Thread"]
