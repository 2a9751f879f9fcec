import datetime

import factory

from stakeholders.models import Affiliation, Contact, District, Membership, Organisation, PartnerType


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    partner_type = factory.LazyFunction(lambda: PartnerType.objects.get(code="liander"))

    class Params:
        municipal = factory.Trait(partner_type=factory.LazyFunction(lambda: PartnerType.objects.get(code="gemeente")))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    district = factory.LazyFunction(lambda: District.objects.get(code="KEN"))
    since = datetime.date(2021, 9, 1)

    class Params:
        ended = factory.Trait(until=factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1)))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"contact{n}@example.nl")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    start_date = datetime.date(2021, 9, 1)

    class Params:
        ended = factory.Trait(end_date=factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1)))
