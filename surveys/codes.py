"""One-time codes: random, unguessable (31¹² ≈ 8·10¹⁷ possibilities), easy to type from paper (no 0/O, 1/I/L),
stored only as a keyed hash. Answers saved halfway are encrypted with a key derived from the code, so only the
holder of the letter can read them back."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + GROUP_LENGTH] for i in range(0, CODE_LENGTH, GROUP_LENGTH))


# Characters left out of the alphabet because they are easily mistaken for others on paper: what a person who
# typed one probably saw, so the error can say what to look for in the letter.
_LEFT_OUT = {
    "0": gettext_lazy("De code bevat een 0 (nul). Codes hebben geen nul en geen letter O: staat er een D of een Q?"),
    "O": gettext_lazy("De code bevat een O. Codes hebben geen letter O en geen nul: staat er een D of een Q?"),
    "1": gettext_lazy("De code bevat een 1 (één). Codes hebben geen 1, I of L: staat er een J, een T of een 7?"),
    "I": gettext_lazy("De code bevat een I. Codes hebben geen I, L of 1: staat er een J, een T of een 7?"),
    "L": gettext_lazy("De code bevat een L. Codes hebben geen L, I of 1: staat er een J, een T of een 7?"),
}


def problem(typed: str) -> str | None:
    """Why what a person typed cannot be a code, in plain Dutch (None when it has the form of one): the characters
    outside the alphabet by name, and the number of characters really typed. Spaces and dashes do not count."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    messages = []
    for ch in dict.fromkeys(cleaned):
        if ch in ALPHABET:
            continue
        if ch in _LEFT_OUT:
            messages.append(str(_LEFT_OUT[ch]))
        else:
            messages.append(
                _("De code bevat een %(char)s. Codes hebben alleen hoofdletters en de cijfers 2 tot en met 9.")
                % {"char": ch}
            )
    if len(cleaned) != CODE_LENGTH:
        # Two messages rather than ngettext: Dutch and English pluralise alike, and the catalogues are merged from
        # plain entries.
        typed_count = (
            _(
                "U typte 1 teken; een code heeft er %(length)s (streepjes en spaties niet meegeteld), zoals "
                "ABCD-EFGH-JKMN."
            )
            if len(cleaned) == 1
            else _(
                "U typte %(n)s tekens; een code heeft er %(length)s (streepjes en spaties niet meegeteld), zoals "
                "ABCD-EFGH-JKMN."
            )
        )
        messages.append(typed_count % {"n": len(cleaned), "length": CODE_LENGTH})
    return " ".join(messages) or None


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
