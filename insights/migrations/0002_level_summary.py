# The level summary and the triggers that keep its evidence version (see insights.models.LevelSummary).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Raise the learner's evidence version in the same transaction as the change to their evidence.
# Only the columns a level is made of count as a change (not the note, nor who recorded it).
LEVEL_COLUMNS = "learner_id, competency_id, score, weight, created_at"
BUMP = """INSERT INTO insights_levelsummary (learner_id, evidence_version, computed_version, levels)
    VALUES ({row}.learner_id, 1, -1, '[]')
    ON CONFLICT (learner_id) DO UPDATE SET evidence_version = insights_levelsummary.evidence_version + 1"""

SQLITE = [
    f"""CREATE TRIGGER insights_evidence_inserted AFTER INSERT ON assessments_evidence
    BEGIN {BUMP.format(row="NEW")}; END""",
    f"""CREATE TRIGGER insights_evidence_updated AFTER UPDATE OF {LEVEL_COLUMNS} ON assessments_evidence
    BEGIN {BUMP.format(row="NEW")}; {BUMP.format(row="OLD")}; END""",
    f"""CREATE TRIGGER insights_evidence_deleted AFTER DELETE ON assessments_evidence
    BEGIN {BUMP.format(row="OLD")}; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS insights_evidence_inserted",
    "DROP TRIGGER IF EXISTS insights_evidence_updated",
    "DROP TRIGGER IF EXISTS insights_evidence_deleted",
]
POSTGRESQL = [
    f"""CREATE FUNCTION insights_evidence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN {BUMP.format(row="NEW")}; END IF;
        IF TG_OP <> 'INSERT' THEN {BUMP.format(row="OLD")}; END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER insights_evidence_changed
    AFTER INSERT OR DELETE OR UPDATE OF {LEVEL_COLUMNS} ON assessments_evidence
    FOR EACH ROW EXECUTE FUNCTION insights_evidence_changed()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS insights_evidence_changed ON assessments_evidence",
    "DROP FUNCTION IF EXISTS insights_evidence_changed()",
]


def statements(schema_editor, *, create: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return SQLITE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRESQL if create else POSTGRESQL_DROP
    raise NotImplementedError(f"No evidence triggers for {vendor}: insights.LevelSummary would go stale.")


def create_triggers(apps, schema_editor):
    for sql in statements(schema_editor, create=True):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in statements(schema_editor, create=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('academy', '0001_initial'),
        ('assessments', '0001_initial'),
        ('insights', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='LevelSummary',
            fields=[
                ('learner', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('evidence_version', models.BigIntegerField(default=0)),
                ('computed_version', models.BigIntegerField(default=-1)),
                ('levels', models.TextField(default='[]')),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
