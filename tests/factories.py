import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from accounts.models import Membership, Organization, Role
from audiences.models import Audience, AudienceStatus, AudienceType
from campaigns.models import Campaign, CampaignStatus, CampaignType, InsertionOrder

PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    account_id = factory.Sequence(lambda n: 500000 + n)
    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.ADMIN


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Audience {n}")
    audience_type = AudienceType.SEGMENTED
    status = AudienceStatus.READY
    l2_segment_name = factory.LazyAttribute(lambda a: a.name)
    voter_count = 1000
    household_count = 700


class InsertionOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsertionOrder

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"IO {n}")
    start_date = factory.LazyFunction(lambda: dt.date.today())
    end_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=90))
    budget_total = Decimal("10000.00")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    insertion_order = factory.SubFactory(InsertionOrderFactory)
    organization = factory.SelfAttribute("insertion_order.organization")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    campaign_type = CampaignType.ADVANCED
    status = CampaignStatus.RUNNING
    start_date = factory.SelfAttribute("insertion_order.start_date")
    end_date = factory.SelfAttribute("insertion_order.end_date")
