from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views
from knowledgebase.feeds import PublicPagesSitemap
from surveys.urls import public_urlpatterns as surveys_public_urls

from . import views as platform_views

urlpatterns = [
    path("health/", platform_views.health, name="health"),
    path("health/live/", platform_views.liveness, name="liveness"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("taal/<str:code>/", core_views.language_choose, name="language_choose"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("account/", include("accounts.urls")),
    path("meldingen/", include("notifications.urls")),
    path("", include("stakeholders.urls")),
    path("", include("knowledgebase.urls")),
    path("", include("meetings.urls")),
    path("doorverwijzingen/", include("referrals.urls")),
    path("zoeken/", include("search.urls")),
    path("trainingen/", include("trainings.urls")),
    path("informatieavonden/", include("evenings.urls")),
    path("voortgang/", include("monitoring.urls")),
    path("enquetes/", include("surveys.urls")),
    path("vragenlijst/", include((surveys_public_urls, "questionnaire"))),
    path("beeld/", include("core.media_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PublicPagesSitemap}}, name="sitemap"),
    # Wagtail's own password login must not exist: every way in goes through our login and MFA.
    path("beheer/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("beheer/", include(wagtailadmin_urls)),
    path("documenten/", include(wagtaildocs_urls)),
    # Wagtail's front-end password login would be a way in without our throttling and code step.
    path("_util/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    # Pages: Wagtail's serve view without its second reading of the view restrictions (core.views.serve_page).
    re_path(r"^((?:[\w\-]+/)*)$", core_views.serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

# MEDIA_ROOT is never served as such, not even in development: documents go through Wagtail's
# permission-checked serve view (/documenten/) and images through core.media (/beeld/).
