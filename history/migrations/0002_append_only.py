"""PostgreSQL refuses to change or delete a history entry (docs/history.md › Append-only).

The one exception is an entry whose organization the transaction is deleting (history/purge.py says which).
SQLite, the embedded default for trying the portal, has no such trigger: there the code alone holds the
rule (it has no update or delete path).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION history_entry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.organization_id::text = ANY (
        string_to_array(coalesce(current_setting('iqm.purging_organizations', true), ''), ',')
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'history entries cannot be changed or deleted (% on entry %)', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'History is append-only; an organization''s history goes only with the organization.';
END;
$$;
CREATE TRIGGER history_entry_append_only
    BEFORE UPDATE OR DELETE ON history_historyentry
    FOR EACH ROW EXECUTE FUNCTION history_entry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS history_entry_append_only ON history_historyentry;
DROP FUNCTION IF EXISTS history_entry_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("history", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
