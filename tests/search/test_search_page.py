"""The search page as people use it: Dutch words, synonyms, parts of words, typos, facets, and never a
word from somewhere the user may not go."""

import pytest

from core.roles import Role
from search.models import SearchDocument
from tests.referrals.conftest import HAARLEM, aov_of

from .conftest import SECRET_WORD

pytestmark = pytest.mark.django_db


def _client_for(client, user, login_with_mfa):
    if user is not None:
        login_with_mfa(client, user)
    return client


def _search(client, **params):
    response = client.get("/zoeken/", params)
    assert response.status_code == 200
    return response


def test_a_partner_finds_the_best_practice_by_a_synonym_with_the_words_marked(client, portal, people, login_with_mfa):
    _client_for(client, people["partner_ken"], login_with_mfa)
    response = _search(client, q="wietplantage schuur")
    hits = response.context["response"].hits
    assert hits[0].title == "Hennepkwekerij in een schuur"
    html = response.content.decode()
    assert "<mark>Hennepkwekerij</mark>" in html or "<mark>hennepkwekerij</mark>" in html.lower()


def test_part_of_a_compound_finds_the_whole_word(client, portal, people, login_with_mfa):
    _client_for(client, people["partner_ken"], login_with_mfa)
    titles = [h.title for h in _search(client, q="lab").context["response"].hits]
    assert "Drugslab herkennen" in titles


@pytest.mark.parametrize("who", ["anonymous", "partner_nhn", "coach", "admin", "privacy_officer"])
def test_a_word_from_district_private_minutes_never_shows_outside_the_district(
    client, portal, people, login_with_mfa, who
):
    _client_for(client, people[who], login_with_mfa)
    response = _search(client, q=SECRET_WORD)
    result = response.context["response"]
    assert result.total == 0 and result.hits == [] and result.facets == {}
    html = response.content.decode()
    assert "Notulen Platformoverleg" not in html and "<mark>" not in html
    # Not as a suggestion for a misspelling either, nor among the title suggestions.
    misspelt = _search(client, q=SECRET_WORD[:-2] + "n").context["response"]
    assert misspelt.suggestion is None and misspelt.total == 0
    titles = client.get("/zoeken/titels/", {"q": "platformoverleg kennemerland"}).json()["results"]
    assert titles == []


def test_the_district_member_finds_the_minutes_and_gets_the_spelling_suggestion(client, portal, people, login_with_mfa):
    _client_for(client, people["partner_ken"], login_with_mfa)
    result = _search(client, q=SECRET_WORD).context["response"]
    assert [h.doc_type for h in result.hits] == ["minutes"]
    misspelt = _search(client, q=SECRET_WORD[:-2] + "n").context["response"]
    assert misspelt.showing_suggestion and misspelt.suggestion == SECRET_WORD and misspelt.total == 1
    titles = client.get("/zoeken/titels/", {"q": "platformoverleg kennem"}).json()["results"]
    assert {t["title"] for t in titles} == {
        "Platformoverleg Kennemerland voorjaar",
        "Platformoverleg Kennemerland zomer",
        "Notulen Platformoverleg Kennemerland voorjaar",  # published; the summer minutes are a concept
    }


def test_concept_minutes_are_found_by_the_secretariat_only(client, portal, people, login_with_mfa):
    _client_for(client, people["partner_ken"], login_with_mfa)
    assert _search(client, q="mestkelders").context["response"].total == 0
    client.logout()
    _client_for(client, people["secretariat"], login_with_mfa)
    assert _search(client, q="mestkelders").context["response"].total == 1


def test_facets_count_only_visible_documents_and_narrow_the_results(client, portal, people, login_with_mfa):
    _client_for(client, people["partner_ken"], login_with_mfa)
    response = _search(client, q="drugsafval")
    facets = response.context["response"].facets
    districts = {v.key: v.count for v in facets.get("district", [])}
    assert "NHN" not in districts  # the NHN-only article and NHN action item are not this partner's
    narrowed = _search(client, q="drugsafval", type="decision").context["response"]
    assert narrowed.total == 1 and narrowed.hits[0].doc_type == "decision"
    assert {v.key for v in narrowed.facets["type"]} == {"decision"}


def test_sort_by_date_and_paging_out_of_range_are_normal_pages(client, portal, people, login_with_mfa):
    _client_for(client, people["secretariat"], login_with_mfa)
    dated = _search(client, q="platformoverleg", sort="date").context["response"].hits
    dates = [h.date for h in dated if h.date]
    assert dates == sorted(dates, reverse=True)
    assert _search(client, q="platformoverleg", page="999").context["response"].hits == []
    assert _search(client, q="platformoverleg", page="abc").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        '"unbalanced quote schuur',
        "schuur OR (drugs AND -lab",
        "title:schuur^3 AND body:[* TO *]",
        "'; DROP TABLE portal_search_searchdocument; --",
        '" OR 1=1 --',
        "😀🚜🌾",
        "NEAR(schuur lab) * ~ ? : \\ / ||| &&",
        "-",
        '""',
        "\x00schuur",
    ],
)
def test_hostile_or_empty_queries_give_a_normal_page(client, portal, people, login_with_mfa, query):
    _client_for(client, people["partner_ken"], login_with_mfa)
    response = client.get("/zoeken/", {"q": query, "type": "<script>", "year": "1; DROP", "district": "KEN'"})
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</header>")[1]
    assert client.get("/zoeken/titels/", {"q": query}).status_code == 200
    assert SearchDocument.objects.count() > 10  # nothing was dropped


def test_hostile_titles_and_text_are_escaped_in_results(client, portal, people, login_with_mfa):
    from tests.knowledgebase.factories import article

    article('Schuur <img src=x onerror="alert(1)"> tips', visibility="public")
    from search.indexing import rebuild

    rebuild(["best_practice"])
    response = _search(client, q="schuur tips")
    html = response.content.decode()
    assert 'onerror="alert(1)"' not in html
    assert "&lt;img" in html


def test_an_empty_query_shows_help_and_no_results(client, portal):
    response = _search(client, q="")
    assert "response" not in response.context
    assert "Waar kunt u naar zoeken?" in response.content.decode()


def test_a_referral_is_found_by_no_one(client, portal, people, make_user, login_with_mfa):
    from referrals.services import location_create, referral_create
    from stakeholders.models import Municipality

    aov = aov_of(make_user, HAARLEM, "KEN")
    location = location_create(
        user=aov,
        municipality=Municipality.objects.get(cbs_code=HAARLEM),
        premises_kind="schuur",
        signals=["leegstand"],
        source="wijkagent",
        address="Kwetsbaarweg 7, 2000 AA Spaarndam",
        owner_name="Hendrikus Vertrouwelijk",
        owner_contact="hv@example.nl",
    )
    referral_create(
        user=aov,
        location=location,
        reason="Schulden en een verdacht huuraanbod.",
        owner_consent=True,
        legal_basis="toestemming",
    )
    from search.indexing import rebuild

    rebuild()
    assert not SearchDocument.objects.filter(body__icontains="Vertrouwelijk").exists()
    assert not SearchDocument.objects.filter(body__icontains="Kwetsbaarweg").exists()
    for user in [aov, people["secretariat"], make_user(Role.COACH_COORDINATOR, district=None)]:
        client.logout()
        _client_for(client, user, login_with_mfa)
        assert _search(client, q="Vertrouwelijk").context["response"].total == 0
        assert _search(client, q="Kwetsbaarweg").context["response"].total == 0


def test_a_misspelt_word_beside_a_good_one_shows_did_you_mean_above_the_typed_words_results(
    client, portal, people, login_with_mfa
):
    """The reader's own words are never silently replaced while they find something (#21)."""
    _client_for(client, people["partner_ken"], login_with_mfa)
    page = _search(client, q="wietplantge schuur")
    result = page.context["response"]
    assert not result.showing_suggestion and result.partial and result.total >= 1
    assert result.suggestion == "wietplantage schuur"
    assert page.context["query"] == "wietplantge schuur"
    html = page.content.decode()
    assert html.index("Bedoelde u:") < html.index('class="search-layout"')
    followed = client.get("/zoeken/" + page.context["suggestion_url"]).context["response"]
    assert not followed.partial and followed.hits[0].title == "Hennepkwekerij in een schuur"


def test_a_misspelt_query_that_finds_nothing_shows_the_corrected_results_and_says_so(
    client, portal, people, login_with_mfa
):
    _client_for(client, people["partner_ken"], login_with_mfa)
    page = _search(client, q="wietplantge")
    result = page.context["response"]
    assert result.showing_suggestion and result.suggestion == "wietplantage" and result.total >= 1
    assert "Niets gevonden voor" in page.content.decode() and page.context["original_url"]


def test_when_no_result_has_every_word_the_page_says_it_shows_some_of_them(client, portal, people, login_with_mfa):
    _client_for(client, people["partner_ken"], login_with_mfa)
    response = _search(client, q="schuur qqqxyzzy")
    assert response.context["response"].partial and response.context["response"].total >= 1
    assert "Niets gevonden met al uw woorden" in response.content.decode()


def test_a_word_only_hidden_documents_contain_is_neither_suggested_nor_treated_as_known(client, portal):
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    article("Erfbezoek bij een bakker in de polder", visibility="public")
    article("Notitie over Backer", visibility="districts", districts=("NHN",))
    rebuild(["best_practice"])
    result = _search(client, q="backer").context["response"]  # anonymous: Backer is hidden from them
    assert result.showing_suggestion and result.suggestion == "bakker"
    assert [h.title for h in result.hits] == ["Erfbezoek bij een bakker in de polder"]


def test_an_anonymised_persons_name_leaves_the_vocabulary_at_once(portal):
    from django.utils import timezone

    from search.indexing import index_keys
    from search.models import SearchTerm

    contact = portal["contacts"]["consenting"]
    contact.last_name = "Zwartvaarder"
    contact.save()
    index_keys([("contact", str(contact.pk))])
    assert SearchTerm.objects.filter(word="zwartvaarder").exists()
    contact.anonymised_at = timezone.now()
    contact.save()
    index_keys([("contact", str(contact.pk))])
    assert not SearchTerm.objects.filter(word="zwartvaarder").exists()


@pytest.fixture
def many_barns(reference_data):
    """Fifteen public articles with one rare word: two pages of a query that needs correcting."""
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    for number in range(15):
        article(f"Schuurcontrole polder {number + 1}", visibility="public", intro="Een mestsilo zonder mest.")
    rebuild(["best_practice"])


def _titles(response) -> list[str]:
    return [hit.title for hit in response.context["response"].hits]


def test_page_two_of_a_corrected_query_shows_the_next_ten_hits(client, many_barns):
    first = _search(client, q="mestsilp")
    assert first.context["response"].showing_suggestion and first.context["response"].total == 15
    assert len(_titles(first)) == 10
    second = client.get("/zoeken/" + first.context["next_url"])
    assert second.context["response"].showing_suggestion and second.context["search"].page == 2
    assert len(_titles(second)) == 5 and not set(_titles(second)) & set(_titles(first))
    assert "Pagina 2 van 2" in second.content.decode()
    assert set(_titles(first)) | set(_titles(second)) == {f"Schuurcontrole polder {n}" for n in range(1, 16)}


def test_paging_a_literal_query_stays_literal(client, many_barns):
    """After "Toch zoeken naar ...", the page shows the typed words, with the correction offered again."""
    corrected = _search(client, q="mestsilp")
    assert corrected.context["response"].showing_suggestion
    literal = client.get("/zoeken/" + corrected.context["original_url"])
    assert not literal.context["response"].showing_suggestion and literal.context["response"].total == 0
    assert literal.context["response"].suggestion == "mestsilo" and literal.context["query"] == "mestsilp"


def test_paging_a_partly_found_query_keeps_the_typed_words(client, many_barns):
    typed = _search(client, q="mestsilp polder")
    assert not typed.context["response"].showing_suggestion and typed.context["response"].partial
    assert typed.context["response"].suggestion == "mestsilo polder"
    second = client.get("/zoeken/" + typed.context["next_url"])
    assert second.context["query"] == "mestsilp polder" and second.context["search"].page == 2
    assert not second.context["response"].showing_suggestion
    assert not set(_titles(second)) & set(_titles(typed))
    date_sorted = client.get("/zoeken/" + typed.context["sort_urls"]["date"])
    assert not date_sorted.context["response"].showing_suggestion


def test_the_did_you_mean_link_keeps_the_chosen_filters_and_sort(client, many_barns):
    literal = _search(client, q="mestsilp polder", letterlijk="1", type="best_practice", sort="date")
    assert literal.context["response"].suggestion
    followed = client.get("/zoeken/" + literal.context["suggestion_url"])
    assert followed.context["search"].filters.get("type") == "best_practice"
    assert followed.context["search"].sort == "date"
    assert followed.context["query"] == literal.context["response"].suggestion


@pytest.fixture
def suggestion_titles(reference_data):
    from search.indexing import rebuild
    from tests.knowledgebase.factories import article

    for title in ["Drugslab in een loods", "Labels op vaten", "Melding van een lab", "Hennepkwekerij in een schuur"]:
        article(title, visibility="public")
    article("Verborgen drugslab in Heemskerk", visibility="districts", districts=("NHN",))
    rebuild(["best_practice"])


def _suggested(client, typed: str) -> list[str]:
    return [s["title"] for s in client.get("/zoeken/titels/", {"q": typed}).json()["results"]]


def test_title_suggestions_match_inside_words_closest_first(client, suggestion_titles):
    """#21: "lab" suggests the drugslab page too; a title that starts with the word comes first, then a word
    that starts with it, then a word that holds it; a page the reader may not open never."""
    assert _suggested(client, "lab") == ["Labels op vaten", "Melding van een lab", "Drugslab in een loods"]
    assert _suggested(client, "la") == ["Labels op vaten", "Melding van een lab"]  # two letters: word starts only


def test_title_suggestions_tolerate_a_typo_in_a_typed_word(client, suggestion_titles):
    assert _suggested(client, "henepkwekerij") == ["Hennepkwekerij in een schuur"]
    assert _suggested(client, "drugslap loods") == ["Drugslab in een loods"]
    assert _suggested(client, "heemskrk") == []  # only a hidden page holds the word: nothing is corrected to it
