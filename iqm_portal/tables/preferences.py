"""Which optional columns each user shows in each table (TablePreference): the read and the write."""

from iqm_portal.models import TablePreference


def table_columns_chosen(*, user, table: str) -> list[str] | None:
    """The columns ``user`` chose for ``table``, or None where they never chose (the table's defaults)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return TablePreference.objects.filter(user=user, table=table).values_list("columns", flat=True).first()


def table_columns_choose(*, user, table: str, columns: list[str]) -> TablePreference:
    """Remember ``columns`` as what ``user`` shows in ``table``; one row per user and table."""
    preference, _ = TablePreference.objects.update_or_create(
        user=user, table=table, defaults={"columns": sorted(set(columns))}
    )
    return preference
