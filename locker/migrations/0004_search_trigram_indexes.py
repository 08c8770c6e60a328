"""Search on PostgreSQL reads trigram indexes (pg_trgm) instead of every row.

The list's search is `icontains` on the name and the description, which Django writes as
`UPPER(column::text) LIKE UPPER('%text%')` on PostgreSQL: a GIN index of trigrams over exactly
that expression serves it. Other databases have no such index; there search reads every row
(README: "Lists as the locker grows").
"""

from django.db import migrations

COLUMNS = ["name", "description"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS locker_file_{column}_trgm ON locker_storedfile "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS locker_file_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("locker", "0003_list_indexes")]
    operations = [migrations.RunPython(create, drop)]
