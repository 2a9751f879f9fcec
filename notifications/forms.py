"""The preferences form: one choice per event type the user can receive, and one per theme and district
they may follow. Built from the event registry, so a new event type appears here by itself."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stakeholders.models import District

from .models import Delivery

DEFAULT = ""


def _choices(event, *, default_label) -> list[tuple[str, str]]:
    values = [d for d in Delivery if not (event.mandatory and d == Delivery.OFF)]
    return [(DEFAULT, default_label)] + [(d.value, d.label) for d in values]


class PreferencesForm(forms.Form):
    def __init__(self, *args, events, preferences, user_roles, follow_event, themes, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[str, int | None, int | None]] = {}
        self.event_fields, self.theme_fields, self.district_fields = [], [], []
        for event in events:
            if event.code == getattr(follow_event, "code", None):
                continue
            default = Delivery(event.default_for(user_roles)).label
            name = f"event__{event.code}"
            self.fields[name] = forms.ChoiceField(
                label=event.label,
                choices=_choices(event, default_label=_("Standaard (%(default)s)") % {"default": default}),
                required=False,
                initial=preferences.get((event.code, None, None), DEFAULT),
            )
            self.keys[name] = (event.code, None, None)
            self.event_fields.append(name)
        if follow_event is None:
            return
        follow_choices = [(DEFAULT, _("Niet volgen"))] + [(d.value, d.label) for d in Delivery if d != Delivery.OFF]
        for kind, items, bucket in (
            ("theme", themes, self.theme_fields),
            ("district", districts, self.district_fields),
        ):
            for item in items:
                name = f"{kind}__{item.pk}"
                key = (follow_event.code, item.pk, None) if kind == "district" else (follow_event.code, None, item.pk)
                self.fields[name] = forms.ChoiceField(
                    label=item.name, choices=follow_choices, required=False, initial=preferences.get(key, DEFAULT)
                )
                self.keys[name] = key
                bucket.append(name)

    def choices(self) -> dict[tuple[str, int | None, int | None], str | None]:
        """Keys with the chosen delivery; None for "default" and "not following" (the stored choice goes)."""
        return {key: (self.cleaned_data.get(name) or None) for name, key in self.keys.items()}

    def bound(self, names):
        return [self[name] for name in names]


class AnnouncementForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("Aan"),
        queryset=None,
        required=False,
        empty_label=_("Iedereen met een account"),
        help_text=_("Kies een districtsplatform om alleen de leden daarvan te bereiken."),
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    body = forms.CharField(label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=2000)
    url = forms.CharField(
        label=_("Link in het portaal (niet verplicht)"),
        required=False,
        max_length=500,
        help_text=_("Bijvoorbeeld /kennisbank/drugsafval/"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.all()
