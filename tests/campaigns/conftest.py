import pytest

from accounts.models import Role
from audiences.services import audience_version_activate, audience_version_start
from audiences.version_writer import VersionWriter
from campaigns.models import CampaignAudience
from history.actors import SYSTEM
from iqm_portal.celery import app
from tests.conftest import SignInClient
from tests.factories import PASSWORD, MembershipFactory

PROBLEM = "application/problem+json"
HTMX = {"HTTP_HX_REQUEST": "true"}


def targets(campaign) -> dict[int, str]:
    return dict(CampaignAudience.objects.filter(campaign=campaign).values_list("audience_id", "list_type"))


def settings_data(campaign, **changes) -> dict:
    """What a campaign's edit page posts when Save is pressed with these changes."""
    data = {
        "name": campaign.name,
        "status": campaign.status,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "daily_budget": "",
        "total_budget": "",
        "max_bid": "",
    }
    data.update(changes)
    return data


def load_members(audience, keys) -> None:
    """Give the audience a new current version holding exactly these voter keys (as an L2 load would)."""
    keys = sorted(set(keys))
    version = audience_version_start(audience=audience)
    writer = VersionWriter(version.pk)
    writer.begin()
    writer.append(keys)
    writer.finish()
    audience_version_activate(
        actor=SYSTEM,
        version=version,
        writer=writer,
        figures={"voter_count": len(keys), "household_count": len(keys)},
        origin={},
    )
    audience.refresh_from_db()


@pytest.fixture
def eager_tasks():
    """Run tasks in the process that queues them, as a worker would, without a worker."""
    # The settings carry the CELERY_ prefix, and a prefixed key wins over the plain one.
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    try:
        yield
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)


@pytest.fixture
def client_b(client, member_b):
    """A second browser: a member of organization B only."""
    other = SignInClient()
    assert other.login(username=member_b.username, password=PASSWORD)
    return other


@pytest.fixture
def viewer_client(org_a):
    viewer = MembershipFactory(organization=org_a, role=Role.VIEWER).user
    client = SignInClient()
    assert client.login(username=viewer.username, password=PASSWORD)
    return client
