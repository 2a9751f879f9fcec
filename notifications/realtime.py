"""Pushes over the channel layer. A failing layer never breaks the write that caused the push."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_user(user_id: int, message: dict) -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(user_group(user_id), message)
    except Exception:  # noqa: BLE001 - Redis down: the notification is stored, the page polls
        logger.warning("Channel layer push failed for user %s", user_id, exc_info=True)
        return False
    return True
