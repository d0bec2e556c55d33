"""Telling a person something on their own channel, queued with the decision that caused it."""

from bot.delivery.couriers import ChatCourier, Courier, Delivery, Details, Recipient, Thread
from bot.delivery.reach import recipient_for

__all__ = ["ChatCourier", "Courier", "Delivery", "Details", "Recipient", "Thread", "recipient_for"]
