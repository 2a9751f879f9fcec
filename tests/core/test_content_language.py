"""Language of parts (WCAG 3.1.2): with the interface in English, Dutch content carries lang="nl" on its
container while the page itself (html, menu, headings of the interface) says lang="en"."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db


def _render(source: str, **context) -> str:
    return Template("{% load content_language %}" + source).render(Context(context))


def test_the_tag_and_filter_mark_dutch_content_only_when_the_interface_is_not_dutch():
    with translation.override("nl"):
        assert _render("<div{% content_lang %}>x</div>") == "<div>x</div>"
        assert _render("{{ v|dutch }}", v="Besluit <b>") == "Besluit &lt;b&gt;"
    with translation.override("en"):
        assert _render("<div{% content_lang %}>x</div>") == '<div lang="nl">x</div>'
        assert _render("{{ v|dutch }}", v="Besluit <b>") == '<span lang="nl">Besluit &lt;b&gt;</span>'
        assert _render("{{ v|dutch }}", v="") == ""


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_statement_in_english_interface_has_dutch_content_and_english_chrome(client, reference_data):
    _english(client)
    html = client.get("/toegankelijkheidsverklaring/").text
    assert '<html lang="en">' in html
    assert re.search(r'<div lang="nl" class="statement">\s*<h1>Toegankelijkheidsverklaring</h1>', html)
    assert "Last updated" in html  # the interface line stays English, outside the Dutch container
    statement = html[html.index('<div lang="nl" class="statement">') :]
    assert "Last updated" not in statement[: statement.index("</div>\n")]


def test_article_meeting_and_notifications_mark_their_dutch_content(client, make_user, login_with_mfa):
    from core.roles import Role
    from notifications.services import notify
    from tests.knowledgebase.factories import article
    from tests.meetings.factories import meeting

    user = make_user(Role.PARTNER, district="KEN")
    page = article("Drugsafval in het buitengebied", visibility="public")
    held = meeting("KEN", title="Platformoverleg Kennemerland maart", starts_in_days=3, items=2)
    notify(recipients=[user], kind="announcement", title="Nieuwe agenda gepubliceerd", url="/", email=False)
    login_with_mfa(client, user)
    _english(client)

    html = client.get(page.url).text
    assert '<html lang="en">' in html
    assert '<h1 lang="nl">Drugsafval in het buitengebied</h1>' in html
    assert '<div class="rich-text" lang="nl">' in html

    html = client.get(held.url).text
    assert '<h1 lang="nl">Platformoverleg Kennemerland maart</h1>' in html
    first_item = held.agenda_items.first()
    assert f'<span lang="nl">{first_item.title}</span>' in html

    html = client.get("/meldingen/").text
    assert re.search(r'<a href="/" lang="nl">Nieuwe agenda gepubliceerd</a>', html)
