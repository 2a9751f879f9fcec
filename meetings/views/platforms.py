from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core.permissions import pages_visible_to

from ..models import DistrictPlatformPage
from ..permissions import platform_district_ids_for


@login_required
def platform_list(request):
    """'Mijn platforms': the platform pages the user may open (one click to the next meeting)."""
    if platform_district_ids_for(request.user) == frozenset():
        raise Http404
    platforms = pages_visible_to(request.user, DistrictPlatformPage.objects.all()).select_related("district")
    return render(request, "meetings/platform_list.html", {"platforms": platforms.order_by("title")})
