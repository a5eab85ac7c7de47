"""History in the ops admin: looked up, filtered, searched; never added, changed nor deleted."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Organization
from history.models import HistoryAction, HistoryEntry
from history.services import Named
from tests.history.helpers import L2_JDOE, added, record

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:history_historyentry_changelist")


@pytest.fixture
def entries(org_a, org_b):
    # IDs of their own, so that searching one finds that object's entries only.
    audience, campaign = Named(5001, "Likely Dems"), Named(6001, "Fall push")
    return {
        "added": added(org_a, audience, campaign, at=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)),
        "pushed": record(
            org_a,
            HistoryAction.VERSION_SWITCHED,
            actor=L2_JDOE,
            audience=audience,
            details={"voter_count": 900, "version": 2},
            at=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC),
        ),
        "theirs": record(org_b, HistoryAction.IO_CREATED, insertion_order=Named(7321, "Bravo IO")),
    }


def shown(response) -> set[int]:
    assert response.status_code == 200
    return {entry.pk for entry in response.context["cl"].result_list}


def test_the_list_says_when_whose_who_and_what(ops_client, entries):
    response = ops_client.get(CHANGELIST)
    html = response.content.decode()
    assert shown(response) == {e.pk for e in entries.values()}
    assert "Maria Lopez added <em>Likely Dems</em> to the Allowlist of <em>Fall push</em>" in html
    assert "L2 user jdoe (C-778) (L2 customer)" in html and "Alpha for Ohio" in html and "Bravo PAC" in html
    assert response.context["cl"].date_hierarchy == "occurred_at"


def test_the_list_filters_by_organization_actor_kind_action_and_date(ops_client, org_a, entries):
    assert shown(ops_client.get(CHANGELIST, {"organization__id__exact": org_a.pk})) == {
        entries["added"].pk,
        entries["pushed"].pk,
    }
    assert shown(ops_client.get(CHANGELIST, {"actor_kind__exact": "l2"})) == {entries["pushed"].pk}
    assert shown(ops_client.get(CHANGELIST, {"action__exact": "io_created"})) == {entries["theirs"].pk}
    by_month = ops_client.get(CHANGELIST, {"occurred_at__year": "2026", "occurred_at__month": "11"})
    assert shown(by_month) == {entries["added"].pk, entries["theirs"].pk}


def test_the_list_searches_actor_and_object_names_and_ids(ops_client, entries):
    added_entry = entries["added"]
    assert shown(ops_client.get(CHANGELIST, {"q": "jdoe"})) == {entries["pushed"].pk}
    assert shown(ops_client.get(CHANGELIST, {"q": "fall push"})) == {added_entry.pk}
    assert shown(ops_client.get(CHANGELIST, {"q": "Bravo IO"})) == {entries["theirs"].pk}
    assert shown(ops_client.get(CHANGELIST, {"q": str(added_entry.campaign_id)})) == {added_entry.pk}
    assert shown(ops_client.get(CHANGELIST, {"q": "7321"})) == {entries["theirs"].pk}
    assert shown(ops_client.get(CHANGELIST, {"q": str(added_entry.audience_id)})) == {
        added_entry.pk,
        entries["pushed"].pk,
    }


def test_an_entry_is_shown_read_only_and_cannot_be_added_changed_or_deleted(ops_client, entries):
    entry = entries["added"]
    change = reverse("admin:history_historyentry_change", args=[entry.pk])
    page = ops_client.get(change)
    html = page.content.decode()
    assert page.status_code == 200 and "Maria Lopez added" in html
    assert page.context["has_change_permission"] is False and page.context["has_delete_permission"] is False
    assert '<input type="submit" value="Save"' not in html and "deletelink" not in html
    assert ops_client.post(change, {"actor_name": "Someone else"}).status_code == 403
    assert ops_client.get(reverse("admin:history_historyentry_add")).status_code == 403
    delete = reverse("admin:history_historyentry_delete", args=[entry.pk])
    assert ops_client.get(delete).status_code == 403
    assert ops_client.post(delete, {"post": "yes"}).status_code == 403
    listing = ops_client.get(CHANGELIST)
    assert "delete_selected" not in listing.context["cl"].model_admin.get_actions(listing.wsgi_request)
    assert "Add history entry" not in listing.content.decode()
    bulk = ops_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.actor_name == "Maria Lopez" and HistoryEntry.objects.count() == 3


def test_an_organization_deleted_in_the_admin_takes_its_history_along(ops_client, org_b, entries):
    """Entries are never deleted alone, but an organization's go with it (docs/history.md): the admin's
    delete page lists them among what goes, and does not refuse for want of a permission on them."""
    delete = reverse("admin:accounts_organization_delete", args=[org_b.pk])
    confirm = ops_client.get(delete)
    assert confirm.status_code == 200 and not confirm.context["perms_lacking"]
    assert ops_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Organization.objects.filter(pk=org_b.pk).exists()
    assert set(HistoryEntry.objects.values_list("pk", flat=True)) == {
        entries["added"].pk,
        entries["pushed"].pk,
    }


def test_the_organizations_delete_action_takes_their_history_along(ops_client, org_b, entries):
    response = ops_client.post(
        reverse("admin:accounts_organization_changelist"),
        {"action": "delete_selected", "_selected_action": [org_b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not HistoryEntry.objects.filter(pk=entries["theirs"].pk).exists()
