import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Contact, Membership, Organisation
from stakeholders.selectors import platform_contacts

from .models import ActionItem, Invitation
from .selectors import ActionFilters


class _ErrorTextMixin:
    def error_text(self) -> str:
        return " ".join(str(message) for messages in self.errors.values() for message in messages)


class ActionFilterForm(forms.Form):
    STATUS_CHOICES = [("open", _("Open en in uitvoering")), *ActionItem.Status.choices, ("alle", _("Alle"))]

    district = forms.ChoiceField(label=_("District"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    mijn = forms.BooleanField(label=_("Alleen van mij en mijn organisatie"), required=False)
    te_laat = forms.BooleanField(label=_("Alleen te laat"), required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Alle"))] + [(d.code, d.name) for d in districts]

    def filters(self) -> ActionFilters:
        if not self.is_bound:
            return ActionFilters()
        self.is_valid()
        value = lambda name, default="": default if name in self.errors else (self.cleaned_data.get(name) or default)  # noqa: E731
        return ActionFilters(
            district=value("district"),
            status=value("status", "open"),
            mine=bool(value("mijn", False)),
            overdue=bool(value("te_laat", False)),
        )


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    note = forms.CharField(
        label=_("Voortgang"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kort: wat is er gedaan, wat is de volgende stap?"),
    )


class _MeetingForm(_ErrorTextMixin, forms.Form):
    agenda_item = forms.TypedChoiceField(label=_("Bij agendapunt"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [("", _("Geen specifiek punt"))] + [
            (item.pk, item.title[:80]) for item in meeting.agenda_items.all()
        ]


class DecisionAddForm(_MeetingForm):
    text = forms.CharField(label=_("Besluit"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ActionAddForm(_MeetingForm):
    description = forms.CharField(label=_("Actiepunt"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner_organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Kies een organisatie"),
    )
    owner_contact = forms.ModelChoiceField(
        label=_("Eigenaar"), queryset=Contact.objects.none(), required=False, empty_label=_("Kies een persoon")
    )
    due_date = forms.DateField(label=_("Klaar op"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)

        district_id = meeting.get_parent().specific.district_id
        members = Membership.objects.current().filter(district_id=district_id).values("organisation_id")
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=members, is_active=True
        ).order_by("name")
        self.fields["owner_contact"].queryset = platform_contacts(district_id).order_by("last_name", "first_name")

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < datetime.date.today():
            raise forms.ValidationError(_("De datum ligt in het verleden."))
        return due


class InvitationAnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Komt u?"),
        choices=[
            (Invitation.Response.ATTENDING, _("Ja, ik kom")),
            (Invitation.Response.DECLINED, _("Nee, ik kom niet")),
            (Invitation.Response.DEPUTY, _("Ik stuur een vervanger")),
        ],
        widget=forms.RadioSelect,
    )
    deputy_name = forms.CharField(label=_("Naam van de vervanger"), max_length=200, required=False)
