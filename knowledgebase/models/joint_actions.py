"""The register of integrale acties. Every partner reads it, so it holds no personal data and no
addresses: an area is a village or polder, findings are counts."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# (field, label): the categories of findings, in the order the forms and totals show them.
FINDING_FIELDS = [
    ("found_cannabis", _("Hennepkwekerij")),
    ("found_drug_lab", _("Drugslab of opslag")),
    ("found_drug_waste", _("Drugsafval")),
    ("found_illegal_housing", _("Illegale bewoning")),
    ("found_environmental", _("Milieuovertreding")),
    ("found_fire_safety", _("Brandonveilig")),
    ("found_vacancy", _("Leegstand")),
    ("found_nothing", _("Geen bijzonderheden")),
]

_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[A-Za-z]{2}\b")
_STREET_AND_NUMBER = re.compile(
    r"\b\w*(straat|weg|laan|dijk|pad|kade|plein|dreef|gracht|singel|steeg|hof|erf|dwarsweg|baan)\s+\d+",
    re.IGNORECASE,
)


def validate_no_address(value: str) -> None:
    if _POSTCODE.search(value or "") or _STREET_AND_NUMBER.search(value or ""):
        raise ValidationError(
            _(
                "Noem geen adres of postcode: het register is voor alle partners leesbaar. "
                "Noem alleen het dorp of de polder."
            ),
            code="address",
        )


class JointActionQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("municipality", "district").prefetch_related("organisations")


class JointAction(models.Model):
    date = models.DateField(_("datum"))
    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="joint_actions", verbose_name=_("gemeente")
    )
    district = models.ForeignKey(
        "stakeholders.District", on_delete=models.PROTECT, related_name="joint_actions", editable=False
    )
    area = models.CharField(
        _("gebied"),
        max_length=150,
        validators=[validate_no_address],
        help_text=_("Het dorp of de polder, geen adres."),
    )
    lead_aov = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_joint_actions",
        verbose_name=_("regie (AOV)"),
    )
    organisations = models.ManyToManyField(
        "stakeholders.Organisation",
        blank=True,
        related_name="joint_actions",
        verbose_name=_("deelnemende organisaties"),
    )
    premises_visited = models.PositiveIntegerField(_("aantal bezochte locaties"))
    found_cannabis = models.PositiveIntegerField(_("hennepkwekerij"), default=0)
    found_drug_lab = models.PositiveIntegerField(_("drugslab of opslag"), default=0)
    found_drug_waste = models.PositiveIntegerField(_("drugsafval"), default=0)
    found_illegal_housing = models.PositiveIntegerField(_("illegale bewoning"), default=0)
    found_environmental = models.PositiveIntegerField(_("milieuovertreding"), default=0)
    found_fire_safety = models.PositiveIntegerField(_("brandonveilig"), default=0)
    found_vacancy = models.PositiveIntegerField(_("leegstand"), default=0)
    found_nothing = models.PositiveIntegerField(_("geen bijzonderheden"), default=0)
    follow_up = models.TextField(_("vervolgmaatregelen"), blank=True, max_length=4000, validators=[validate_no_address])
    press_release = models.BooleanField(_("persbericht uitgegaan"), default=False)
    press_link = models.URLField(_("link naar het persbericht"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JointActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrale actie")
        verbose_name_plural = _("integrale acties")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["district", "date"])]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.municipality.name}, {self.area}"

    def save(self, *args, **kwargs):
        self.district_id = self.municipality.district_id
        super().save(*args, **kwargs)

    @property
    def findings(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, field)) for field, label in FINDING_FIELDS]

    @property
    def findings_total(self) -> int:
        return sum(getattr(self, field) for field, _label in FINDING_FIELDS if field != "found_nothing")
