"""History is append-only: PostgreSQL itself refuses to change or delete an entry (docs/history.md)."""

import pytest
from django.db import DatabaseError, connection, transaction

from history.actors import SYSTEM, Actor
from history.models import HistoryAction, HistoryEntry
from history.services import history_record
from tests.factories import AudienceFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _entry(organization, **kwargs):
    audience = AudienceFactory(organization=organization)
    return history_record(
        organization_id=organization.pk,
        actor=SYSTEM,
        action=HistoryAction.AUDIENCE_DELETED,
        audience=audience,
        **kwargs,
    )


def test_an_entry_cannot_be_updated_through_the_orm_nor_in_sql():
    entry = _entry(OrganizationFactory())
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
        HistoryEntry.objects.filter(pk=entry.pk).update(actor_name="Someone else")
    with (
        pytest.raises(DatabaseError, match="cannot be changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE history_historyentry SET audience_name = 'x' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.actor_name == SYSTEM.name


def test_an_entry_cannot_be_deleted_alone():
    entry = _entry(OrganizationFactory())
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic():
        HistoryEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert HistoryEntry.objects.filter(pk=entry.pk).exists()


def test_the_purge_setting_of_another_organization_does_not_open_the_door():
    mine, other = OrganizationFactory(), OrganizationFactory()
    entry = _entry(mine)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('iqm.purging_organizations', %s, true)", [str(other.pk)])
        HistoryEntry.objects.filter(pk=entry.pk).delete()
    assert HistoryEntry.objects.filter(pk=entry.pk).exists()


def test_an_organizations_history_goes_with_the_organization_and_only_its_own():
    leaving, staying = OrganizationFactory(), OrganizationFactory()
    _entry(leaving)
    kept = _entry(staying)
    leaving.delete()
    assert list(HistoryEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    # The purge was for that deletion only: the next statement in a new transaction is refused again.
    with pytest.raises(DatabaseError), transaction.atomic():
        HistoryEntry.objects.filter(pk=kept.pk).delete()


def test_entries_of_a_deleted_object_or_user_stay_readable():
    organization = OrganizationFactory()
    user = UserFactory(first_name="Maria", last_name="Lopez")
    audience = AudienceFactory(organization=organization, name="Ohio GOTV – Likely Dems")
    entry = history_record(
        organization_id=organization.pk,
        actor=Actor.of_user(user),
        action=HistoryAction.AUDIENCE_CHANGED,
        audience=audience,
        changes={"notes": ["", "for the fall"]},
    )
    audience.delete()
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor_name, entry.audience_name) == ("Maria Lopez", "Ohio GOTV – Likely Dems")
