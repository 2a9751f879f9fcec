from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.roles import GROUP_NAMES, Role
from stakeholders.models import Municipality

from .models import Referral, ReferralNote, VulnerableLocation
from .services import status_targets

TEXT_LIMIT = 5000


class LocationForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"), queryset=Municipality.objects.none(), empty_label=_("Kies een gemeente")
    )
    premises_kind = forms.ChoiceField(label=_("Soort pand"), choices=VulnerableLocation.Premises.choices)
    signals = forms.MultipleChoiceField(
        label=_("Signalen"), choices=VulnerableLocation.Signal.choices, widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(label=_("Bron"), choices=VulnerableLocation.Source.choices)
    address = forms.CharField(label=_("Adres"), max_length=500)
    owner_name = forms.CharField(label=_("Naam eigenaar"), max_length=200)
    owner_contact = forms.CharField(label=_("Telefoon of e-mail eigenaar"), max_length=500, required=False)

    def __init__(self, *args, municipality_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=municipality_ids).order_by("name")


class ReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van de doorverwijzing"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_consent = forms.BooleanField(label=_("De eigenaar stemt in met contact door een coach"), required=False)
    legal_basis = forms.ChoiceField(label=_("Grondslag"), choices=Referral.LegalBasis.choices, widget=forms.RadioSelect)


class AssignForm(forms.Form):
    prefix = "assign"  # three forms share the referral page: unique ids and labels
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=User.objects.none(), empty_label=_("Kies een coach"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = (
            User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.COACH]).distinct().order_by("last_name")
        )
        self.fields["coach"].label_from_instance = lambda user: user.get_full_name() or user.email


class StatusForm(forms.Form):
    """Offers only the statuses this referral may move to now (services.status_targets), with nothing chosen
    beforehand. A field that belongs to one target status is present only when that status is on offer and
    says which status it is for, so the form works without JavaScript; referral-status.js hides the others.
    The service checks what each target needs and answers per field."""

    prefix = "status"
    ONLY_FOR = {
        "first_conversation_on": Referral.Status.FIRST_CONVERSATION,
        "first_conversation_paid": Referral.Status.FIRST_CONVERSATION,
        "follow_up": Referral.Status.FOLLOW_UP,
        "outcome": Referral.Status.CLOSED,
    }

    to_status = forms.ChoiceField(
        label=_("Nieuwe status"),
        choices=Referral.Status.choices,
        error_messages={"required": _("Kies de nieuwe status.")},
    )
    first_conversation_on = forms.DateField(
        label=_("Datum eerste gesprek"),
        required=False,
        # A date input only takes ISO dates: a localised value would come back empty after an error.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Bij 'Eerste gesprek gehouden': de dag van het gesprek, niet in de toekomst."),
    )
    first_conversation_paid = forms.BooleanField(
        label=_("Eerste gesprek betaald door NHSV"),
        required=False,
        initial=True,
        help_text=_(
            "Bij 'Eerste gesprek gehouden'. NHSV financiert het eerste gesprek; "
            "haal het vinkje weg als een ander het betaalt."
        ),
    )
    follow_up = forms.ChoiceField(
        label=_("Vervolg"),
        choices=[("", "-"), *Referral.FollowUp.choices],
        required=False,
        help_text=_("Bij 'Vervolg'."),
    )
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[("", "-"), *Referral.Outcome.choices],
        required=False,
        help_text=_("Bij 'Afgesloten'."),
    )
    text = forms.CharField(
        label=_("Toelichting"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij afsluiten en heropenen."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        targets = status_targets(referral)
        offered = [(status, Referral.Status(status).label) for status in targets]
        if referral.is_closed:
            offered = [
                (status, _("Heropenen (weer 'Toegewezen')") if status == Referral.Status.ASSIGNED else label)
                for status, label in offered
            ]
        field = self.fields["to_status"]
        # Any known status passes the field, so a status that may not follow gets the service's own message;
        # only the allowed ones are shown.
        field.choices = Referral.Status.choices
        field.widget.choices = [("", _("Kies de nieuwe status")), *offered]
        for name, status in self.ONLY_FOR.items():
            if status not in targets:
                del self.fields[name]

    def rows(self):
        """(bound field, the status it belongs to or "") in the order shown."""
        return [(self[name], self.ONLY_FOR.get(name, "")) for name in self.fields]


class NoteForm(forms.Form):
    prefix = "note"
    kind = forms.ChoiceField(label=_("Soort"), choices=ReferralNote.Kind.choices)
    text = forms.CharField(label=_("Tekst"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))


class OwnerLookupForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Zoek op"),
        choices=[
            ("owner_name", _("Naam eigenaar")),
            ("owner_contact", _("Contactgegevens eigenaar, zoals vastgelegd")),
            ("address", _("Adres")),
        ],
    )
    # The keyed hash (crypto.normalise_for_lookup) folds case, accents and spacing; everything else must match.
    value = forms.CharField(
        label=_("Waarde"),
        max_length=500,
        help_text=_(
            "Vul de volledige waarde in: een deel vindt niets. Hoofdletters, accenten en extra spaties maken niet uit."
        ),
    )
