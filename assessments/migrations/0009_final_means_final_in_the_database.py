"""Triggers that refuse every change to a final assessment in the database itself (assessments/frozen.py holds the
SQL for PostgreSQL and SQLite and reinstalls it after every migrate)."""

from django.db import migrations


def install(apps, schema_editor):
    from assessments import frozen

    frozen.install(schema_editor.connection)


def remove(apps, schema_editor):
    from assessments import frozen

    frozen.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_final_rows_name_their_people")]

    operations = [migrations.RunPython(install, remove)]
