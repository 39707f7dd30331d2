"""Never store IP addresses of sessions.

allauth.usersessions records the client address of every session; a list of
where members connect from is exactly what must not leak. A trigger blanks the
column on every insert and update, so no code path can store one.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION mosty_usersession_no_ip() RETURNS trigger AS $$
BEGIN
    NEW.ip := '0.0.0.0';
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS usersession_no_ip ON usersessions_usersession;
CREATE TRIGGER usersession_no_ip BEFORE INSERT OR UPDATE ON usersessions_usersession
    FOR EACH ROW EXECUTE FUNCTION mosty_usersession_no_ip();
UPDATE usersessions_usersession SET ip = '0.0.0.0';
"""

BACKWARD = """
DROP TRIGGER IF EXISTS usersession_no_ip ON usersessions_usersession;
DROP FUNCTION IF EXISTS mosty_usersession_no_ip();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("usersessions", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
