"""A form posted from a page that Wagtail serves comes back to that page after a redirect. What the reader typed
and the error beside the field travel once through the session, so the page shows them where the field is
(WCAG 3.3.1) instead of only at the top, and nothing typed is lost."""

CONTENT_FLAG = "knowledgebase.returned_content_flag"


def keep_returned_content_flag(request, *, page_id: int, error: str, comment: str) -> None:
    request.session[CONTENT_FLAG] = {"page": page_id, "error": str(error), "comment": comment[:2000]}


def returned_content_flag(request, *, page_id: int) -> dict | None:
    """The returned form for this page, once; another page leaves it waiting."""
    session = getattr(request, "session", None)
    if session is None or CONTENT_FLAG not in session:
        return None
    if session[CONTENT_FLAG].get("page") != page_id:
        return None
    return session.pop(CONTENT_FLAG)
