"""Deleting loaded audiences: their voters go with them, except what a duplicate still stands on."""

import pytest
from django.db import connection

from audiences.models import Audience, AudienceVersion
from audiences.services import audience_delete, audience_duplicate
from audiences.voter_store import member_count, partition_name
from history.actors import SYSTEM
from l2_ingest.pipeline import transmission_process
from tests.l2_ingest.helpers import ids_file, stored_transmission

pytestmark = pytest.mark.django_db(transaction=True)


def loaded(org, n: int, segment="Delete me") -> Audience:
    transmission_process(stored_transmission(org, ids_file(n), segment=segment).pk)
    return Audience.objects.get(l2_segment_name=segment)


def table_exists(version_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [partition_name(version_id)])
        return cursor.fetchone()[0] is not None


def test_a_loaded_audience_can_be_deleted_and_its_voters_go_with_it(org_a):
    audience = loaded(org_a, 30)
    version_id = audience.current_version_id
    assert table_exists(version_id) and member_count(version_id) == 30

    audience_delete(actor=SYSTEM, audience=audience)

    assert not Audience.objects.filter(pk=audience.pk).exists()
    assert not AudienceVersion.objects.filter(pk=version_id).exists()
    assert not table_exists(version_id) and member_count(version_id) == 0


def test_a_duplicate_keeps_its_voters_when_the_original_is_deleted(org_a):
    original = loaded(org_a, 30)
    copy = audience_duplicate(actor=SYSTEM, audience=original)

    audience_delete(actor=SYSTEM, audience=original)

    copy.refresh_from_db()
    assert copy.current_version_id is not None and member_count(copy.current_version_id) == 30
    assert copy.current_version.audience_id == copy.pk
    audience_delete(actor=SYSTEM, audience=copy)
    assert not AudienceVersion.objects.exists()
