from django.db.models import Q

from .models import RoleGrant, User


def users_for_management(*, q: str = ""):
    users = User.objects.prefetch_related("groups").order_by("last_name", "first_name", "email")
    if q:
        users = users.filter(Q(email__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    return users[:200]


def pending_role_grants():
    return RoleGrant.objects.filter(status=RoleGrant.Status.REQUESTED).select_related("user", "requested_by")
