"""The one way history entries leave the database: with their organization (docs/history.md).

PostgreSQL refuses UPDATE and DELETE on the history table (a trigger, migration 0002) unless the transaction
has said, with ``iqm.purging_organizations``, that it is deleting that entry's organization. Django deletes
an organization's history entries just before the organization itself, in the same transaction, after it has
sent ``pre_delete`` for the organization: this receiver says so then.
"""

from django.db import connection

PURGE_SETTING = "iqm.purging_organizations"


def allow_purge_of_organization(sender, instance, using=None, **kwargs) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Transaction-local (the third argument), so it ends with the deletion's transaction.
        cursor.execute(
            "SELECT set_config(%s, concat_ws(',', nullif(current_setting(%s, true), ''), %s::text), true)",
            [PURGE_SETTING, PURGE_SETTING, instance.pk],
        )
