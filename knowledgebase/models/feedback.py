from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HelpfulVote(models.Model):
    """'Was dit nuttig?': one vote per user per page; voting again changes the vote."""

    page = models.ForeignKey("knowledgebase.KnowledgePage", on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stem 'nuttig'")
        constraints = [models.UniqueConstraint(fields=["page", "user"], name="one_helpful_vote_per_user")]

    def __str__(self):
        return f"{self.page_id}/{self.user_id}: {self.helpful}"


class ContentFlag(models.Model):
    """A reader's report that a page needs an update; the secretariat resolves it."""

    page = models.ForeignKey("knowledgebase.KnowledgePage", on_delete=models.CASCADE, related_name="flags")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("gemeld door")
    )
    comment = models.TextField(_("wat klopt er niet meer?"), max_length=2000)
    created_at = models.DateTimeField(_("gemeld op"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("melding 'moet worden bijgewerkt'")
        verbose_name_plural = _("meldingen 'moet worden bijgewerkt'")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.page}: {self.comment[:40]}"
