from celery import shared_task
from django.core.cache import cache


@shared_task(name="iqm_portal.ping", queue="default")
def ping(token: str) -> None:
    """Leave a mark in the cache: proof, for ops and the tests, that a worker consumes the queue."""
    cache.set(f"ping:{token}", "pong", timeout=300)
