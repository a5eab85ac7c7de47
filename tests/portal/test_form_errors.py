"""The error summary at the top of a refused form (templates/_form_errors.html): one announcement, each
field's problem linked to the field."""

import pytest
from django.urls import reverse

from tests.factories import InsertionOrderFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ALERT = 'role="alert"'


def test_a_refused_pop_up_sums_up_its_errors_once_with_links_to_the_fields(client_a, org_a):
    response = client_a.post(reverse("campaigns:insertion_order_create"), {"budget_type": "budget"}, **HTMX)
    content = response.content.decode()
    assert content.count(ALERT) == 1
    summary = content[content.index('class="error-summary"') : content.index("</ul>")]
    for field_id, label in [("id_name", "Insertion order name"), ("id_start_date", "Start date")]:
        assert f'<a href="#{field_id}" data-error-link>{label}: This field is required.</a>' in summary
        assert f'id="{field_id}"' in content


def test_a_choice_fields_error_links_to_its_first_choice(client_a, org_a):
    io = InsertionOrderFactory(organization=org_a)
    response = client_a.post(
        reverse("campaigns:campaign_create", args=[io.pk]), {"name": "New", "campaign_type": "bogus"}, **HTMX
    )
    content = response.content.decode()
    assert '<a href="#id_campaign_type" data-error-link>Campaign type: ' in content
    assert 'type="radio" name="campaign_type" value="advanced" id="id_campaign_type"' in content


def test_a_refused_sign_in_sums_up_what_to_fix(client):
    content = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert content.count(ALERT) == 1
    assert '<a href="#id_username" data-error-link>Username: This field is required.</a>' in content
    assert 'id="id_username"' in content and "autofocus" not in content
