"""Figures per module that are entered (module 1 survey and police figures, module 2 information evenings,
module 3 training). Module 4 (platform attendance) and module 5 (locations and referrals) are derived from the
meetings and the referral register and are never stored here, so they cannot drift from their source.

The database constraints repeat the service rules: a response above the number of addresses or a negative
count cannot be stored even by a script that skips the services."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class SurveyResult(models.Model):
    """Module 1: the outcome of one survey round of a municipality (one per year)."""

    class Source(models.TextChoices):
        HAND = "hand", _("Ingevoerd (enquête buiten het portaal)")
        PORTAL = "portaal", _("Enquête in het portaal")

    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="survey_results", verbose_name=_("gemeente")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    addresses_mailed = models.PositiveIntegerField(_("aangeschreven adressen"))
    responses = models.PositiveIntegerField(_("ingevulde vragenlijsten"))
    willing_to_report_pct = models.DecimalField(
        _("meldingsbereidheid (%)"), max_digits=4, decimal_places=1, validators=PERCENT
    )
    knows_signals_pct = models.DecimalField(
        _("kent de signalen (%)"), max_digits=4, decimal_places=1, validators=PERCENT
    )
    report_on = models.DateField(_("datum rapportage"), null=True, blank=True)
    press_release_on = models.DateField(_("datum persbericht"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices, default=Source.HAND)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="survey_result_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(responses__lte=models.F("addresses_mailed")), name="survey_responses_le_addresses"
            ),
            models.CheckConstraint(
                condition=models.Q(willing_to_report_pct__gte=0, willing_to_report_pct__lte=100)
                & models.Q(knows_signals_pct__gte=0, knows_signals_pct__lte=100),
                name="survey_shares_are_percentages",
            ),
        ]
        verbose_name = _("enquêteresultaat")
        verbose_name_plural = _("enquêteresultaten")

    def __str__(self):
        return f"{self.municipality} {self.year}"

    @property
    def response_rate(self) -> Decimal | None:
        if not self.addresses_mailed:
            return None
        return (Decimal(self.responses) * 100 / self.addresses_mailed).quantize(Decimal("0.1"))


class PoliceFigures(models.Model):
    """Police figures of a municipality over a calendar year (entered or imported from the police's CSV)."""

    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="police_figures", verbose_name=_("gemeente")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    cannabis_farms = models.PositiveIntegerField(_("hennepkwekerijen"))
    drug_labs = models.PositiveIntegerField(_("drugslabs"))
    drug_dumpings = models.PositiveIntegerField(_("drugsdumpingen"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "municipality__name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="police_figures_once_per_year")]
        verbose_name = _("politiecijfers")
        verbose_name_plural = _("politiecijfers")

    def __str__(self):
        return f"{self.municipality} {self.year}"


class InformationEvening(models.Model):
    """Module 2: an information evening for residents and entrepreneurs of the rural area."""

    municipality = models.ForeignKey(
        "stakeholders.Municipality",
        on_delete=models.PROTECT,
        related_name="information_evenings",
        verbose_name=_("gemeente"),
    )
    held_on = models.DateField(_("datum"))
    attendance = models.PositiveIntegerField(_("aantal aanwezigen"))
    materials_handed_out = models.PositiveIntegerField(_("uitgereikte materialen"), default=0)
    notes = models.TextField(_("toelichting"), blank=True, max_length=2000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("informatieavond")
        verbose_name_plural = _("informatieavonden")

    def __str__(self):
        return f"{self.municipality} {self.held_on}"


class Training(models.Model):
    """Module 3: an e-learning round (participants, certificates) or a classroom training (attendance)."""

    # The programme pays for at most this many e-learning certificates per municipality (all years together).
    MAX_CERTIFICATES = 10

    class Kind(models.TextChoices):
        ELEARNING = "elearning", _("E-learning")
        TRAINING = "training", _("Training")

    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="trainings", verbose_name=_("gemeente")
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("datum (of start van de ronde)"))
    participants = models.PositiveIntegerField(_("deelnemers"))
    certificates = models.PositiveIntegerField(_("certificaten"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(certificates__lte=models.F("participants")), name="training_certificates_le_people"
            ),
        ]
        verbose_name = _("training of e-learning")
        verbose_name_plural = _("trainingen en e-learning")

    def __str__(self):
        return f"{self.municipality} {self.get_kind_display()} {self.held_on}"
