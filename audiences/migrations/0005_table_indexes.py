from django.db import migrations, models
from django.db.models.functions import Lower

# The search "by name or ID" is Django's icontains, which PostgreSQL is asked as UPPER(name) LIKE UPPER('%…%').
SEARCH_INDEX = (
    "CREATE INDEX audience_name_search ON audiences_audience USING gin (UPPER(name::text) gin_trgm_ops)"
)


def create_search_index(apps, schema_editor):
    """A trigram index on the name as the search reads it (PostgreSQL only; see docs/tables.md › Indexes).

    It finds the few audiences a narrow search names without reading them all, and, through the statistics
    ANALYZE keeps on its expression, tells the planner how many a wide search matches: enough that a page of
    50 is read off the newest-first index rather than sorted out of every match.
    """
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(SEARCH_INDEX)


NEWEST_FIRST = models.Index(
    models.F("organization"),
    models.OrderBy(models.F("created_at"), descending=True, nulls_last=True),
    models.OrderBy(models.F("id"), descending=True),
    name="audience_newest_first",
)


def create_newest_first(apps, schema_editor):
    """SQLite (the embedded default) takes no NULLS LAST in an index: it gets the index without it."""
    index = NEWEST_FIRST
    if schema_editor.connection.vendor != "postgresql":
        index = models.Index(
            models.F("organization"),
            models.OrderBy(models.F("created_at"), descending=True),
            models.OrderBy(models.F("id"), descending=True),
            name="audience_newest_first",
        )
    schema_editor.add_index(apps.get_model("audiences", "Audience"), index)


def drop_newest_first(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS audience_newest_first")


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audience_name_search")


class Migration(migrations.Migration):
    dependencies = [
        ("audiences", "0004_usage_counts_and_unset_cpm"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="audience", index=NEWEST_FIRST)],
            database_operations=[migrations.RunPython(create_newest_first, drop_newest_first)],
        ),
        migrations.AddIndex(
            model_name="audience",
            index=models.Index(models.F("organization"), Lower("name"), models.F("id"), name="audience_by_name"),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
