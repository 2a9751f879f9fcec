"""Module 3: the e-learning Drugsview. The programme pays for at most ten participants per municipality."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PER_MUNICIPALITY = 10


class ELearningEnrolment(models.Model):
    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="elearning_enrolments",
        verbose_name=_("gemeente"),
    )  # fmt: skip
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"))
    job_title = models.CharField(_("functie"), max_length=200, blank=True)
    enrolled_on = models.DateField(_("ingeschreven op"))
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    certificate_on = models.DateField(_("certificaat behaald op"), null=True, blank=True)
    # Private: served only through the permission-checked download view, never by its media URL.
    certificate_file = models.FileField(_("certificaat (PDF)"), upload_to="private/elearning-certificates/", blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "email"], name="elearning_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(certificate_on__isnull=True) | models.Q(completed_on__isnull=False),
                name="elearning_certificate_after_completion",
            ),
        ]
        verbose_name = _("deelnemer e-learning")
        verbose_name_plural = _("deelnemers e-learning")

    def __str__(self):
        return f"{self.name} ({self.municipality})"
