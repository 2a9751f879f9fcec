from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.forms import errors_from
from core.storage import check_room_for, stage_upload
from core.uploads import validate_document

from . import services
from .models import ELearningEnrolment, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "starts_at", "ends_at", "place", "capacity", "max_per_organisation", "programme"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "programme": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            self.fields[name].error_messages["invalid"] = _("Vul een datum en tijd in, zoals 14-03-2027 13:30.")
        for name in ("capacity", "max_per_organisation"):
            self.fields[name].validators = []
            self.fields[name].min_value = None
            self.fields[name].widget.attrs.pop("min", None)
            self.fields[name].error_messages["invalid"] = _("Vul een geheel getal in.")

    def _post_clean(self):
        pass  # the service gives the Dutch messages (the model's own would repeat them)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.session_validate(**cleaned, session=self.instance if self.instance.pk else None)
            except ValidationError as error:
                errors_from(self, error)
        return cleaned


class RegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Namens welke organisatie komt u?"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Kies een organisatie waar u nu werkt.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.initial.setdefault("organisation", organisations.first().pk)


class ColleagueRegistrationForm(forms.Form):
    colleague = forms.ModelChoiceField(
        label=_("Welke collega meldt u aan?"),
        queryset=None,
        empty_label=_("Kies een collega"),
        help_text=_(
            "Collega's die nu bij uw gemeente werken, een account in het portaal hebben, in Wie is wie staan en nog "
            "niet zijn aangemeld. Staat uw collega er niet bij, dan kan hij of zij zich zelf aanmelden."
        ),
        error_messages={
            "required": _("Kies de collega die u wilt aanmelden."),
            "invalid_choice": _("Kies een collega die nu bij uw gemeente werkt."),
        },
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues
        self.fields["colleague"].label_from_instance = lambda user: user.get_full_name() or user.email


class EnrolmentForm(forms.ModelForm):
    class Meta:
        model = ELearningEnrolment
        fields = ["name", "email", "job_title"]


class CompletionForm(forms.ModelForm):
    class Meta:
        model = ELearningEnrolment
        fields = ["completed_on", "certificate_on", "certificate_file"]
        widgets = {"completed_on": DATE, "certificate_on": DATE, "certificate_file": forms.FileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_file"].help_text = _("Optioneel: het certificaat als PDF (hoogstens 20 MB).")
        self.fields["certificate_file"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_certificate_file(self):
        upload = self.cleaned_data.get("certificate_file")
        if isinstance(upload, UploadedFile):
            if not upload.name.lower().endswith(".pdf"):
                raise ValidationError(_("Upload het certificaat als PDF-bestand."))
            validate_document(upload)  # checked by its bytes, as every upload in the portal
            check_room_for(upload)
            upload = stage_upload(upload)
        return upload

    def _post_clean(self):
        pass

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.enrolment_validate(
                    enrolment=self.instance,
                    completed_on=cleaned.get("completed_on"),
                    certificate_on=cleaned.get("certificate_on"),
                )
            except ValidationError as error:
                errors_from(self, error)
        return cleaned
