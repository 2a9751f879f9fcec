"""Dutch formats for CRM fields. Messages are in Dutch: they reach the secretariat directly."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"^(?:\+31|0031|0)[1-9]\d{8}$")
_SERVICE_NUMBER = re.compile(r"^0(?:800|900|906|909)\d{4,7}$")
_POSTAL_CODE = re.compile(r"^[1-9]\d{3}\s?[A-Za-z]{2}$")


def normalise_phone(value: str) -> str:
    return _PHONE_SEPARATORS.sub("", value or "")


def validate_dutch_phone(value: str) -> None:
    digits = normalise_phone(value)
    if not (_PHONE.match(digits) or _SERVICE_NUMBER.match(digits)):
        raise ValidationError(
            _("Vul een Nederlands telefoonnummer in, bijvoorbeeld 020-1234567, 06-12345678 of +31 6 12345678."),
            code="invalid_phone",
        )


def validate_kvk_number(value: str) -> None:
    if not re.fullmatch(r"\d{8}", value or ""):
        raise ValidationError(_("Een KvK-nummer bestaat uit precies 8 cijfers."), code="invalid_kvk")


def validate_postal_code(value: str) -> None:
    if not _POSTAL_CODE.match(value or ""):
        raise ValidationError(_("Vul een postcode in zoals 1234 AB."), code="invalid_postal_code")


def normalise_postal_code(value: str) -> str:
    compact = (value or "").replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else value
