"""Live meeting events over the channel layer. Payloads carry meeting content, so the consumer checks
the listener's access again before it forwards anything (design section 3: websockets)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def meeting_group(meeting_id: int) -> str:
    return f"meeting-{meeting_id}"


def meeting_event_broadcast(meeting_id: int, payload: dict) -> None:
    """Sent after the surrounding transaction commits; a failing channel layer never loses the write."""

    def send():
        import logging

        try:
            async_to_sync(get_channel_layer().group_send)(
                meeting_group(meeting_id), {"type": "meeting.event", "payload": payload}
            )
        except Exception:  # noqa: BLE001 - the page still shows the change on reload
            logging.getLogger(__name__).exception("Live meeting event for meeting %s not sent", meeting_id)

    transaction.on_commit(send)
