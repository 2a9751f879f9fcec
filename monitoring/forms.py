from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role

from .models import Participation
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
