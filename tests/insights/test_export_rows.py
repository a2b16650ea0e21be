"""Kept export lines (insights.models.ExportRow): an export after a change writes again only the
lines of the trainees it touched, and says exactly what a fresh computation says."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from academy.models import Membership, User
from assessments.models import Evidence
from insights import exports
from insights.models import ExportRow
from insights.services import readiness_rules_save


def fresh(export, team) -> str:
    """The export with nothing kept."""
    ExportRow.objects.all().delete()
    return export(team=team)


def kept_keys(team) -> dict[tuple, str]:
    return dict(((row.kind, row.learner_id), row.key) for row in ExportRow.objects.filter(team=team))


@pytest.fixture
def busy_team(team_a, many_trainees, competencies, course_tree, add_evidence, complete_course, manager):
    users = many_trainees(team_a, 6, prefix="rows")
    for n, user in enumerate(users):
        add_evidence(user, "empathy", 2 + n % 3, days_ago=10 + n)
        add_evidence(user, "humour", 3, days_ago=5)
        if n % 2:
            complete_course(user, course_tree["basics"], days_ago=3)
    readiness_rules_save(team=team_a, course_keys=[course_tree["basics"][0].translation_key],
                         minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    return users


@pytest.mark.parametrize("export", [exports.matrix_csv, exports.progress_csv])
def test_a_change_rewrites_only_the_lines_it_touched(busy_team, team_a, export, add_evidence, complete_course,
                                                     course_tree):
    with translation.override("pl"):
        first = export(team=team_a)
        before = kept_keys(team_a)
        assert len(before) == len(busy_team)
        changed = busy_team[2]
        add_evidence(changed, "empathy", 5, days_ago=0.1)
        complete_course(changed, course_tree["basics"], days_ago=0.1)
        second = export(team=team_a)
        after = kept_keys(team_a)
        assert [key for key in after if after[key] != before[key]] == [(key[0], changed.pk) for key in after
                                                                          if key[1] == changed.pk]
        assert second != first
        assert second == fresh(export, team_a)  # what was kept is what would be computed now


def test_names_rules_and_language_are_part_of_a_line(busy_team, team_a, competencies, manager):
    with translation.override("pl"):
        exports.matrix_csv(team=team_a)
        User.objects.filter(pk=busy_team[0].pk).update(first_name="=Zmieniona")
        cache.clear()
        renamed = exports.matrix_csv(team=team_a)
        assert "'=Zmieniona" in renamed and renamed == fresh(exports.matrix_csv, team_a)
        readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["humour"]: 4.0}, updated_by=manager)
        ruled = exports.matrix_csv(team=team_a)
        assert "Basics" not in ruled and "Podstawy" not in ruled.split("\n", 1)[1]
        assert ruled == fresh(exports.matrix_csv, team_a)
    with translation.override("en"):
        english = exports.matrix_csv(team=team_a)
        assert "not ready" in english and english == fresh(exports.matrix_csv, team_a)
    assert {row.kind for row in ExportRow.objects.filter(team=team_a)} == {"matrix-en"}


def test_a_leavers_lines_go(busy_team, team_a):
    with translation.override("pl"):
        exports.progress_csv(team=team_a)
        Membership.objects.filter(team=team_a, user=busy_team[0]).delete()
        text = exports.progress_csv(team=team_a)
    assert busy_team[0].username not in text
    assert not ExportRow.objects.filter(team=team_a, learner=busy_team[0]).exists()


def test_a_line_that_may_still_change_is_not_kept(busy_team, team_a, competencies):
    later = busy_team[1]
    Evidence.objects.create(learner=later, competency=competencies["kindness"], score=0.9, weight=1.0, source="quiz",
                            reference="future", created_at=timezone.now() + timedelta(days=2))
    with translation.override("pl"):
        exports.matrix_csv(team=team_a)
    assert set(ExportRow.objects.filter(team=team_a).values_list("learner_id", flat=True)) == {
        user.pk for user in busy_team if user != later}
