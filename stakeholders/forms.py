from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contact, Municipality, Organisation
from .validators import normalise_postal_code


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoek op naam, functie of organisatie"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Soort organisatie"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    gemeente = forms.ChoiceField(label=_("Gemeente"), required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["type"].choices = everything + [(t.code, t.name) for t in choices["partner_types"]]
        self.fields["district"].choices = everything + [(d.code, d.name) for d in choices["districts"]]
        self.fields["gemeente"].choices = everything + [(m.cbs_code, m.name) for m in choices["municipalities"]]


class OwnContactForm(forms.ModelForm):
    """What every user may change about themselves."""

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "function", "email", "phone", "directory_consent", "invitation_consent"]


class OrganisationProfileForm(forms.ModelForm):
    """What an organisation's representative may change; name, type and notes stay with the secretariat."""

    municipalities = forms.ModelMultipleChoiceField(
        label=_("Werkt in de gemeenten"),
        queryset=Municipality.objects.current(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = ["website", "email", "phone", "street", "postal_code", "city", "kvk_number", "municipalities"]

    def clean_postal_code(self):
        return normalise_postal_code(self.cleaned_data["postal_code"])

    def clean_kvk_number(self):
        kvk = self.cleaned_data["kvk_number"]
        if kvk and Organisation.objects.exclude(pk=self.instance.pk).filter(kvk_number=kvk).exists():
            raise forms.ValidationError(_("Dit KvK-nummer hoort al bij een andere organisatie."))
        return kvk
