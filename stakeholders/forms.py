from django import forms
from django.utils.translation import gettext
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

    def usable_filters(self) -> tuple[dict, list[str]]:
        """The valid filters, and a Dutch notice per invalid one. One bad value (an old link, a district the
        user no longer takes part in) drops only that filter, not the others."""
        if not self.is_bound:
            return {}, []
        self.is_valid()
        notices = [
            gettext("%(label)s: de waarde '%(value)s' kan niet worden gebruikt. Dit filter is niet toegepast.")
            % {"label": self.fields[name].label, "value": str(self.data.get(name, ""))[:50]}
            for name in self.errors
            if name in self.fields
        ]
        return dict(self.cleaned_data), notices


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
