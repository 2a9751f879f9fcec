"""The organisers' start page: evenings to prepare and attendance to enter, only their own municipality's for
the AOV, nothing for other roles."""

import pytest
from bs4 import BeautifulSoup

from .conftest import ALKMAAR, evening, sign_in

pytestmark = pytest.mark.django_db


def _sections(client) -> dict[str, str]:
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    return {s["id"]: s.get_text(" ", strip=True) for s in soup.select("section.start-section")}


def test_start_page_lists_for_organisers(client, people):
    evening(days=5, title="Avond Spaarndam", published=False)
    evening(days=-3, title="Avond Haarlem-Noord")
    evening(days=-4, title="Avond met opkomst", attendance=20)
    evening(cbs_code=ALKMAAR, days=6, title="Avond Alkmaar")
    sign_in(client, people["aov"])
    sections = _sections(client)
    prepare = next(text for key, text in sections.items() if "evenings_upcoming" in key)
    attendance = next(text for key, text in sections.items() if "evenings_attendance" in key)
    assert "Avond Spaarndam" in prepare and "nog niet gepubliceerd" in prepare
    assert "Avond Alkmaar" not in prepare
    assert "Avond Haarlem-Noord" in attendance and "Avond met opkomst" not in attendance
    client.logout()
    sign_in(client, people["secretariat"])
    sections = _sections(client)
    assert "Avond Alkmaar" in next(text for key, text in sections.items() if "evenings_upcoming" in key)
    for role in ("partner", "coach", "admin"):
        client.logout()
        sign_in(client, people[role])
        assert not any("evenings" in key for key in _sections(client)), role
