"""A knowledge page's personal part (see core.audience_cache): the "was this useful?" vote with the
reader's own vote marked."""

from django.template.loader import render_to_string

from core.audience_cache import register_hole

from .models import KnowledgePage
from .selectors import helpful_summary


@register_hole("article_helpful", kept=True)
def article_helpful(request, page_id: int) -> str:
    """The hole sits only in a page its reader may see, so a logged-in reader may vote (as
    `user_can_give_feedback` decides for the live page)."""
    page = KnowledgePage(pk=page_id)
    context = {"page": page, "can_give_feedback": request.user.is_authenticated}
    context.update(helpful_summary(page=page, user=request.user))
    return render_to_string("knowledgebase/_helpful.html", context, request=request)
