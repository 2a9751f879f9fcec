"""Module 2: information evenings for residents of the rural area, one (or more) per municipality.

Residents register on a public page without an account: only the number of people and, if they want one
reminder, an e-mail address. The address is emptied once the reminder is sent, and every registration is
deleted after the evening; the evening keeps the counts (`registrations_kept`, `people_registered`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PEOPLE_PER_REGISTRATION = 10


class Evening(models.Model):
    municipality = models.ForeignKey(
        "stakeholders.Municipality", on_delete=models.PROTECT, related_name="evenings", verbose_name=_("gemeente")
    )
    # The public address of the evening, readable in a letter: "haarlem-2027-03-11".
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("datum"))
    starts_at = models.TimeField(_("begintijd"))
    place = models.CharField(_("locatie"), max_length=200, help_text=_("Bijvoorbeeld: Dorpshuis De Schakel"))
    address = models.CharField(_("adres"), max_length=300, help_text=_("Straat, huisnummer en plaats"))
    capacity = models.PositiveSmallIntegerField(
        _("aantal plaatsen"), null=True, blank=True, help_text=_("Leeg laten als er geen maximum is.")
    )
    programme = models.TextField(_("programma"), max_length=3000, blank=True)
    published = models.BooleanField(
        _("gepubliceerd"), default=False, help_text=_("Alleen een gepubliceerde avond staat op de openbare pagina.")
    )
    # After the evening: entered by the secretariat or the municipality's AOV.
    attendance = models.PositiveIntegerField(_("aantal aanwezigen"), null=True, blank=True)
    materials_handed_out = models.PositiveIntegerField(_("uitgereikte materialen"), null=True, blank=True)
    attendance_entered_at = models.DateTimeField(null=True, blank=True)
    attendance_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What stays of the registrations once they are deleted after the evening.
    registrations_kept = models.PositiveIntegerField(default=0)
    people_registered_kept = models.PositiveIntegerField(default=0)
    registrations_purged_at = models.DateTimeField(null=True, blank=True)
    lessons = models.ManyToManyField("knowledgebase.LessonPage", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1), name="evening_capacity_positive"
            ),
        ]
        verbose_name = _("informatieavond")
        verbose_name_plural = _("informatieavonden")

    def __str__(self):
        return f"{self.title} ({self.municipality}, {self.date:%d-%m-%Y})"


class Speaker(models.Model):
    """A speaker of an evening: someone from the CRM (the mayor, the AOV, a wijkagent) or a guest typed in."""

    class Kind(models.TextChoices):
        MAYOR = "burgemeester", _("Burgemeester")
        AOV = "aov", _("Adviseur openbare veiligheid")
        POLICE = "wijkagent", _("Wijkagent")
        PARTNER = "partner", _("Partner")
        GUEST = "gast", _("Gastspreker")

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="speakers")
    kind = models.CharField(_("rol"), max_length=20, choices=Kind.choices)
    # From the CRM; an anonymised or removed contact leaves the role without a name.
    contact = models.ForeignKey(
        "stakeholders.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("contactpersoon"),
    )  # fmt: skip
    # A guest speaker: as typed by the organiser, for the public page.
    name = models.CharField(_("naam"), max_length=200, blank=True)
    description = models.CharField(_("toelichting"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("spreker")
        verbose_name_plural = _("sprekers")

    def __str__(self):
        return self.display_name or self.get_kind_display()

    @property
    def display_name(self) -> str:
        if self.contact_id is None:
            return self.name
        if self.contact.anonymised_at is not None:
            return ""
        return str(self.contact)


class Registration(models.Model):
    """A resident's registration: how many people, and optionally where to send the one reminder.
    Deleted after the evening (the evening keeps the counts); the e-mail address is never shown."""

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="registrations")
    people = models.PositiveSmallIntegerField(
        _("aantal personen"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE_PER_REGISTRATION)]
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people__gte=1, people__lte=MAX_PEOPLE_PER_REGISTRATION),
                name="evening_registration_people_1_to_10",
            ),
        ]
        verbose_name = _("aanmelding informatieavond")
        verbose_name_plural = _("aanmeldingen informatieavond")

    def __str__(self):
        return f"{self.evening} · {self.people}"
