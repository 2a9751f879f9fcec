"""Field encryption for the referral register: cryptography's MultiFernet, keyed by FIELD_ENCRYPTION_KEYS
(newest first), separate from SECRET_KEY. Lookups of an exact owner go through a keyed hash (HMAC) so the
privacy officer can find a person without decrypting the whole table."""

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as error:
        raise ValueError("A referral field could not be decrypted with any configured key.") from error


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (after a key was added in front)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def normalise_for_lookup(value: str) -> str:
    """The same person typed twice gives the same hash: case, accents and spacing do not matter."""
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 keyed by a key derived from the newest field key; recomputed on key rotation."""
    if not normalise_for_lookup(value):
        return ""
    key = hashlib.sha256(b"vbg-referral-lookup:" + settings.FIELD_ENCRYPTION_KEYS[0].encode()).digest()
    return hmac.new(key, normalise_for_lookup(value).encode(), hashlib.sha256).hexdigest()
