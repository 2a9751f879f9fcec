"""CRM tools in the Wagtail admin beyond the snippet screens (secretariat only), under /beheer/crm/."""

from django.urls import include, path

urlpatterns = [
    path("import/", include("stakeholders.admin_views.imports")),
    path("samenvoegen/", include("stakeholders.admin_views.merge")),
    path("persoonsgegevens/", include("stakeholders.admin_views.personal_data")),
]
