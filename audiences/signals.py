"""Events the Audiences app publishes for the apps above it, which subscribe in their ``AppConfig.ready``.

Sent once the change is committed, so a subscriber sees it and may enqueue work that reads it.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# kwargs: audience_ids (list[int]) — these audiences now have a new current version (new members).
audience_versions_switched = Signal()


def audience_versions_switched_on_commit(*, audience_ids: Iterable[int]) -> None:
    from .models import Audience

    ids = sorted(set(audience_ids))
    if ids:
        transaction.on_commit(lambda: audience_versions_switched.send(sender=Audience, audience_ids=ids))
