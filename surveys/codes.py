"""One-time codes: random, unguessable (31¹² ≈ 8·10¹⁷ possibilities), easy to type from paper (no 0/O, 1/I/L),
stored only as a keyed hash. Answers saved halfway are encrypted with a key derived from the code, so only the
holder of the letter can read them back."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS = 3
GROUP_LENGTH = 4
CODE_LENGTH = GROUPS * GROUP_LENGTH


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def normalise(typed: str) -> str | None:
    """What a person typed or scanned, as the code it must be (None when it cannot be one)."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


def _keys() -> list[bytes]:
    return [hashlib.sha256(b"vbg-survey-code:" + key.encode()).digest() for key in settings.FIELD_ENCRYPTION_KEYS]


def code_hash(code: str) -> str:
    """The hash stored for a new code (newest key)."""
    return hmac.new(_keys()[0], code.encode(), hashlib.sha256).hexdigest()


def code_hashes(code: str) -> list[str]:
    """Every hash the code may be stored under (one per key, so a key rotation during a campaign is harmless)."""
    return [hmac.new(key, code.encode(), hashlib.sha256).hexdigest() for key in _keys()]


def _draft_fernet(code: str) -> Fernet:
    secret = hashlib.sha256(b"vbg-survey-draft:" + settings.FIELD_ENCRYPTION_KEYS[0].encode() + code.encode())
    return Fernet(base64.urlsafe_b64encode(secret.digest()))


def draft_encrypt(code: str, payload: str) -> str:
    return _draft_fernet(code).encrypt(payload.encode()).decode("ascii")


def draft_decrypt(code: str, token: str) -> str | None:
    if not token:
        return None
    try:
        return _draft_fernet(code).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None  # a rotated key: the respondent starts again, nothing breaks
