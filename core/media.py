"""Images and documents are served only to people who may see a page that uses them (or who manage
them in the CMS). MEDIA_ROOT itself is never exposed; this is the only way to the files.

Other capabilities (meetings) register their own owners of files with `register_file_owner`."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError
from wagtail.images.utils import generate_signature, verify_signature
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .permissions import pages_visible_to

# (user, file object) -> True when some other owner (a meeting, say) lets this user see the file.
_file_owners: list[Callable[[object, object], bool]] = []


def register_file_owner(check: Callable[[object, object], bool]) -> None:
    if check not in _file_owners:
        _file_owners.append(check)


def _page_ids_using(obj) -> list[int]:
    page_type = ContentType.objects.get_for_model(Page)
    object_ids = (
        ReferenceIndex.get_references_to(obj).filter(base_content_type=page_type).values_list("object_id", flat=True)
    )
    return [int(pk) for pk in object_ids if str(pk).isdigit()]


def _manages(user, obj) -> bool:
    model = get_image_model() if isinstance(obj, get_image_model()) else get_document_model()
    policy = policy_registry.get_by_type(model)
    return user.is_authenticated and policy.user_has_permission_for_instance(user, "choose", obj)


def user_can_view_file(user, obj) -> bool:
    """An image or document: used on a page the user may see, or theirs to manage, or let through by
    another owner. A file used nowhere is for the CMS only."""
    if _manages(user, obj):
        return True
    if pages_visible_to(user).filter(pk__in=_page_ids_using(obj)).exists():
        return True
    return any(check(user, obj) for check in _file_owners)


def is_public_file(obj) -> bool:
    from django.contrib.auth.models import AnonymousUser

    return user_can_view_file(AnonymousUser(), obj)


def protected_image_url(image, filter_spec: str) -> str:
    signature = generate_signature(image.pk, filter_spec)
    return reverse("core_media:image", args=[signature, image.pk, filter_spec])


def serve_image(request, signature: str, image_id: int, filter_spec: str):
    if not verify_signature(signature.encode(), image_id, filter_spec):
        raise Http404
    image = get_object_or_404(get_image_model(), pk=image_id)
    if not user_can_view_file(request.user, image):
        return _refused(request)
    try:
        rendition = image.get_rendition(filter_spec)
    except (SourceImageIOError, InvalidFilterSpecError):
        raise Http404 from None
    with rendition.get_willow_image() as willow_image:
        mime_type = willow_image.mime_type
    response = FileResponse(rendition.file.open("rb"), content_type=mime_type)
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    if is_public_file(image):
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, max_age=600)
        patch_vary_headers(response, ["Cookie"])
    return response


def _refused(request):
    """Design section 3, as for pages: an anonymous visitor logs in, a logged-in reader without access gets 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def check_document_access(document, request):
    """The before_serve_document hook."""
    if user_can_view_file(request.user, document):
        return None
    return _refused(request)
