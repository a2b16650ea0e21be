"""Levels computed for a page of learners agree with assessments' own selectors, and verdicts
name every unmet rule."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from assessments.models import Evidence
from assessments.selectors import learner_competency_history, learner_competency_levels, level_history
from insights.levels import cell_steps, group_cells
from insights.readiness import CourseInfo, Rule, course_states, first_ready_at, verdict
from insights.selectors import page_evidence


def test_page_levels_equal_assessments_levels(trainee, other_trainee, add_evidence):
    for days, level in ((80, 2), (40, 3), (3, 5)):
        add_evidence(trainee, "empathy", level, days_ago=days)
    add_evidence(trainee, "humour", 4, days_ago=10, weight=0.5)
    add_evidence(other_trainee, "empathy", 1, days_ago=1)
    now = timezone.now()
    cells = group_cells(page_evidence([trainee.pk, other_trainee.pk]), now=now)
    expected = {v.competency.pk: v.level for v in learner_competency_levels(learner=trainee, now=now)
                if v.score is not None}
    assert {cid: cell.level for cid, cell in cells[trainee.pk].items()} == expected
    assert cells[other_trainee.pk][Evidence.objects.filter(learner=other_trainee).get().competency_id].level == 1.0


def test_history_equals_assessments_history(trainee, add_evidence, competencies):
    for days, level in ((30, 2), (20, 4), (5, 3)):
        add_evidence(trainee, "kindness", level, days_ago=days)
    rows = sorted((e.score, e.weight, e.created_at) for e in Evidence.objects.filter(learner=trainee))
    rows.sort(key=lambda r: r[2])
    assert level_history(rows) == learner_competency_history(learner=trainee, competency=competencies["kindness"])


def test_change_over_the_period(trainee, add_evidence):
    add_evidence(trainee, "empathy", 2, days_ago=100)
    add_evidence(trainee, "empathy", 5, days_ago=5)
    now = timezone.now()
    (cell,) = group_cells(page_evidence([trainee.pk]), now=now, since=now - timedelta(days=30))[trainee.pk].values()
    assert cell.level_then == 2.0
    assert cell.delta == round(cell.level - 2.0, 1) and cell.delta > 0


def _rules(competencies, course=None):
    rules = [Rule(kind="level", competency=competencies["empathy"], minimum=3.5),
             Rule(kind="level", competency=competencies["humour"], minimum=2.0)]
    if course:
        rules.insert(0, Rule(kind="course", course=course))
    return rules


def test_verdict_names_each_unmet_rule_in_words(trainee, add_evidence, competencies):
    add_evidence(trainee, "empathy", 2.8 * 1, days_ago=2)
    course = CourseInfo(key="k", title="Dziesięć cech", lesson_keys=["l1", "l2"], lesson_titles=["a", "b"])
    states = course_states([course], [("l1", timezone.now(), 60)])
    cells = group_cells(page_evidence([trainee.pk]), now=timezone.now()).get(trainee.pk, {})
    with translation.override("en"):
        result = verdict(_rules(competencies, course), cells=cells, courses=states)
    assert result.status == "not_ready"
    assert result.reasons == [
        "Course “Dziesięć cech” not completed (1 of 2 lessons)",
        "Empathy 2.8 < 3.5 required",
        "No evidence for Sense of humour",
    ]


def test_verdict_in_polish_uses_decimal_commas(trainee, add_evidence, competencies):
    add_evidence(trainee, "empathy", 2.8, days_ago=2)
    add_evidence(trainee, "humour", 4, days_ago=2)
    cells = group_cells(page_evidence([trainee.pk]), now=timezone.now())[trainee.pk]
    with translation.override("pl"):
        result = verdict(_rules(competencies), cells=cells, courses={})
    assert result.reasons == [f"{competencies['empathy'].name_pl} 2,8 < 3,5 wymagane"]


def test_no_rules_is_no_verdict(trainee):
    assert verdict([], cells={}, courses={}).status == "no_rules"


def test_ready_since_the_first_moment_every_rule_held(trainee, add_evidence, competencies):
    now = timezone.now()
    add_evidence(trainee, "empathy", 2, days_ago=20)
    add_evidence(trainee, "humour", 3, days_ago=18)
    add_evidence(trainee, "empathy", 5, days_ago=10)  # empathy (2+5)/2 weighted → about 3.6 ≥ 3.5
    add_evidence(trainee, "humour", 2, days_ago=5)  # humour about 2.5, still ≥ 2.0
    course = CourseInfo(key="k", title="C", lesson_keys=["l1"], lesson_titles=["a"])
    states = course_states([course], [("l1", now - timedelta(days=12), 60)])
    cells = group_cells(page_evidence([trainee.pk]), now=now)[trainee.pk]
    result = verdict(_rules(competencies, course), cells=cells, courses=states, joined_at=now - timedelta(days=30))
    assert result.ready
    assert abs((result.ready_at - (now - timedelta(days=10))).total_seconds()) < 5
    assert result.days_to_ready in (19, 20, 21)


def test_ready_at_the_course_completion_when_levels_held_before(trainee, add_evidence, competencies):
    now = timezone.now()
    add_evidence(trainee, "empathy", 4, days_ago=20)
    add_evidence(trainee, "humour", 3, days_ago=20)
    add_evidence(trainee, "empathy", 1, days_ago=2)  # later the level falls; the first time still counts
    course = CourseInfo(key="k", title="C", lesson_keys=["l1"], lesson_titles=["a"])
    states = course_states([course], [("l1", now - timedelta(days=6), 60)])
    cells = group_cells(page_evidence([trainee.pk]), now=now)[trainee.pk]
    steps = {pk: cell_steps(cell.rows) for pk, cell in cells.items()}
    ready_at = first_ready_at(_rules(competencies, course), steps=steps, courses=states)
    assert abs((ready_at - (now - timedelta(days=6))).total_seconds()) < 5
    assert verdict(_rules(competencies, course), cells=cells, courses=states).status == "not_ready"


def test_evidence_from_before_joining_counts_as_day_zero(trainee, add_evidence, competencies):
    now = timezone.now()
    add_evidence(trainee, "empathy", 5, days_ago=40)
    add_evidence(trainee, "humour", 5, days_ago=40)
    cells = group_cells(page_evidence([trainee.pk]), now=now)[trainee.pk]
    result = verdict(_rules(competencies), cells=cells, courses={}, joined_at=now - timedelta(days=10))
    assert result.ready and result.days_to_ready == 0


@pytest.mark.parametrize("done,complete", [(0, False), (2, False), (3, True)])
def test_course_is_complete_only_with_every_live_lesson(done, complete):
    course = CourseInfo(key="k", title="C", lesson_keys=["a", "b", "c"], lesson_titles=["A", "B", "C"])
    progress = [(key, timezone.now(), 30) for key in ["a", "b", "c"][:done]] + [("x", timezone.now(), 5)]
    state = course_states([course], progress)["k"]
    assert state.is_complete is complete and state.done == done and state.percent == round(100 * done / 3)
