from celery import shared_task

from .services import audience_versions_prune


@shared_task(name="audiences.prune_versions", queue="default")
def prune_versions() -> int:
    """Beat: keep each audience's current version and the two before it; drop older members."""
    return audience_versions_prune()
