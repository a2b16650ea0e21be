# Level histories kept with the levels. Every kept level is marked out of date, so each learner's
# history is computed with their levels on the next read (or by `manage.py summaries_rebuild`).
#
# The column is added with plain ALTER TABLE: Django's SQLite schema editor would rebuild the
# table under a new name, which the evidence triggers of 0002, pointing at insights_levelsummary,
# refuse.

from django.db import migrations, models

ADD = {
    "sqlite": "ALTER TABLE insights_levelsummary ADD COLUMN steps blob NOT NULL DEFAULT x''",
    "postgresql": "ALTER TABLE insights_levelsummary ADD COLUMN steps bytea NOT NULL DEFAULT ''::bytea",
}


def add_column(apps, schema_editor):
    schema_editor.execute(ADD[schema_editor.connection.vendor])


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE insights_levelsummary DROP COLUMN steps")


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0003_progress_summary'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name='levelsummary',
                    name='steps',
                    field=models.BinaryField(db_default=b''),
                ),
            ],
        ),
        migrations.RunSQL("UPDATE insights_levelsummary SET computed_version = -1", migrations.RunSQL.noop),
    ]
