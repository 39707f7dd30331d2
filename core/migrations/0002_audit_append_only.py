"""The audit log is append-only, enforced by the database itself."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION mosty_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditentry_append_only ON core_auditentry;
CREATE TRIGGER auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION mosty_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS mosty_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
