from .models import Notification


def notifications_for(user):
    """A person sees only their own notifications."""
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_for(user).unread().count()
