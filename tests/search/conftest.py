import datetime

import pytest

from core.roles import Role
from meetings.models import ActionItem, Decision, Minutes, MinutesItem
from stakeholders.models import Affiliation, District, Organisation
from tests.knowledgebase.factories import article
from tests.meetings.factories import meeting
from tests.stakeholders.factories import AffiliationFactory, MembershipFactory

# A word that only district KEN's private minutes contain: nobody outside KEN may ever see it.
SECRET_WORD = "zwavelzuurvaten"


@pytest.fixture
def people(make_user):
    return {
        "anonymous": None,
        "partner_ken": make_user(Role.PARTNER, district="KEN"),
        "partner_nhn": make_user(Role.PARTNER, district="NHN"),
        "aov_ken": make_user(Role.AOV, district="KEN"),
        "coach": make_user(Role.COACH, district="KEN"),
        "privacy_officer": make_user(Role.PRIVACY_OFFICER, district=None),
        "admin": make_user(Role.ADMIN, district=None),
        "secretariat": make_user(Role.SECRETARIAT, district=None),
    }


@pytest.fixture
def portal(people):
    """Something of every searchable type, at every level of access."""
    ken = meeting("KEN", title="Platformoverleg Kennemerland voorjaar")
    minutes = Minutes.objects.create(meeting=ken, status=Minutes.Status.PUBLISHED)
    MinutesItem.objects.create(minutes=minutes, title="Rondvraag", text=f"Gevonden: {SECRET_WORD} in een schuur.")
    draft_meeting = meeting("KEN", title="Platformoverleg Kennemerland zomer")
    draft_minutes = Minutes.objects.create(meeting=draft_meeting, status=Minutes.Status.CONCEPT)
    MinutesItem.objects.create(minutes=draft_minutes, title="Opening", text="Concepttekst over mestkelders.")
    nhn = meeting("NHN", title="Platformoverleg Noord-Holland Noord voorjaar")
    unpublished = meeting("NHN", title="Nooit gepubliceerd overleg", live=False)
    ken_item = ken.agenda_items.first()
    Decision.objects.create(meeting=ken, agenda_item=ken_item, text="Besluit over de opruimkosten van drugsafval.")
    ActionItem.objects.create(
        meeting=ken,
        agenda_item=ken_item,
        description="Maakt een signalenkaart.",
    )
    ActionItem.objects.create(meeting=nhn, description="Verzamelt meldingen van drugsafval.")
    pages = {
        "public": article("Hennepkwekerij in een schuur", visibility="public"),
        "partners": article("Drugslab herkennen", visibility="partners"),
        "ken_only": article("Wietplantage in Kennemerland", visibility="districts", districts=("KEN",)),
        "nhn_only": article("Drugsafval in de kop", visibility="districts", districts=("NHN",)),
        "draft": article("Conceptartikel over loodsen", live=False),
        "group_only": article("Werkgroep notitie over mestkelders", visibility="partners"),
    }
    # A Wagtail group restriction: not even the secretariat passes it unless in the group.
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.filter(page=pages["group_only"]).delete()
    restriction = PageViewRestriction.objects.create(
        page=pages["group_only"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Werkgroep drugsafval")])
    from knowledgebase.models import JointAction
    from stakeholders.models import Municipality

    JointAction.objects.create(
        date=datetime.date(2026, 3, 1),
        municipality=Municipality.objects.get(cbs_code="GM0392"),
        area="Polder Haarlemmerliede",
        premises_visited=12,
        found_cannabis=2,
        follow_up="Nazorg door de gemeente.",
    )
    # CRM: a consenting contact in KEN, one without consent, an ended organisation, an ending membership.
    consenting = AffiliationFactory(
        organisation=MembershipFactory(district=District.objects.get(code="KEN")).organisation
    )
    consenting.contact.directory_consent = True
    consenting.contact.save()
    silent = AffiliationFactory(organisation=consenting.organisation)
    silent.contact.directory_consent = False
    silent.contact.save()
    ended = MembershipFactory(district=District.objects.get(code="NHN")).organisation
    ended.is_active = False
    ended.save()
    ending = MembershipFactory(
        district=District.objects.get(code="NHN"), until=datetime.date.today() + datetime.timedelta(days=3)
    )
    from search.indexing import rebuild

    rebuild()
    return {
        "pages": pages,
        "meetings": {"ken": ken, "nhn": nhn, "draft_minutes": draft_meeting, "unpublished": unpublished},
        "minutes": minutes,
        "draft_minutes": draft_minutes,
        "organisations": {"ended": ended, "ending": ending.organisation, "member": consenting.organisation},
        "contacts": {"consenting": consenting.contact, "silent": silent.contact},
        "affiliations": Affiliation.objects.all(),
        "organisation_count": Organisation.objects.count(),
    }
