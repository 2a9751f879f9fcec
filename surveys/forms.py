from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Municipality

from . import codes
from .models import Campaign, Question

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["municipality", "area", "title", "opens_on", "closes_on", "mayor_name", "letter_text"]
        widgets = {
            "area": forms.RadioSelect,
            "opens_on": DATE,
            "closes_on": DATE,
            "letter_text": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter_text"].required = False
        if self.instance._state.adding:
            self.fields["municipality"].queryset = municipalities
            self.fields["municipality"].empty_label = _("Kies een gemeente")
            self.fields["area"].required = False  # the rural area unless chosen otherwise (the radio starts there)
            self.fields["letter_text"].help_text = _(
                "De brief van de burgemeester; de code, het webadres en de QR-code komen er vanzelf onder. Laat u "
                "deze voorbeeldbrief staan bij een bedrijventerrein, dan krijgt de enquête de voorbeeldbrief voor "
                "bedrijven."
            )
        else:
            del self.fields["municipality"]  # a campaign stays with its municipality
            del self.fields["area"]  # and with its kind: the standard questions were made for it

    def clean_area(self):
        return self.cleaned_data.get("area") or Campaign.Area.RURAL

    def _post_clean(self):
        """The service validates and saves (dates, state); the model's own checks would only repeat them."""


class QuestionForm(forms.Form):
    text_nl = forms.CharField(label=_("Vraag"), max_length=500)
    text_en = forms.CharField(label=_("Vraag in het Engels (mag leeg blijven)"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Soort vraag"), choices=Question.Kind.choices, widget=forms.RadioSelect)
    choices_text = forms.CharField(
        label=_("Antwoorden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Eén antwoord per regel; laat leeg bij een open vraag."),
    )
    required = forms.BooleanField(label=_("Verplicht om te beantwoorden"), required=False)


class AddressFileForm(forms.Form):
    file = forms.FileField(
        label=_("Adressenbestand"),
        help_text=_(
            "Een .csv- of .xlsx-bestand van hoogstens 2 MB met de kolommen straat, huisnummer, postcode en plaats "
            "(naam en bedrijf mogen erbij). Het bestand wordt niet bewaard: alleen het aantal adressen blijft over."
        ),
    )


class ReportTextsForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["action_perspective", "press_release"]
        widgets = {
            "action_perspective": forms.Textarea(attrs={"rows": 8}),
            "press_release": forms.Textarea(attrs={"rows": 12}),
        }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Uw code"),
        max_length=40,
        error_messages={"required": _("Vul de code uit de brief in, bijvoorbeeld ABCD-EFGH-JKMN.")},
        help_text=_("De code staat in de brief van de burgemeester, bijvoorbeeld ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    # A field people never see or fill in; simple bots do (the bot trap).
    website = forms.CharField(required=False, label=_("Laat dit veld leeg"))

    def clean_code(self):
        """A typing slip is named (which character, how many typed) before any lookup, so a resident with a
        zero in the code learns what to look for in the letter instead of being told to count again."""
        typed = self.cleaned_data["code"]
        if (problem := codes.problem(typed)) is not None:
            raise forms.ValidationError(problem)
        return typed


def municipalities_for(user, permission_check):
    return Municipality.objects.current().filter(
        pk__in=[m.pk for m in Municipality.objects.current() if permission_check(user, m)]
    )
