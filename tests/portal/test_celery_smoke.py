import time
import uuid

import pytest
from django.core.cache import cache

from iqm_portal.tasks import ping

pytestmark = pytest.mark.worker


def test_a_real_worker_consumes_a_task_from_redis(worker_factory, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    worker_factory()
    token = uuid.uuid4().hex
    assert cache.get(f"ping:{token}") is None

    ping.delay(token)

    deadline = time.monotonic() + 30
    while cache.get(f"ping:{token}") is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cache.get(f"ping:{token}") == "pong"
