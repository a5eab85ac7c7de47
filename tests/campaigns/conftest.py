import pytest

from audiences.services import audience_version_activate, audience_version_start
from audiences.voter_store import VersionWriter
from iqm_portal.celery import app


def load_members(audience, keys) -> None:
    """Give the audience a new current version holding exactly these voter keys (as an L2 load would)."""
    keys = sorted(set(keys))
    version = audience_version_start(audience=audience)
    writer = VersionWriter(version.pk)
    writer.begin()
    writer.append(keys)
    writer.finish()
    audience_version_activate(
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
