from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.roles import GROUP_NAMES, Role

from . import services_figures
from .models import (
    InformationEvening,
    Participation,
    PoliceFigures,
    ProgressReport,
    SurveyResult,
    Training,
    TrendThreshold,
)
from .services import participation_validate


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["status", "started_on", "finished_on", "responsible_aov", "notes"]
        widgets = {
            "status": forms.RadioSelect,
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "finished_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # Only AOVs who work for this municipality can be responsible for it.
        aovs = User.objects.filter(
            groups__name=GROUP_NAMES[Role.AOV],
            is_active=True,
            contact__affiliations__organisation__municipality=municipality,
        ).distinct()
        self.fields["responsible_aov"].queryset = aovs.select_related("contact")
        self.fields["responsible_aov"].required = False
        self.fields["responsible_aov"].empty_label = _("Nog geen AOV gekozen")

    def clean(self):
        cleaned = super().clean()
        try:
            participation_validate(
                status=cleaned.get("status"),
                started_on=cleaned.get("started_on"),
                finished_on=cleaned.get("finished_on"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field not in self.errors:
                        self.add_error(field, message)
        return cleaned


def _counts_without_browser_minimum(form, names) -> None:
    """Counts: the service gives the Dutch message for a negative number (with the other problems at once);
    the form still refuses a number no real count reaches, before it can overflow the database column."""
    for name in names:
        field = form.fields[name]
        field.min_value = None
        field.validators = [MaxValueValidator(services_figures.MAX_COUNT)]
        field.widget.attrs.pop("min", None)
        field.widget.attrs["max"] = services_figures.MAX_COUNT


def _errors_from(form, error: ValidationError) -> None:
    """Put the service's Dutch messages on the fields they are about (all of them at once)."""
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def _validated(form, validate, **arguments) -> None:
    try:
        validate(**arguments)
    except ValidationError as error:
        _errors_from(form, error)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyResultForm(forms.ModelForm):
    class Meta:
        model = SurveyResult
        fields = [
            "year",
            "addresses_mailed",
            "responses",
            "willing_to_report_pct",
            "knows_signals_pct",
            "report_on",
            "press_release_on",
        ]
        widgets = {"report_on": DATE, "press_release_on": DATE}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        # The service gives the Dutch message for a share above 100 or a negative count, with the others.
        _counts_without_browser_minimum(self, ("addresses_mailed", "responses", "year"))
        for name in ("willing_to_report_pct", "knows_signals_pct"):
            self.fields[name].validators = []
            self.fields[name].widget.attrs.update({"step": "0.1"})

    def _post_clean(self):
        pass  # the model's own validators would repeat the service's messages in English-like form

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _validated(self, services_figures.survey_result_validate, municipality=self.municipality, **cleaned)
        return cleaned


class PoliceFiguresForm(forms.ModelForm):
    class Meta:
        model = PoliceFigures
        fields = ["year", "cannabis_farms", "drug_labs", "drug_dumpings"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        _counts_without_browser_minimum(self, self.fields)

    def _post_clean(self):
        pass

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _validated(self, services_figures.police_figures_validate, municipality=self.municipality, **cleaned)
        return cleaned


class PoliceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand met politiecijfers"),
        help_text=_(
            "Een .csv- of .xlsx-bestand van hoogstens 2 MB met de kolommen cbs-code, jaar, hennepkwekerijen, "
            "drugslabs en drugsdumpingen. Bestaande cijfers van dezelfde gemeente en hetzelfde jaar worden vervangen."
        ),
    )


class InformationEveningForm(forms.ModelForm):
    class Meta:
        model = InformationEvening
        fields = ["held_on", "attendance", "materials_handed_out", "notes"]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        _counts_without_browser_minimum(self, ("attendance", "materials_handed_out"))

    def _post_clean(self):
        pass

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _validated(
                self,
                services_figures.information_evening_validate,
                municipality=self.municipality,
                held_on=cleaned.get("held_on"),
                attendance=cleaned.get("attendance"),
                materials_handed_out=cleaned.get("materials_handed_out"),
            )
        return cleaned


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["kind", "held_on", "participants", "certificates"]
        widgets = {"held_on": DATE, "kind": forms.RadioSelect}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["kind"].choices = Training.Kind.choices  # radio buttons: no "---------" choice
        _counts_without_browser_minimum(self, ("participants", "certificates"))
        self.fields["certificates"].help_text = _("Alleen bij e-learning; hoogstens %(max)s per gemeente.") % {
            "max": Training.MAX_CERTIFICATES
        }

    def _post_clean(self):
        pass

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _validated(
                self,
                services_figures.training_validate,
                municipality=self.municipality,
                training=self.instance if self.instance.pk else None,
                kind=cleaned.get("kind"),
                held_on=cleaned.get("held_on"),
                participants=cleaned.get("participants"),
                certificates=cleaned.get("certificates") or 0,
            )
        return cleaned


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["evaluation"]
        widgets = {"evaluation": forms.Textarea(attrs={"rows": 14})}


class TrendThresholdForm(forms.ModelForm):
    class Meta:
        model = TrendThreshold
        fields = ["min_municipalities", "min_responses"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service gives the Dutch message for a negative or too large number, for both fields at once.
        for name in self.fields:
            self.fields[name].min_value = None
            self.fields[name].max_value = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("min", None)
            self.fields[name].widget.attrs.pop("max", None)
            self.fields[name].error_messages["invalid"] = _("Vul een geheel getal in, zonder punt of komma.")
            self.fields[name].error_messages["required"] = _("Vul een aantal in.")

    def _post_clean(self):
        pass  # the model's validators would repeat the service's messages

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _validated(self, services_figures.trend_threshold_validate, **cleaned)
        return cleaned
