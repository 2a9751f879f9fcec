"""Reader feedback on knowledge pages ("Was dit nuttig?", "moet worden bijgewerkt") and the secretariat's
review report."""

import datetime
import itertools

import pytest
from wagtail.models import Revision
from wagtail.rich_text import RichText

from core.roles import Role
from knowledgebase.models import BestPracticePage, ContentFlag, HelpfulVote, KnowledgeIndexPage, KnowledgePage
from notifications.models import Notification
from stakeholders.models import District

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
REVIEW_URL = "/beheer/kennisbank/te-herzien/"


def _today() -> datetime.date:
    """Read when a test asks, never at import: a run crossing midnight would compare with yesterday."""
    return datetime.date.today()


def _a_year_ahead() -> datetime.date:
    return _today() + datetime.timedelta(days=365)


def _page(title: str, *, visibility: str = "partners", districts=(), live: bool = True, **fields) -> BestPracticePage:
    page = BestPracticePage(
        title=title,
        slug=f"feedback-{next(_numbers)}",
        intro=f"Samenvatting van {title}",
        body=[("paragraph", RichText(f"<p>Inhoud van {title}</p>"))],
        visibility=visibility,
        live=live,
        **fields,
    )
    page.visible_districts = list(District.objects.filter(code__in=districts))
    KnowledgeIndexPage.objects.get().add_child(instance=page)
    return page


@pytest.fixture
def page(reference_data):
    return _page("Drugsafval herkennen")


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, district="KEN")


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.SECRETARIAT, district=None)


def _vote(client, page, value):
    return client.post(f"/kennis/{page.pk}/nuttig/", {"helpful": value})


# --- Was dit nuttig? -------------------------------------------------------------------------------


def test_one_vote_per_user_and_voting_again_changes_it(client, page, partner):
    client.force_login(partner)
    response = _vote(client, page, "ja")
    assert response.status_code == 302 and response["Location"] == page.url + "#nuttig"
    assert HelpfulVote.objects.get(page=page, user=partner).helpful is True

    _vote(client, page, "nee")
    assert HelpfulVote.objects.filter(page=page).count() == 1
    assert HelpfulVote.objects.get(page=page, user=partner).helpful is False

    html = client.get(page.url).text
    assert "0 keer ja, 1 keer nee" in html


def test_votes_of_different_users_are_counted_apart(client, page, make_user):
    for value in ("ja", "ja", "nee"):
        client.force_login(make_user(Role.PARTNER, district="KEN"))
        _vote(client, page, value)
    assert HelpfulVote.objects.filter(page=page).count() == 3
    assert "2 keer ja, 1 keer nee" in client.get(page.url).text


def test_an_invalid_vote_gives_a_message_and_stores_nothing(client, page, partner):
    client.force_login(partner)
    response = client.post(f"/kennis/{page.pk}/nuttig/", {"helpful": "misschien"}, follow=True)
    assert response.status_code == 200
    assert "Kies ja of nee." in response.text
    assert not HelpfulVote.objects.exists()


def test_anonymous_vote_is_sent_to_login(client, reference_data):
    public = _page("Openbaar stuk", visibility="public")
    response = _vote(client, public, "ja")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")
    response = client.post(f"/kennis/{public.pk}/bijwerken/", {"comment": "Klopt niet meer"})
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")
    assert not HelpfulVote.objects.exists() and not ContentFlag.objects.exists()


def test_a_reader_who_cannot_see_the_page_gets_404_and_no_vote(client, reference_data, partner):
    nhn_page = _page("Alleen Noord", visibility="districts", districts=("NHN",))
    client.force_login(partner)  # KEN
    assert _vote(client, nhn_page, "ja").status_code == 404
    response = client.post(f"/kennis/{nhn_page.pk}/bijwerken/", {"comment": "Klopt niet meer"})
    assert response.status_code == 404
    assert not HelpfulVote.objects.exists() and not ContentFlag.objects.exists()


def test_a_draft_page_takes_no_votes(client, reference_data, partner):
    draft = _page("Concept", visibility="public", live=False)
    client.force_login(partner)
    assert _vote(client, draft, "ja").status_code == 404
    assert not HelpfulVote.objects.exists()


def test_votes_need_a_post(client, page, partner):
    client.force_login(partner)
    assert client.get(f"/kennis/{page.pk}/nuttig/?helpful=ja").status_code == 405
    assert not HelpfulVote.objects.exists()


# --- Moet worden bijgewerkt ------------------------------------------------------------------------


def _flag(client, page, comment):
    return client.post(f"/kennis/{page.pk}/bijwerken/", {"comment": comment}, follow=True)


def test_an_empty_flag_gives_a_dutch_error_and_stores_nothing(client, page, partner, secretariat):
    client.force_login(partner)
    response = _flag(client, page, "")
    assert response.status_code == 200
    assert "Schrijf kort wat er niet meer klopt." in response.text
    response = _flag(client, page, "<script></script> ")
    assert "Schrijf kort wat er niet meer klopt." in response.text
    assert not ContentFlag.objects.exists()
    assert not Notification.objects.exists()


def test_a_returned_flag_shows_its_error_beside_the_field_and_keeps_what_was_typed(client, page, partner):
    """WCAG 3.3.1: the error sits with the field it is about, not only at the top of the page; once."""
    client.force_login(partner)
    html = _flag(client, page, "<b> </b>").text
    field = html[html.index('id="bijwerken"') :]
    assert 'id="flag-fout"' in field and "Schrijf kort wat er niet meer klopt." in field
    assert 'aria-invalid="true" aria-describedby="flag-fout"' in field
    assert "&lt;b&gt; &lt;/b&gt;</textarea>" in field  # what was typed, escaped
    again = client.get(page.url).content.decode()
    assert 'id="flag-fout"' not in again and "Schrijf kort" not in again


def test_a_flag_is_stored_and_the_secretariat_is_told(client, page, partner, secretariat, make_user):
    second_secretary = make_user(Role.SECRETARIAT, district=None)
    client.force_login(partner)
    response = _flag(client, page, "Het telefoonnummer van de meldlijn is veranderd.")
    assert "Het secretariaat kijkt ernaar" in response.text

    flag = ContentFlag.objects.get()
    assert flag.page_id == page.pk and flag.reported_by == partner
    assert flag.comment == "Het telefoonnummer van de meldlijn is veranderd." and flag.resolved_at is None

    notified = Notification.objects.filter(kind="knowledge.flagged")
    assert set(notified.values_list("recipient", flat=True)) == {secretariat.pk, second_secretary.pk}
    assert all(page.title in n.title for n in notified)
    assert not Notification.objects.filter(recipient=partner).exists()


def test_flag_comment_is_stored_as_plain_text(client, page, partner):
    client.force_login(partner)
    _flag(client, page, "<b>Oud</b> <script>alert(1)</script>nummer")
    assert ContentFlag.objects.get().comment == "Oud nummer"


# --- The review report -----------------------------------------------------------------------------


def _edit_link(page) -> str:
    return f'href="/beheer/pages/{page.pk}/edit/"'


@pytest.fixture
def overdue(reference_data):
    return _page("Oude hennepaanpak", review_by=_today() - datetime.timedelta(days=3))


@pytest.fixture
def current(reference_data):
    return _page("Verse dumpingaanpak", review_by=_today() + datetime.timedelta(days=100))


def test_the_report_lists_overdue_and_flagged_pages_for_the_secretariat(
    client, overdue, current, secretariat, login_with_mfa, partner
):
    flagged = _page("Gemelde leegstandpagina", review_by=_today() + datetime.timedelta(days=100))
    ContentFlag.objects.create(page=flagged, reported_by=partner, comment="Verouderd")
    login_with_mfa(client, secretariat)
    response = client.get(REVIEW_URL)
    assert response.status_code == 200
    assert "Oude hennepaanpak" in response.text
    assert "Gemelde leegstandpagina" in response.text
    assert "Verse dumpingaanpak" not in response.text
    assert _edit_link(overdue) in response.text and _edit_link(flagged) in response.text
    assert _edit_link(current) not in response.text


def test_the_report_links_to_mark_reviewed_and_shows_the_review_date(client, overdue, secretariat, login_with_mfa):
    login_with_mfa(client, secretariat)
    html = client.get(REVIEW_URL).text
    assert f"/beheer/kennisbank/{overdue.pk}/herzien/" in html
    assert "Markeer als herzien" in html and "Herzien vóór" in html and "Open meldingen" in html


def test_a_partner_does_not_get_the_report(client, overdue, partner):
    client.force_login(partner)
    for url in (REVIEW_URL, f"/beheer/kennisbank/{overdue.pk}/herzien/"):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert not response["Location"].startswith("/beheer/kennisbank/")
        assert "Oude hennepaanpak" not in response.text
    assert client.post(f"/beheer/kennisbank/{overdue.pk}/herzien/").status_code in (302, 404)
    overdue.refresh_from_db()
    assert overdue.review_by < _today()


def test_a_beheerder_gets_404_on_the_report(client, overdue, make_user, login_with_mfa):
    login_with_mfa(client, make_user(Role.ADMIN, district=None))
    for url in (REVIEW_URL, REVIEW_URL + "resultaten/", f"/beheer/kennisbank/{overdue.pk}/herzien/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Oude hennepaanpak" not in response.text
    assert client.post(f"/beheer/kennisbank/{overdue.pk}/herzien/").status_code == 404
    overdue.refresh_from_db()
    assert overdue.review_by < _today() and overdue.last_reviewed_at is None


def test_mark_reviewed_moves_the_date_and_resolves_open_flags(client, overdue, secretariat, partner, login_with_mfa):
    ContentFlag.objects.create(page=overdue, reported_by=partner, comment="Klopt niet")
    ContentFlag.objects.create(page=overdue, reported_by=partner, comment="Link dood")
    login_with_mfa(client, secretariat)

    confirm = client.get(f"/beheer/kennisbank/{overdue.pk}/herzien/")
    assert confirm.status_code == 200 and "Link dood" in confirm.text
    response = client.post(f"/beheer/kennisbank/{overdue.pk}/herzien/")
    assert response.status_code == 302 and response["Location"] == REVIEW_URL

    overdue.refresh_from_db()
    assert overdue.review_by == _a_year_ahead()
    assert overdue.last_reviewed_at == _today()
    assert not ContentFlag.objects.filter(resolved_at__isnull=True).exists()
    assert set(ContentFlag.objects.values_list("resolved_by", flat=True)) == {secretariat.pk}
    assert _edit_link(overdue) not in client.get(REVIEW_URL).text


def test_publishing_an_older_revision_keeps_the_later_review_date(client, overdue, secretariat, login_with_mfa):
    old_revision = overdue.save_revision(user=secretariat)
    assert Revision.objects.get(pk=old_revision.pk).content["review_by"] < _today().isoformat()
    login_with_mfa(client, secretariat)
    client.post(f"/beheer/kennisbank/{overdue.pk}/herzien/")

    Revision.objects.get(pk=old_revision.pk).publish(user=secretariat)

    page = KnowledgePage.objects.get(pk=overdue.pk)
    assert page.review_by == _a_year_ahead()
    assert page.last_reviewed_at == _today()
    assert _edit_link(overdue) not in client.get(REVIEW_URL).text


def test_a_later_date_in_the_revision_wins_too(secretariat, overdue):
    """The later of the two dates is kept, whichever side it is on."""
    overdue.review_by = _a_year_ahead() + datetime.timedelta(days=30)
    revision = overdue.save_revision(user=secretariat)
    revision.publish(user=secretariat)
    assert KnowledgePage.objects.get(pk=overdue.pk).review_by == _a_year_ahead() + datetime.timedelta(days=30)
