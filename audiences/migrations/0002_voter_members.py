from django.db import migrations, models


def create_member_table(apps, schema_editor):
    """The members of every version; raw SQL because PostgreSQL partitions it (see audiences.voter_store)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE TABLE audiences_member (version_id bigint NOT NULL, voter_key bigint NOT NULL) "
            "PARTITION BY LIST (version_id)"
        )
    else:
        schema_editor.execute("CREATE TABLE audiences_member (version_id bigint NOT NULL, voter_key bigint NOT NULL)")
        schema_editor.execute("CREATE INDEX audiences_member_version_voter ON audiences_member (version_id, voter_key)")


def drop_member_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE audiences_member")


class Migration(migrations.Migration):
    dependencies = [
        ("audiences", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="LongVoterId",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("voter_id", models.CharField(max_length=64, unique=True)),
            ],
        ),
        migrations.RunPython(create_member_table, drop_member_table),
    ]
