import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import EncryptedTextField


class Referral(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "aangemeld", _("Aangemeld")
        ASSIGNED = "toegewezen", _("Toegewezen")
        CONTACTED = "contact_gelegd", _("Contact gelegd")
        FIRST_CONVERSATION = "eerste_gesprek", _("Eerste gesprek gehouden")
        FOLLOW_UP = "vervolg", _("Vervolg")
        CLOSED = "afgesloten", _("Afgesloten")

    class FollowUp(models.TextChoices):
        DISTRICT_TEAM = "wijkteam", _("Wijkteam")
        CARE = "hulpverlening", _("Hulpverlening")
        OTHER = "anders", _("Anders")

    class Outcome(models.TextChoices):
        HELPED = "geholpen", _("Geholpen")
        NO_NEED = "geen_behoefte", _("Geen behoefte")
        NOT_REACHED = "niet_bereikt", _("Niet bereikt")
        REFERRED = "doorverwezen", _("Doorverwezen")

    class LegalBasis(models.TextChoices):
        CONSENT = "toestemming", _("Toestemming van de eigenaar (AVG art. 6 lid 1a)")
        PUBLIC_TASK = "publieke_taak", _("Publieke taak van de gemeente (AVG art. 6 lid 1e)")

    # Which status may follow which; closing and reopening need a text (services check it).
    TRANSITIONS = {
        Status.REGISTERED: {Status.ASSIGNED, Status.CLOSED},
        Status.ASSIGNED: {Status.ASSIGNED, Status.CONTACTED, Status.CLOSED},
        Status.CONTACTED: {Status.FIRST_CONVERSATION, Status.CLOSED},
        Status.FIRST_CONVERSATION: {Status.FOLLOW_UP, Status.CLOSED},
        Status.FOLLOW_UP: {Status.CLOSED},
        Status.CLOSED: {Status.ASSIGNED},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey("referrals.VulnerableLocation", on_delete=models.PROTECT, related_name="referrals")
    municipality = models.ForeignKey("stakeholders.Municipality", on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = EncryptedTextField(_("reden"))
    owner_consent = models.BooleanField(_("eigenaar stemt in met contact"))
    legal_basis = models.CharField(_("grondslag"), max_length=20, choices=LegalBasis.choices)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    follow_up = models.CharField(_("vervolg"), max_length=20, choices=FollowUp.choices, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    first_conversation_on = models.DateField(_("eerste gesprek op"), null=True, blank=True)
    first_conversation_paid = models.BooleanField(_("eerste gesprek betaald door NHSV"), default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("doorverwijzing")
        verbose_name_plural = _("doorverwijzingen")
        indexes = [models.Index(fields=["coach", "status"]), models.Index(fields=["municipality", "status"])]

    def __str__(self):
        return f"{self._meta.verbose_name} {str(self.pk)[:8]}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ReferralNote(models.Model):
    """The coach's own notes and steps; nobody else reads them (the FG only through a data-subject request)."""

    class Kind(models.TextChoices):
        NOTE = "notitie", _("Notitie")
        STEP = "stap", _("Stap")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = EncryptedTextField(_("tekst"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.kind} {str(self.pk)[:8]}"


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    text = EncryptedTextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"
