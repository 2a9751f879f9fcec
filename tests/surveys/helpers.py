"""Helpers of the survey tests: Opmeer, an address file, codes read back from the letters, answering."""

import datetime
import re

from django.utils import timezone

from tests.pdfs import pdf_string_list

OPMEER = "GM0432"
CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def today() -> datetime.date:
    """Today in Amsterdam, read when a test asks (a date read at import is yesterday's in a run crossing
    midnight)."""
    return timezone.localdate()


def address_csv(n: int, *, street: str = "Dorpsweg") -> bytes:
    lines = ["straat;huisnummer;postcode;plaats"] + [
        f"{street};{i};1716 A{chr(65 + i % 26)};Opmeer" for i in range(1, n + 1)
    ]
    return "\n".join(lines).encode()


def _codes_from(letters: bytes) -> list[str]:
    return [text for text in pdf_string_list(letters) if CODE.match(text)]


def _as(client, user, login_with_mfa):
    login_with_mfa(client, user)
    return client


FULL = {
    "respondent_type": "bewoner",
    "kent_signalen": "ja",
    "meldingsbereid": "ja",
    "benaderd": "nee",
    "vertrouwen_politie": "4",
    "vertrouwen_gemeente": "3",
}


def _answer(client, code: str, data: dict, action: str = "versturen"):
    start = client.post("/vragenlijst/", {"code": code, "website": ""})
    assert start.status_code == 302, start.content.decode()[:2000]
    return client.post("/vragenlijst/invullen/", {**data, "action": action})
