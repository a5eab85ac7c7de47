import pytest
from django.core.management import call_command
from django.urls import reverse

from l2_ingest.models import PartnerSecret, Transmission, TransmissionStatus
from l2_ingest.signing import secret_key
from tests.l2_ingest.helpers import ids_file, stored_transmission

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(ops_client):
    return ops_client


def test_l2_secret_create_prints_the_secret_alone_on_its_last_line_once(capsys):
    call_command("l2_secret", "create", "--label", "L2 prod")
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("whsec_") and len(secret_key(secret)) >= 24
    record = PartnerSecret.objects.get()
    assert record.secret == secret and record.is_active

    call_command("l2_secret", "list")
    listing = capsys.readouterr().out
    assert record.hint in listing and secret not in listing

    call_command("l2_secret", "revoke", str(record.pk))
    record.refresh_from_db()
    assert not record.is_active


def test_ops_create_a_secret_in_the_admin_and_see_it_once(ops):
    response = ops.post(reverse("admin:l2_ingest_partnersecret_add"), {"label": "Rotation 2026"})
    record = PartnerSecret.objects.get()
    assert response.status_code == 200
    assert record.secret in response.content.decode()
    assert record.created_by is not None
    page = ops.get(reverse("admin:l2_ingest_partnersecret_change", args=[record.pk])).content.decode()
    assert record.secret not in page and record.hint in page


def test_ops_revoke_secrets_with_an_action(ops):
    from l2_ingest.services import partner_secret_create

    record, _ = partner_secret_create(label="old")
    ops.post(
        reverse("admin:l2_ingest_partnersecret_changelist"),
        {"action": "revoke", "_selected_action": [record.pk]},
    )
    record.refresh_from_db()
    assert not record.is_active


def test_the_transmission_page_shows_its_whole_life(ops, org_a):
    transmission = stored_transmission(org_a, ids_file(2))
    Transmission.objects.filter(pk=transmission.pk).update(
        status=TransmissionStatus.FAILED,
        failure_code="too_many_rejected_rows",
        failure_reason="7 of 10 rows were rejected",
        errors=[{"line": 4, "reason": "empty LALVOTERID"}],
    )
    page = ops.get(reverse("admin:l2_ingest_transmission_change", args=[transmission.pk])).content.decode()
    for text in [
        "jdoe@campaign.org",
        "0000100010482",
        "CustomSegment",
        "7 of 10 rows",
        "line 4: empty LALVOTERID",
    ]:
        assert text in page
    listing = ops.get(
        reverse("admin:l2_ingest_transmission_changelist") + "?status__exact=failed"
    ).content.decode()
    assert "IQM_123456_CustomSegment" in listing


def test_ops_retry_a_failed_transmission(ops, org_a, django_capture_on_commit_callbacks):
    transmission = stored_transmission(org_a, ids_file(2))
    Transmission.objects.filter(pk=transmission.pk).update(status=TransmissionStatus.FAILED)
    succeeded = stored_transmission(org_a, ids_file(2), segment="Other")
    Transmission.objects.filter(pk=succeeded.pk).update(status=TransmissionStatus.SUCCEEDED)

    with django_capture_on_commit_callbacks() as callbacks:
        ops.post(
            reverse("admin:l2_ingest_transmission_changelist"),
            {"action": "retry", "_selected_action": [transmission.pk, succeeded.pk]},
        )

    transmission.refresh_from_db()
    succeeded.refresh_from_db()
    assert (
        transmission.status == TransmissionStatus.QUEUED and succeeded.status == TransmissionStatus.SUCCEEDED
    )
    assert len(callbacks) == 1


def test_every_model_has_an_admin_page(ops, org_a):
    for name in [
        "accounts_organization", "accounts_membership", "auth_user", "audiences_audience", "audiences_audienceversion",
        "campaigns_insertionorder", "campaigns_campaign", "campaigns_campaignaudience", "l2_ingest_partnersecret",
        "l2_ingest_transmission",
    ]:  # fmt: skip
        assert ops.get(reverse(f"admin:{name}_changelist")).status_code == 200, name


def test_l2_generate_writes_a_realistic_latin1_export(tmp_path):
    out = tmp_path / "u.tsv"
    call_command("l2_generate", "--rows", "500", "--out", str(out), "--seed", "3")
    data = out.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[0].startswith(b"LALVOTERID\t") and len(lines[0].split(b"\t")) == 20
    assert len([line for line in lines[1:] if line]) == 500
    assert b"\xe9" in data or b"\xf1" in data  # accented names in Latin-1
    zips = {line.split(b"\t")[11] for line in lines[1:] if line}
    assert all(len(z) == 5 for z in zips)
    call_command("l2_generate", "--rows", "500", "--out", str(tmp_path / "v.tsv"), "--seed", "3")
    assert (tmp_path / "v.tsv").read_bytes() == data  # the same seed, the same file
