from .mail import SentMail
from .notification import LOUDNESS, Delivery, Notification, NotificationQuerySet
from .preference import Preference

__all__ = ["LOUDNESS", "Delivery", "Notification", "NotificationQuerySet", "Preference", "SentMail"]
