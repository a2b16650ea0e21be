# The progress summary and the triggers that keep its versions (see insights.models.ProgressSummary).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Raise the learner's progress version in the same transaction as the change to their progress.
PROGRESS_COLUMNS = "learner_id, lesson_key, course_key, completed_at, seconds_spent"
BUMP = """INSERT INTO insights_progresssummary (learner_id, progress_version, computed_version, courses,
                                         completions_version)
    VALUES ({row}.learner_id, 1, -1, '[]', 0)
    ON CONFLICT (learner_id) DO UPDATE SET progress_version = insights_progresssummary.progress_version + 1"""
# The completions version: only a lesson completed, or a completed lesson's progress removed.
COMPLETED = """INSERT INTO insights_progresssummary (learner_id, progress_version, computed_version, courses,
                                         completions_version)
    VALUES ({row}.learner_id, 1, -1, '[]', 1)
    ON CONFLICT (learner_id) DO UPDATE SET completions_version = insights_progresssummary.completions_version + 1"""
COMPLETION_CHANGED = "NEW.completed_at IS NOT OLD.completed_at OR NEW.learner_id <> OLD.learner_id"

SQLITE = [
    f"""CREATE TRIGGER insights_progress_inserted AFTER INSERT ON courses_lessonprogress
    BEGIN {BUMP.format(row="NEW")}; END""",
    f"""CREATE TRIGGER insights_progress_updated AFTER UPDATE OF {PROGRESS_COLUMNS} ON courses_lessonprogress
    BEGIN {BUMP.format(row="NEW")}; {BUMP.format(row="OLD")}; END""",
    f"""CREATE TRIGGER insights_progress_deleted AFTER DELETE ON courses_lessonprogress
    BEGIN {BUMP.format(row="OLD")}; END""",
    f"""CREATE TRIGGER insights_completion_inserted AFTER INSERT ON courses_lessonprogress
    WHEN NEW.completed_at IS NOT NULL BEGIN {COMPLETED.format(row="NEW")}; END""",
    f"""CREATE TRIGGER insights_completion_updated AFTER UPDATE OF completed_at, learner_id ON courses_lessonprogress
    WHEN {COMPLETION_CHANGED} BEGIN {COMPLETED.format(row="NEW")}; {COMPLETED.format(row="OLD")}; END""",
    f"""CREATE TRIGGER insights_completion_deleted AFTER DELETE ON courses_lessonprogress
    WHEN OLD.completed_at IS NOT NULL BEGIN {COMPLETED.format(row="OLD")}; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS insights_progress_inserted",
    "DROP TRIGGER IF EXISTS insights_progress_updated",
    "DROP TRIGGER IF EXISTS insights_progress_deleted",
    "DROP TRIGGER IF EXISTS insights_completion_inserted",
    "DROP TRIGGER IF EXISTS insights_completion_updated",
    "DROP TRIGGER IF EXISTS insights_completion_deleted",
]
POSTGRESQL = [
    f"""CREATE FUNCTION insights_progress_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN {BUMP.format(row="NEW")}; END IF;
        IF TG_OP <> 'INSERT' THEN {BUMP.format(row="OLD")}; END IF;
        IF TG_OP = 'INSERT' AND NEW.completed_at IS NOT NULL OR TG_OP = 'UPDATE'
           AND (NEW.completed_at IS DISTINCT FROM OLD.completed_at OR NEW.learner_id <> OLD.learner_id) THEN
            {COMPLETED.format(row="NEW")};
        END IF;
        IF TG_OP = 'DELETE' AND OLD.completed_at IS NOT NULL OR TG_OP = 'UPDATE'
           AND (NEW.completed_at IS DISTINCT FROM OLD.completed_at OR NEW.learner_id <> OLD.learner_id) THEN
            {COMPLETED.format(row="OLD")};
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER insights_progress_changed
    AFTER INSERT OR DELETE OR UPDATE OF {PROGRESS_COLUMNS} ON courses_lessonprogress
    FOR EACH ROW EXECUTE FUNCTION insights_progress_changed()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS insights_progress_changed ON courses_lessonprogress",
    "DROP FUNCTION IF EXISTS insights_progress_changed()",
]


def statements(schema_editor, *, create: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return SQLITE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRESQL if create else POSTGRESQL_DROP
    raise NotImplementedError(f"No progress triggers for {vendor}: insights.ProgressSummary would go stale.")


def create_triggers(apps, schema_editor):
    for sql in statements(schema_editor, create=True):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in statements(schema_editor, create=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('academy', '0001_initial'),
        ('courses', '0001_initial'),
        ('insights', '0002_level_summary'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProgressSummary',
            fields=[
                ('learner', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('progress_version', models.BigIntegerField(default=0)),
                ('computed_version', models.BigIntegerField(default=-1)),
                ('courses', models.TextField(default='[]')),
                ('completions_version', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
