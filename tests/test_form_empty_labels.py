"""Issue #20, visual finish: no select or radio list in the portal's forms offers Django's "---------"; an empty
choice says in Dutch what to choose."""

import pytest

from accounts.forms import InviteForm
from core.roles import Role
from evenings.forms import ContactSpeakerForm, EveningForm
from knowledgebase.forms import JointActionForm
from meetings.forms import ActionAddForm
from monitoring.forms import ParticipationForm, TrainingForm
from referrals.forms import AssignForm, LocationForm
from stakeholders.models import Municipality
from surveys.forms import CampaignForm
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db

HAARLEM = "GM0392"


def test_no_form_offers_dashes_and_each_empty_choice_is_dutch(make_user):
    aov = make_user(Role.AOV, district="KEN")
    haarlem = Municipality.objects.get(cbs_code=HAARLEM)
    forms = {
        "Kies een gemeente": [
            JointActionForm(user=aov, municipality_ids=[haarlem.pk]),
            LocationForm(municipality_ids=[haarlem.pk]),
            CampaignForm(municipalities=Municipality.objects.filter(pk=haarlem.pk)),
        ],
        "Nog geen AOV gekozen": [ParticipationForm(municipality=haarlem)],
        "Kies een contactpersoon": [InviteForm(), ContactSpeakerForm(labels={1: "Anna de Vries, burgemeester"})],
        "Kies een organisatie": [ActionAddForm(meeting=meeting("KEN"))],
        "Kies een coach": [AssignForm()],
        None: [
            TrainingForm(municipality=haarlem),
            EveningForm(municipalities=Municipality.objects.filter(pk=haarlem.pk)),
        ],
    }
    for label, rendered in forms.items():
        for form in rendered:
            html = str(form)
            assert "---------" not in html, type(form).__name__
            if label:
                assert f">{label}</option>" in html, (type(form).__name__, label)
