from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from .realtime import user_group
from .selectors import unread_count

CLOSE_UNAUTHORISED = 4401


@database_sync_to_async
def _may_listen(scope) -> bool:
    """Logged in, active, and past MFA where the role needs it; checked again on access changes."""
    from django.contrib.auth import get_user_model

    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return False
    fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    if fresh is None:
        return False
    session = scope.get("session")
    if session is None or session.session_key is None or not session.exists(session.session_key):
        return False
    # As Django does per request: the session belongs to this user and their password has not
    # changed since (the scope's session data is the one read at connect).
    if str(session.get(SESSION_KEY)) != str(fresh.pk) or not constant_time_compare(
        session.get(HASH_SESSION_KEY) or "", fresh.get_session_auth_hash()
    ):
        return False
    if not fresh.requires_mfa:
        return True
    # As django-otp's middleware does: the device verified with still exists and is this user's.
    device_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(device_id) if device_id else None
    return device is not None and device.user_id == fresh.pk and device.confirmed


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """The bell's live count. Sends titles and links only; the page itself checks access.

    What reaches the user's group is forwarded as it is: `notify` pushes a notification only to the people
    it decided, a moment before, may see its subject (notifications.permissions.recipients_who_may_see, one
    query for all of them), so the socket asks the database nothing per message. The socket itself is
    checked at connect and again on "access.changed" (deactivation, password, roles, MFA, CRM changes)."""

    async def connect(self):
        if not await _may_listen(self.scope):
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.group = user_group(self.scope["user"].pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "count", "unread": await database_sync_to_async(unread_count)(self.scope["user"])}
        )

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """The client sends nothing we act on; ignore it."""

    async def notification_new(self, event):
        await self.send_json({"type": "new", "id": event["id"], "title": event["title"], "url": event["url"]})

    async def notification_count(self, event):
        await self.send_json({"type": "count", "unread": event["unread"]})

    async def access_changed(self, event):
        if not await _may_listen(self.scope):
            await self.close(code=CLOSE_UNAUTHORISED)
