"""A survey campaign of one municipality, its questions and its log.

The letters PDF is the only place where codes meet addresses. It lives as a private file (never under a media
URL) until the campaign opens, then it is deleted and the deletion logged; the address file itself is never
stored."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "concept", _("In voorbereiding")
        OPEN = "open", _("Open")
        CLOSED = "gesloten", _("Gesloten")

    class Area(models.TextChoices):
        """Module 1 asks the rural area; a municipality without one but with business parks asks the owners,
        landlords and tenants of business premises there. The two are never compared or counted together."""

        RURAL = "buitengebied", _("Buitengebied: bewoners en ondernemers")
        BUSINESS_PARK = "bedrijventerrein", _("Bedrijventerrein: eigenaren, verhuurders en huurders van bedrijfspanden")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        "stakeholders.Municipality",
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
        verbose_name=_("gemeente"),
    )
    area = models.CharField(
        _("soort enquête"),
        max_length=20,
        choices=Area.choices,
        default=Area.RURAL,
        help_text=_(
            "Kies bedrijventerrein voor een gemeente zonder buitengebied maar met bedrijventerreinen: dan krijgt de "
            "enquête eigen standaardvragen, gaan de brieven naar de bedrijven en telt de uitkomst niet mee in de "
            "cijfers van module 1 (buitengebied). Na het aanmaken ligt de soort vast."
        ),
    )
    title = models.CharField(_("titel"), max_length=200)
    opens_on = models.DateField(_("opent op"))
    closes_on = models.DateField(_("sluit op"))
    mayor_name = models.CharField(_("naam van de burgemeester"), max_length=200)
    letter_text = models.TextField(
        _("tekst van de brief"),
        max_length=6000,
        help_text=_("De brief van de burgemeester. De code, het webadres en de QR-code komen er vanzelf onder."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    addresses_count = models.PositiveIntegerField(_("aangeschreven adressen"), default=0)
    letters_file = models.FileField(upload_to="private/survey-letters/", blank=True, editable=False)
    action_perspective = models.TextField(_("handelingsperspectief"), blank=True, max_length=10000)
    press_release = models.TextField(_("concept-persbericht"), blank=True, max_length=10000)
    # Counts per question and answer, made once when the campaign closes (see selectors.tally).
    tallies = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)  # the real opening; opens_on stays the planned one
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gt=models.F("opens_on")), name="campaign_closes_after_opening"
            )
        ]
        verbose_name = _("enquêtecampagne")
        verbose_name_plural = _("enquêtecampagnes")

    def __str__(self):
        return self.title

    @property
    def is_business_park(self) -> bool:
        return self.area == self.Area.BUSINESS_PARK

    @property
    def opened_on(self) -> datetime.date | None:
        """The day it was actually opened (by hand, by the hourly job or by the first code), in Amsterdam."""
        return timezone.localdate(self.opened_at) if self.opened_at else None

    @property
    def opened_late(self) -> bool:
        """Opened after its planned first day, e.g. because the letters waited to be downloaded."""
        return self.opened_on is not None and self.opened_on > self.opens_on

    @property
    def first_day(self) -> datetime.date:
        """The first day answers were (or will be) accepted; `opens_on` stays the planned one."""
        return self.opened_on if self.opened_late else self.opens_on

    @property
    def closed_on(self) -> datetime.date | None:
        """The day it was actually closed (by hand or by the hourly job), in Amsterdam."""
        return timezone.localdate(self.closed_at) if self.closed_at else None

    @property
    def opening_day_reached(self) -> bool:
        """Its opening day has come (in Amsterdam): it may be opened now, by hand or by the hourly job."""
        return self.opens_on <= timezone.localdate()

    @property
    def closed_early(self) -> bool:
        """Closed by hand before its planned last day: answers stopped that day, not on `closes_on`."""
        return self.closed_on is not None and self.closed_on < self.closes_on

    @property
    def last_day(self) -> datetime.date:
        """The last day answers were (or will be) accepted; `closes_on` stays the planned one."""
        return self.closed_on if self.closed_early else self.closes_on

    @property
    def period_display(self) -> str:
        """The real period, for every place that shows it (campaign pages, results, the report): after a late
        opening the real first day and after an early close the real last day, each with the planned one beside
        it, e.g. "1 maart t/m 10 maart 2026 (eerder gesloten; gepland t/m 31 maart 2026)"."""
        first = self.first_day
        start = formats.date_format(first, "j F" if first.year == self.last_day.year else "j F Y")
        period = gettext("%(start)s t/m %(end)s") % {
            "start": start,
            "end": formats.date_format(self.last_day, "j F Y"),
        }
        if self.opened_late:
            period = gettext("%(period)s (later geopend; gepland vanaf %(planned)s)") % {
                "period": period,
                "planned": formats.date_format(self.opens_on, "j F Y"),
            }
        if not self.closed_early:
            return period
        return gettext("%(period)s (eerder gesloten; gepland t/m %(planned)s)") % {
            "period": period,
            "planned": formats.date_format(self.closes_on, "j F Y"),
        }


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Eén antwoord")
        MULTIPLE = "multiple", _("Meer antwoorden mogelijk")
        TEXT = "text", _("Open antwoord")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    kind = models.CharField(_("soort vraag"), max_length=10, choices=Kind.choices)
    text_nl = models.CharField(_("vraag"), max_length=500)
    text_en = models.CharField(_("vraag in het Engels"), max_length=500, blank=True)
    choices = models.JSONField(default=list)  # [{"value", "nl", "en"}]
    required = models.BooleanField(_("verplicht"), default=False)
    standard = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="question_code_once_per_campaign")]

    def __str__(self):
        return self.text_nl

    @property
    def text(self) -> str:
        return self.text_en if get_language() == "en" and self.text_en else self.text_nl

    def choice_list(self) -> list[tuple[str, str]]:
        english = get_language() == "en"
        return [(c["value"], (c.get("en") if english and c.get("en") else c["nl"])) for c in self.choices]


class CampaignLogEntry(models.Model):
    """What happened to a campaign's letters and status, and who did it (no codes, no addresses)."""

    class Action(models.TextChoices):
        CREATED = "aangemaakt", _("aangemaakt")
        LETTERS_MADE = "brieven_gemaakt", _("brieven gemaakt")
        LETTERS_DOWNLOADED = "brieven_gedownload", _("brieven gedownload")
        LETTERS_DELETED = "brieven_verwijderd", _("brieven verwijderd")
        OPENED = "geopend", _("geopend")
        CLOSED = "gesloten", _("gesloten")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="log")
    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.campaign_id} {self.action}"
