from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import errors_from

from . import services
from .models import MAX_PEOPLE_PER_REGISTRATION, Evening, Speaker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EveningForm(forms.ModelForm):
    class Meta:
        model = Evening
        fields = [
            "municipality",
            "title",
            "date",
            "starts_at",
            "place",
            "address",
            "capacity",
            "programme",
            "published",
        ]
        widgets = {"date": DATE, "starts_at": TIME, "programme": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = None
        self.fields["municipality"].error_messages["invalid_choice"] = _("Kies een gemeente uit de lijst.")
        self.fields["date"].input_formats = ["%Y-%m-%d", "%d-%m-%Y"]
        self.fields["date"].error_messages["invalid"] = _("Vul een datum in, zoals 14-03-2027.")
        self.fields["starts_at"].input_formats = ["%H:%M", "%H.%M"]
        self.fields["starts_at"].error_messages["invalid"] = _("Vul een tijd in, zoals 19:30.")
        self.fields["capacity"].validators = []
        self.fields["capacity"].min_value = None
        self.fields["capacity"].widget.attrs.pop("min", None)
        self.fields["capacity"].error_messages["invalid"] = _("Vul een geheel getal in.")
        if not self.initial.get("title") and not self.instance.pk:
            self.initial["title"] = _("Informatieavond veilig buitengebied")

    def _post_clean(self):
        pass  # the service gives the Dutch messages

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.evening_validate(**cleaned, evening=self.instance if self.instance.pk else None)
            except ValidationError as error:
                errors_from(self, error)
        return cleaned


class ContactSpeakerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Rol"),
        choices=[c for c in Speaker.Kind.choices if c[0] != Speaker.Kind.GUEST],
        error_messages={"invalid_choice": _("Kies een rol uit de lijst.")},
    )
    contact = forms.TypedChoiceField(
        label=_("Contactpersoon uit het CRM"),
        coerce=int,
        error_messages={
            "invalid_choice": _("Kies een contactpersoon uit de lijst."),
            "required": _("Kies een contactpersoon."),
        },
    )
    consent = forms.BooleanField(
        label=_("De spreker weet dat de naam op de openbare pagina van de avond staat."),
        error_messages={"required": _("Vraag de spreker eerst of de naam op de openbare pagina mag.")},
    )

    def __init__(self, *args, labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", _("Kies een contactpersoon")), *labels.items()]


class GuestSpeakerForm(forms.Form):
    name = forms.CharField(
        label=_("Naam gastspreker"), max_length=200, error_messages={"required": _("Vul de naam in.")}
    )
    description = forms.CharField(
        label=_("Toelichting"), max_length=200, required=False,
        help_text=_("Bijvoorbeeld: ervaringsdeskundige, LTO Noord"),
    )  # fmt: skip


class RegistrationForm(forms.Form):
    people = forms.IntegerField(
        label=_("Met hoeveel personen komt u?"),
        help_text=_("Van 1 tot en met %(max)s personen.") % {"max": MAX_PEOPLE_PER_REGISTRATION},
        error_messages={
            "required": _("Vul in met hoeveel personen u komt."),
            "invalid": _("Vul een getal in, bijvoorbeeld 2."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres (niet verplicht)"),
        required=False,
        max_length=254,
        help_text=_(
            "Alleen als u de dag van tevoren één herinnering wilt. We gebruiken het adres voor niets anders en "
            "wissen het na de herinnering."
        ),
        error_messages={"invalid": _("Dit e-mailadres klopt niet. Controleer het, of laat het veld leeg.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A field people never see or fill in; simple bots do (the bot trap, as on the survey's code page).
    website = forms.CharField(required=False, label=_("Laat dit veld leeg"))

    def clean_people(self):
        people = self.cleaned_data["people"]
        if not 1 <= people <= MAX_PEOPLE_PER_REGISTRATION:
            raise ValidationError(
                _("Vul een aantal personen van 1 tot en met %(max)s in.") % {"max": MAX_PEOPLE_PER_REGISTRATION}
            )
        return people


class AttendanceForm(forms.Form):
    attendance = forms.IntegerField(
        label=_("Aantal aanwezigen"),
        error_messages={"required": _("Vul het aantal aanwezigen in."), "invalid": _("Vul een geheel getal in.")},
    )
    materials_handed_out = forms.IntegerField(
        label=_("Uitgereikte materialen (niet verplicht)"),
        required=False,
        help_text=_("Bijvoorbeeld folders of signalenkaarten."),
        error_messages={"invalid": _("Vul een geheel getal in.")},
    )
