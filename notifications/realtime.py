"""Pushes over the channel layer. A failing layer never breaks the write that caused the push: the
notification is stored, and the page's bell falls back to polling."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


# Sends in flight at once: enough to overlap the round trips, well below the Redis client's pool of 100.
CONCURRENT_SENDS = 10


async def _send_all(layer, messages: list[tuple[int, dict]]) -> None:
    gate = asyncio.Semaphore(CONCURRENT_SENDS)

    async def send(user_id: int, message: dict) -> None:
        async with gate:
            await layer.group_send(user_group(user_id), message)

    results = await asyncio.gather(*(send(user_id, message) for user_id, message in messages), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]


def push_many(messages: list[tuple[int, dict]]) -> bool:
    """Send each (user id, message) to that user's open pages, all at once (one round of the loop)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # called from async code (a consumer): do not block its loop
        task = asyncio.ensure_future(_send_all(layer, messages))
        task.add_done_callback(_log_failure)
        return True
    try:
        async_to_sync(_send_all)(layer, messages)
    except Exception:  # noqa: BLE001 - Redis down: the notification is stored, the page polls
        logger.warning("Channel layer push failed for %s user(s)", len(messages), exc_info=True)
        return False
    return True


def _log_failure(task: asyncio.Future) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("Channel layer push failed", exc_info=task.exception())


def push_to_user(user_id: int, message: dict) -> bool:
    return push_many([(user_id, message)])
