"""The live meeting page. Events carry meeting content (decisions, action items), so access is checked at
connect, again before every event is forwarded, and when the user's access changes (design section 3)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications.consumers import CLOSE_UNAUTHORISED, may_listen
from notifications.realtime import user_group

from .models import MeetingPage
from .permissions import user_can_view_meeting
from .realtime import meeting_group

CLOSE_NO_ACCESS = 4404


@database_sync_to_async
def _may_view(user_id: int, meeting_id: int) -> bool:
    """Fresh from the database: the scope's user and a loaded page cache their districts and audience, so an
    ended membership or a deactivation would go unnoticed on them."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    meeting = MeetingPage.objects.filter(pk=meeting_id).first()
    return user is not None and meeting is not None and user_can_view_meeting(user, meeting)


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    """Forwards the meeting group's events as they are; the page itself renders the same data on reload."""

    groups_joined: tuple[str, ...] = ()
    closed = False

    async def connect(self):
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        code = await self._refusal()
        if code:
            await self.close(code=code)
            return
        # The user's own group brings "access.changed" (deactivation, role or password change).
        self.groups_joined = (meeting_group(self.meeting_id), user_group(self.scope["user"].pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def _refusal(self) -> int | None:
        if not await may_listen(self.scope):
            return CLOSE_UNAUTHORISED
        if not await _may_view(self.scope["user"].pk, self.meeting_id):
            return CLOSE_NO_ACCESS
        return None

    async def _stop_listening(self) -> None:
        """Events already queued for this channel are dropped by `closed`."""
        self.closed = True
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = ()

    async def _leave(self, code: int) -> None:
        await self._stop_listening()
        await self.close(code=code)

    async def disconnect(self, code):
        await self._stop_listening()

    async def receive_json(self, content, **kwargs):
        """The client sends nothing we act on; changes go through the (permission-checked) views."""

    async def meeting_event(self, event):
        if self.closed:
            return
        code = await self._refusal()
        if code:
            await self._leave(code)
            return
        await self.send_json(event["payload"])

    async def access_changed(self, event):
        if self.closed:
            return
        code = await self._refusal()
        if code:
            await self._leave(code)

    async def dispatch(self, message):
        """The user's group also carries the bell's messages; this socket has no use for them."""
        if message["type"].startswith("notification."):
            return
        await super().dispatch(message)
