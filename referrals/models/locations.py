import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..crypto import lookup_hash
from ..fields import EncryptedTextField


class VulnerableLocation(models.Model):
    """A place where criminals could settle, and its owner. Personal data is encrypted at rest; the hashes
    let the privacy officer find one owner by exact name, contact or address."""

    class Premises(models.TextChoices):
        BARN = "schuur", _("Schuur")
        SHED = "loods", _("Loods")
        STABLE = "stal", _("Stal")
        GREENHOUSE = "kas", _("Kas")
        BUSINESS = "bedrijfspand", _("Bedrijfspand")
        RECREATION = "recreatieterrein", _("Recreatieterrein")

    class Signal(models.TextChoices):
        VACANCY = "leegstand", _("Leegstand")
        FINANCIAL = "financiele_nood", _("Financiële nood")
        RENTAL_OFFER = "verdacht_huuraanbod", _("Verdacht huuraanbod")
        POWER = "afwijkend_stroomverbruik", _("Afwijkend stroomverbruik")
        SMELL_NOISE = "geur_of_geluid", _("Geur of geluid")
        OTHER = "anders", _("Anders")

    class Source(models.TextChoices):
        POLICE = "wijkagent", _("Wijkagent")
        YARD_VISITOR = "erfbetreder", _("Erfbetreder")
        DATA = "data_analyse", _("Data-analyse")
        REPORT = "melding", _("Melding")

    class State(models.TextChoices):
        IDENTIFIED = "geidentificeerd", _("Geïdentificeerd")
        VISITED = "bezocht", _("Bezocht")
        REFERRED = "doorverwezen", _("Doorverwezen")
        NO_ACTION = "geen_actie", _("Geen actie nodig")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente")
    )
    premises_kind = models.CharField(_("soort pand"), max_length=20, choices=Premises.choices)
    signals = models.JSONField(_("signalen"), default=list)
    source = models.CharField(_("bron"), max_length=20, choices=Source.choices)
    address = EncryptedTextField(_("adres"))
    owner_name = EncryptedTextField(_("naam eigenaar"))
    owner_contact = EncryptedTextField(_("contactgegevens eigenaar"), blank=True)
    address_hash = models.CharField(max_length=64, db_index=True, editable=False)
    owner_name_hash = models.CharField(max_length=64, db_index=True, editable=False)
    owner_contact_hash = models.CharField(max_length=64, db_index=True, editable=False, blank=True)
    state = models.CharField(_("stand"), max_length=20, choices=State.choices, default=State.IDENTIFIED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kwetsbare locatie")
        verbose_name_plural = _("kwetsbare locaties")

    def __str__(self):
        # Never the address or the owner: this string can end up in logs and admin screens.
        return f"{self._meta.verbose_name} {str(self.pk)[:8]}"

    def save(self, *args, **kwargs):
        self.address_hash = lookup_hash(self.address)
        self.owner_name_hash = lookup_hash(self.owner_name)
        self.owner_contact_hash = lookup_hash(self.owner_contact)
        super().save(*args, **kwargs)
