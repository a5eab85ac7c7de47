"""Every operation of the REST API, fuzzed by schemathesis against the portal served for real.

The schema is fetched from the running server with a member's token, so an endpoint added later is fuzzed
without being named here. For each operation, schemathesis sends its coverage cases (boundaries, missing and
wrong-typed fields) and a fixed number of generated requests, valid and invalid, and checks that none gets a
5xx, that every answer is one the schema declares (status, media type, body, headers), and that no operation
answers without credentials. The generation is derandomized: the same requests every run.

Each operation starts from the same data (two organizations; audiences loaded or not, in use or not; an
insertion order with campaigns), so a DELETE fuzzed before does not empty the next operation's world. IDs of
these objects are mixed into generated paths and bodies, so requests reach real objects of either
organization as well as missing ones.
"""

import datetime as dt
import logging

import pytest
import schemathesis
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_scope import ORGANIZATION_PARAMETER
from accounts.models import Organization, Role
from audiences.models import Audience, AudienceStatus
from audiences.services import audience_duplicate
from campaigns.models import CampaignAudience, CampaignStatus, CampaignType
from campaigns.services import campaign_targeting_update
from history.actors import SYSTEM
from iqm_portal.celery import app
from l2_ingest.models import Transmission, TransmissionStatus
from tests.campaigns.conftest import load_members
from tests.factories import (
    AudienceFactory,
    CampaignFactory,
    InsertionOrderFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

# Generated requests per operation, on top of its coverage cases: bounded so that the run of every operation
# (36 of them) stays within a few minutes on a 2-core machine.
EXAMPLES_PER_OPERATION = 40
SEED = 20260901
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
]

# Fixed primary keys, far above what sequences reach in a test run, so every operation sees the same IDs.
OURS, THEIRS = 910_001, 920_001
AUDIENCES = {"loaded_in_use": OURS, "loaded": OURS + 1, "processing": OURS + 2, "copy": OURS + 3}
IO, CAMPAIGNS = OURS + 10, {"running": OURS + 20, "pg": OURS + 21, "expired": OURS + 22}
THEIR_AUDIENCE, THEIR_IO, THEIR_CAMPAIGN = THEIRS, THEIRS + 10, THEIRS + 20
KNOWN_IDS = [*AUDIENCES.values(), IO, *CAMPAIGNS.values(), THEIR_AUDIENCE, THEIR_IO, THEIR_CAMPAIGN]
IDS_BY_COLLECTION = {
    "audiences": [*AUDIENCES.values(), THEIR_AUDIENCE],
    "insertion-orders": [IO, IO, THEIR_IO],
    "campaigns": [*CAMPAIGNS.values(), THEIR_CAMPAIGN],
}
# Ours is the schema's example for the X-IAA-OW-ID header, which the coverage cases send.
ACCOUNT_A, ACCOUNT_B = ORGANIZATION_PARAMETER.examples[0].value, 271828


class World:
    """The data each operation starts from, built anew when the fuzzing moves on to the next operation."""

    def __init__(self):
        self.user = UserFactory(username="fuzzer")  # made a member of ours by build(); signs every request
        self.token = Token.objects.create(user=self.user).key
        self.operation = None

    def reset_for(self, operation: str) -> None:
        if operation != self.operation:
            self.operation = operation
            self.clear()
            self.build()

    def clear(self) -> None:
        # Targets and current versions PROTECT what they point at: let go of them before the cascade.
        CampaignAudience.objects.all().delete()
        Audience.objects.update(current_version=None, duplicated_from=None)
        Organization.objects.all().delete()

    def build(self) -> None:
        ours = OrganizationFactory(account_id=ACCOUNT_A, name="Alpha for Ohio")
        theirs = OrganizationFactory(account_id=ACCOUNT_B, name="Bravo PAC")
        MembershipFactory(user=self.user, organization=ours, role=Role.ADMIN)

        in_use = AudienceFactory(id=AUDIENCES["loaded_in_use"], organization=ours, name="Likely voters")
        loaded = AudienceFactory(id=AUDIENCES["loaded"], organization=ours, name="Voted early")
        AudienceFactory(
            id=AUDIENCES["processing"],
            organization=ours,
            name="Still loading",
            status=AudienceStatus.PROCESSING,
            voter_count=None,
            household_count=None,
        )
        load_members(in_use, range(1, 41))
        load_members(loaded, range(30, 61))
        copy = audience_duplicate(actor=SYSTEM, audience=in_use, name="Likely voters (copy)")
        Audience.objects.filter(pk=copy.pk).update(id=AUDIENCES["copy"])
        Transmission.objects.create(
            webhook_id=f"fuzz-{in_use.pk}",
            body_sha256="0" * 64,
            body_bytes=1,
            universe_name=f"IQM_{ACCOUNT_A}_Likely voters",
            universe_id="U-1",
            account_id=str(ACCOUNT_A),
            segment_name="Likely voters",
            organization=ours,
            audience=in_use,
            version=in_use.current_version,
            status=TransmissionStatus.SUCCEEDED,
            finished_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
            rows_read=41,
            voters_accepted=40,
            rows_rejected=1,
            errors=[{"line": 7, "reason": "The LALVOTERID is empty."}],
        )

        io = InsertionOrderFactory(id=IO, organization=ours, name="2026 General")
        running = CampaignFactory(id=CAMPAIGNS["running"], insertion_order=io, name="GOTV display")
        CampaignFactory(id=CAMPAIGNS["pg"], insertion_order=io, name="PG deal", campaign_type=CampaignType.PG)
        CampaignFactory(
            id=CAMPAIGNS["expired"], insertion_order=io, name="Primary", status=CampaignStatus.EXPIRED
        )
        campaign_targeting_update(
            actor=SYSTEM,
            organization=ours,
            campaign_ids=[running.pk],
            allowlist=[in_use.pk],
            blocklist=[loaded.pk],
        )

        their_audience = AudienceFactory(id=THEIR_AUDIENCE, organization=theirs, name="Theirs")
        load_members(their_audience, range(1, 11))
        their_io = InsertionOrderFactory(id=THEIR_IO, organization=theirs)
        CampaignFactory(id=THEIR_CAMPAIGN, insertion_order=their_io, name="Their campaign")


def _known_ids_in(value, ids=KNOWN_IDS):
    """A strategy: ``value`` as generated, or with any of its integers swapped for an ID that exists."""
    if isinstance(value, bool):
        return st.just(value)
    if isinstance(value, int):
        return st.sampled_from([value, *ids])
    if isinstance(value, list):
        return st.tuples(*(_known_ids_in(item, ids) for item in value)).map(list)
    if isinstance(value, dict):
        return st.fixed_dictionaries({key: _known_ids_in(item, ids) for key, item in value.items()})
    return st.just(value)


def _ids_for(path: str) -> list[int]:
    """IDs for a path's parameters: those of the collection it is under (/api/v1/<collection>/…), if known."""
    collection = path.removeprefix("/api/v1/").split("/", 1)[0]
    return IDS_BY_COLLECTION.get(collection, KNOWN_IDS)


@pytest.fixture
def world(transactional_db, caplog):
    # Thousands of refused requests would each log a warning: keep the log to errors (a 500's traceback).
    caplog.set_level(logging.ERROR, logger="django.request")
    world = World()
    yield world
    app.control.purge()  # the reach refreshes the requests queued, which no worker here consumes


@pytest.fixture
def api_schema(live_server, world):
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # Generating is slower on a machine shared with other runs; that says nothing of the API.
            "suppress-health-check": ["too_slow"],
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
                # Credentials are the member's token, sent with every request; ignored_auth takes it away.
                "with-security-parameters": False,
            },
        }
    )
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/?format=json",
        config=config,
        headers={"Authorization": f"Token {world.token}"},
    )
    schema.config.update(base_url=live_server.url)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        return _known_ids_in(path_parameters, _ids_for(context.operation.path))

    @schema.hook
    def flatmap_body(context, body):
        return _known_ids_in(body)

    @schema.hook
    def flatmap_headers(context, headers):
        # The organization header: as generated (most often an organization we are no member of), left
        # out, ours, or another one's.
        headers = headers or {}
        if "X-IAA-OW-ID" not in headers:
            return st.just(headers)
        without = {k: v for k, v in headers.items() if k != "X-IAA-OW-ID"}
        ours = {**headers, "X-IAA-OW-ID": str(ACCOUNT_A)}
        theirs = {**headers, "X-IAA-OW-ID": str(ACCOUNT_B)}
        return st.sampled_from([headers, without, without, ours, ours, theirs])

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_answers_as_its_schema_says(case, world):
    world.reset_for(case.operation.label)
    case.call_and_validate(headers={"Authorization": f"Token {world.token}"}, checks=CHECKS)
