"""TOTP with recovery codes on django-otp."""

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_DEVICE_NAME = "recovery"


def user_has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(user) -> TOTPDevice:
    """The unconfirmed device being enrolled; a fresh secret is made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """Inline SVG of the provisioning URI: no image request, nothing leaves the server."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR-code voor uw authenticator-app")


def totp_secret_base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


@transaction.atomic
def totp_confirm(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def recovery_codes_regenerate(user) -> list[str]:
    """New single-use codes; the old ones stop working. Shown to the person once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def wait_seconds(user) -> int:
    """Seconds before django-otp's back-off lets this user try a code again (0 when free)."""
    from django.utils import timezone

    waits = [0]
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, info = device.verify_is_allowed()
            if not allowed and info and info.get("locked_until"):
                waits.append(int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
    return max(waits)


def verify_any(user, token: str):
    """The device that accepts `token`: six digits are a TOTP code, anything else a recovery code.

    Trying only the matching kind keeps django-otp's per-device back-off meaningful."""
    token = token.strip().replace(" ", "")
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        if device.verify_token(token.lower()):
            return device
    return None
