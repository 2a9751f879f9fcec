import time
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from core.middleware import IdleSessionMiddleware

from .realtime import user_group
from .selectors import unread_count

CLOSE_UNAUTHORISED = 4401


@database_sync_to_async
def _listen_until(scope) -> float | None:
    """None when the socket may not listen (logged out, inactive, the session ended or went idle, MFA
    missing where the role needs it); otherwise the moment, as time.time(), after which the session would
    have ended for want of use, unless a page view renews it meanwhile. Checked at connect, on
    "access.changed", and once that moment has passed."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None or session.session_key is None:
        return None
    fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    if fresh is None:
        return None
    # The session as it is now, not as read at connect: load() gives nothing for a session that was
    # logged out, ended by the idle timeout in another tab, or expired in its store.
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session.session_key).load()
    if not data:
        return None
    # A session made without a page view (a script, the bench) has no renewal stamp: its store's expiry holds.
    renewed = data.get(IdleSessionMiddleware.RENEWED_KEY, time.time())
    if time.time() - renewed > settings.SESSION_COOKIE_AGE:
        return None
    # As Django does per request: the session belongs to this user and their password has not changed since.
    if str(data.get(SESSION_KEY)) != str(fresh.pk) or not constant_time_compare(
        data.get(HASH_SESSION_KEY) or "", fresh.get_session_auth_hash()
    ):
        return None
    if fresh.requires_mfa:
        # As django-otp's middleware does: the device verified with still exists and is this user's.
        device_id = data.get(DEVICE_ID_SESSION_KEY)
        device = Device.from_persistent_id(device_id) if device_id else None
        if device is None or device.user_id != fresh.pk or not device.confirmed:
            return None
    return renewed + settings.SESSION_COOKIE_AGE


async def may_listen(scope) -> bool:
    """For other consumers (the live meeting page): the same check as the bell's."""
    return await _listen_until(scope) is not None


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """The bell's live count. Sends titles and links only; the page itself checks access.

    What reaches the user's group is forwarded as it is: `notify` pushes a notification only to the people
    it decided, a moment before, may see its subject (notifications.permissions.recipients_who_may_see, one
    query for all of them), so the socket asks the database nothing per message. The socket itself is
    checked at connect and again on "access.changed" (deactivation, password, roles, MFA, CRM changes)."""

    async def connect(self):
        self.listen_until = await _listen_until(self.scope)
        if self.listen_until is None:
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
        if await self._still_listening():
            await self.send_json({"type": "new", "id": event["id"], "title": event["title"], "url": event["url"]})

    async def notification_count(self, event):
        if await self._still_listening():
            await self.send_json({"type": "count", "unread": event["unread"]})

    async def access_changed(self, event):
        await self._still_listening(recheck=True)

    async def _still_listening(self, *, recheck: bool = False) -> bool:
        """No database work per message while the session is surely alive; once it may have gone idle (a
        tab left open overnight), it is read again and the socket closes if it ended."""
        if recheck or time.time() > self.listen_until:
            self.listen_until = await _listen_until(self.scope)
            if self.listen_until is None:
                await self.close(code=CLOSE_UNAUTHORISED)
                return False
        return True
