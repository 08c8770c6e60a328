"""Each owner's number of files, kept by triggers on locker_storedfile (locker.models.FileTally).

The triggers add one to the owner's tally for every row inserted and take one away for every
row deleted (and move one when a row changes owner), in the same transaction as the row, so
the tally is right whoever writes the table: the models, bulk inserts, plain SQL. A deleted
row's tally is only ever updated, never created, so deleting a user (whose tally row goes too)
cannot bring it back. The tallies are filled from the rows already there after the triggers
exist, so a file uploaded while this runs is counted once either way.
"""

from django.conf import settings
from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER locker_filetally_insert AFTER INSERT ON locker_storedfile
    BEGIN
        INSERT OR IGNORE INTO locker_filetally (owner_id, files) VALUES (NEW.owner_id, 0);
        UPDATE locker_filetally SET files = files + 1 WHERE owner_id = NEW.owner_id;
    END""",
    """CREATE TRIGGER locker_filetally_delete AFTER DELETE ON locker_storedfile
    BEGIN
        UPDATE locker_filetally SET files = files - 1 WHERE owner_id = OLD.owner_id;
    END""",
    """CREATE TRIGGER locker_filetally_move AFTER UPDATE OF owner_id ON locker_storedfile
    WHEN OLD.owner_id <> NEW.owner_id
    BEGIN
        UPDATE locker_filetally SET files = files - 1 WHERE owner_id = OLD.owner_id;
        INSERT OR IGNORE INTO locker_filetally (owner_id, files) VALUES (NEW.owner_id, 0);
        UPDATE locker_filetally SET files = files + 1 WHERE owner_id = NEW.owner_id;
    END""",
]
# PostgreSQL counts each statement's rows at once (transition tables): a bulk insert or delete
# of 50,000 files updates each owner's tally once, not 50,000 times (which would also leave
# 50,000 dead versions of a row to scan past until a VACUUM FULL).
POSTGRESQL = [
    """CREATE FUNCTION locker_filetally_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO locker_filetally (owner_id, files)
        SELECT owner_id, COUNT(*) FROM added GROUP BY owner_id
        ON CONFLICT (owner_id) DO UPDATE SET files = locker_filetally.files + EXCLUDED.files;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION locker_filetally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE locker_filetally SET files = locker_filetally.files - gone.files
        FROM (SELECT owner_id, COUNT(*) AS files FROM removed GROUP BY owner_id) AS gone
        WHERE locker_filetally.owner_id = gone.owner_id;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION locker_filetally_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE locker_filetally SET files = files - 1 WHERE owner_id = OLD.owner_id;
        INSERT INTO locker_filetally (owner_id, files) VALUES (NEW.owner_id, 1)
        ON CONFLICT (owner_id) DO UPDATE SET files = locker_filetally.files + 1;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER locker_filetally_insert AFTER INSERT ON locker_storedfile
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION locker_filetally_added()""",
    """CREATE TRIGGER locker_filetally_delete AFTER DELETE ON locker_storedfile
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION locker_filetally_removed()""",
    """CREATE TRIGGER locker_filetally_move AFTER UPDATE OF owner_id ON locker_storedfile
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION locker_filetally_moved()""",
]
MYSQL = [
    """CREATE TRIGGER locker_filetally_insert AFTER INSERT ON locker_storedfile FOR EACH ROW
    INSERT INTO locker_filetally (owner_id, files) VALUES (NEW.owner_id, 1)
    ON DUPLICATE KEY UPDATE files = files + 1""",
    """CREATE TRIGGER locker_filetally_delete AFTER DELETE ON locker_storedfile FOR EACH ROW
    UPDATE locker_filetally SET files = files - 1 WHERE owner_id = OLD.owner_id""",
    """CREATE TRIGGER locker_filetally_move AFTER UPDATE ON locker_storedfile FOR EACH ROW
    BEGIN
        IF NOT (OLD.owner_id <=> NEW.owner_id) THEN
            UPDATE locker_filetally SET files = files - 1 WHERE owner_id = OLD.owner_id;
            INSERT INTO locker_filetally (owner_id, files) VALUES (NEW.owner_id, 1)
            ON DUPLICATE KEY UPDATE files = files + 1;
        END IF;
    END""",
]
CREATE = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "mysql": MYSQL}
DROP = {
    "sqlite": [
        f"DROP TRIGGER IF EXISTS locker_filetally_{name}" for name in ("insert", "delete", "move")
    ],
    "postgresql": [
        *(
            f"DROP TRIGGER IF EXISTS locker_filetally_{name} ON locker_storedfile"
            for name in ("insert", "delete", "move")
        ),
        *(
            f"DROP FUNCTION IF EXISTS locker_filetally_{name}()"
            for name in ("added", "removed", "moved")
        ),
    ],
    "mysql": [
        f"DROP TRIGGER IF EXISTS locker_filetally_{name}" for name in ("insert", "delete", "move")
    ],
}
FILL = """
    INSERT INTO locker_filetally (owner_id, files)
    SELECT owner_id, COUNT(*) FROM locker_storedfile GROUP BY owner_id
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in CREATE:
        raise RuntimeError(f"No file tally triggers for {vendor}.")
    for statement in CREATE[vendor]:
        schema_editor.execute(statement, params=None)
    schema_editor.execute("DELETE FROM locker_filetally")
    schema_editor.execute(FILL)


def drop(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("locker", "0008_owner_sort"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FileTally",
            fields=[
                (
                    "owner",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("files", models.BigIntegerField(default=0)),
            ],
        ),
        # Not wrapped in a transaction of its own: MySQL cannot roll back CREATE TRIGGER.
        migrations.RunPython(create, drop, atomic=False),
    ]
