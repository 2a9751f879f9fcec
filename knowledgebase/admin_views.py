"""The secretariat's report of knowledge pages to review: past their review date, not reviewed for a
year, or flagged by readers as needing an update."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports.base import ReportView

from core.roles import Role

from . import services
from .models import ContentFlag, KnowledgePage


def _is_secretariat(user) -> bool:
    return user.is_superuser or user.has_role(Role.SECRETARIAT)


class ReviewDueReportView(ReportView):
    """A plain ReportView: PageReportView renders its fixed page table and would ignore `columns`."""

    page_title = gettext_lazy("Kennisbank: te herzien")
    header_icon = "time"
    index_url_name = "knowledgebase_review_due"
    index_results_url_name = "knowledgebase_review_due_results"
    model = KnowledgePage
    list_export = ["title", "review_by", "last_reviewed_at", "open_flags"]
    export_headings = {"title": _("Titel"), "review_by": _("Herzien vóór"), "open_flags": _("Open meldingen")}
    columns = [
        TitleColumn("title", label=gettext_lazy("Titel"), url_name="wagtailadmin_pages:edit"),
        DateColumn("review_by", label=gettext_lazy("Herzien vóór")),
        DateColumn("last_reviewed_at", label=gettext_lazy("Laatst herzien")),
        Column("open_flags", label=gettext_lazy("Open meldingen")),
        TitleColumn(
            "review_action",
            label=gettext_lazy("Actie"),
            get_url=lambda page: reverse("knowledgebase_mark_reviewed", args=[page.pk]),
        ),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not _is_secretariat(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        today = datetime.date.today()
        a_year_ago = today - datetime.timedelta(days=365)
        return (
            KnowledgePage.objects.live()
            .annotate(
                open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)),
                review_action=Value(str(_("Markeer als herzien"))),
            )
            .filter(
                Q(review_by__lt=today)
                | Q(last_reviewed_at__lt=a_year_ago)
                | Q(last_reviewed_at__isnull=True, last_published_at__date__lt=a_year_ago)
                | Q(open_flags__gt=0)
            )
            .order_by("review_by")
        )


def mark_reviewed(request, page_id: int):
    if not _is_secretariat(request.user):
        raise Http404
    page = get_object_or_404(KnowledgePage, pk=page_id)
    if request.method == "POST":
        services.page_mark_reviewed(user=request.user, page=page)
        messages.success(request, _("'%(title)s' is gemarkeerd als herzien.") % {"title": page.title})
        return redirect("knowledgebase_review_due")
    flags = ContentFlag.objects.filter(page=page, resolved_at__isnull=True).select_related("reported_by")
    return TemplateResponse(request, "knowledgebase/admin/mark_reviewed.html", {"page": page, "flags": flags})
