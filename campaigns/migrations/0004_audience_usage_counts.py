"""Fill the audiences' campaign counts (new columns of the Audiences app) from the campaigns' lists."""

from django.db import migrations

COUNT = """
UPDATE audiences_audience AS a SET
    allowlist_campaigns = (SELECT count(*) FROM campaigns_campaignaudience t
                           WHERE t.audience_id = a.id AND t.list_type = 'allowlist'),
    blocklist_campaigns = (SELECT count(*) FROM campaigns_campaignaudience t
                           WHERE t.audience_id = a.id AND t.list_type = 'blocklist')
WHERE EXISTS (SELECT 1 FROM campaigns_campaignaudience t WHERE t.audience_id = a.id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_campaign_status_rejected"),
        ("audiences", "0004_usage_counts_and_unset_cpm"),
    ]

    operations = [migrations.RunSQL(COUNT, reverse_sql=migrations.RunSQL.noop)]
