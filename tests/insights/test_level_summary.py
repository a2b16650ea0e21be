"""The levels and course states kept for whole-team reads (LevelSummary, ProgressSummary) are
always what is computed from the evidence and the lesson progress: the database marks a
learner's kept values out of date with any change to them, however it is written, and a read
recomputes them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone, translation

from assessments.models import Evidence
from assessments.services import evidence_record_many, level_to_score
from courses.models import LessonProgress
from insights import exports
from insights.levels import group_cells
from insights.models import LevelSummary, ProgressSummary
from insights.selectors import (
    live_courses,
    page_evidence,
    progress_totals,
    team_course_states,
    team_levels,
    team_stamp,
)
from tests.insights.csvs import read_csv


def recomputed(learners) -> dict:
    cells = group_cells(page_evidence([u.pk for u in learners]), now=timezone.now())
    return {u.pk: {c: (cell.level, cell.evidence_count) for c, cell in cells.get(u.pk, {}).items()} for u in learners}


def kept(learners) -> dict:
    ids = [u.pk for u in learners]
    return team_levels(trainees=ids, learner_ids=ids, now=timezone.now()).levels


def current(learner) -> bool:
    summary = LevelSummary.objects.filter(learner_id=learner.pk).first()
    return summary is not None and summary.evidence_version == summary.computed_version


def test_kept_levels_follow_every_way_evidence_is_written(trainee, other_trainee, add_evidence, competencies):
    learners = [trainee, other_trainee]
    first = add_evidence(trainee, "empathy", 2, days_ago=30)
    add_evidence(trainee, "empathy", 4, days_ago=3)
    add_evidence(other_trainee, "humour", 3, days_ago=1)
    writes = [
        lambda: add_evidence(trainee, "kindness", 5, days_ago=2),  # a new record
        lambda: add_evidence(trainee, "empathy", 5, days_ago=30, reference=first.reference),  # re-recorded
        lambda: evidence_record_many(records=[  # in bulk, one new and one replaced
            {"learner": trainee, "competency": competencies["humour"], "score": 0.25, "source": "quiz",
             "reference": "bulk:1"},
            {"learner": other_trainee, "competency": competencies["humour"], "score": 1.0, "source": "quiz",
             "reference": Evidence.objects.get(learner=other_trainee).reference},
        ]),
        lambda: Evidence.objects.filter(learner=trainee, competency=competencies["empathy"]).update(weight=0.5),
        lambda: Evidence.objects.filter(pk=first.pk).delete(),
        lambda: Evidence.objects.bulk_create([Evidence(
            learner=other_trainee, competency=competencies["empathy"], score=level_to_score(1), source="quiz",
            reference="raw:1", created_at=timezone.now() - timedelta(days=5))]),
    ]
    assert kept(learners) == recomputed(learners)
    for write in writes:
        assert current(trainee) and current(other_trainee)
        write()
        assert not (current(trainee) and current(other_trainee))  # out of date at once
        assert kept(learners) == recomputed(learners)  # and recomputed by the next read


def test_a_note_does_not_make_levels_out_of_date(trainee, add_evidence):
    evidence = add_evidence(trainee, "empathy", 3)
    kept([trainee])
    Evidence.objects.filter(pk=evidence.pk).update(note="Spokojnie i rzeczowo.")
    assert current(trainee)


def test_levels_with_evidence_dated_later_are_not_kept(trainee, add_evidence):
    add_evidence(trainee, "empathy", 3, days_ago=-2)  # two days ahead: counts as new until then
    add_evidence(trainee, "empathy", 1, days_ago=10)
    assert kept([trainee]) == recomputed([trainee])
    assert not current(trainee)


def test_rebuild_recomputes_everyone(trainee, other_trainee, add_evidence):
    add_evidence(trainee, "empathy", 2)
    add_evidence(other_trainee, "kindness", 4)
    call_command("summaries_rebuild", verbosity=0)
    assert current(trainee) and current(other_trainee)
    summary = LevelSummary.objects.get(learner_id=trainee.pk)
    assert summary.levels == f"[{Evidence.objects.get(learner=trainee).competency_id},2.0,1]"


def test_a_kept_export_is_the_computed_export(ruled_team_for_summary, team_a):
    now = timezone.now()
    with translation.override("pl"):
        computed = exports.matrix_csv(team=team_a, now=now)  # computes and keeps every level
        assert all(current(u) for u in ruled_team_for_summary)
        assert exports.matrix_csv(team=team_a, now=now) == computed  # from the kept levels
    ready = [row for row in read_csv(computed)[1:] if row[-1] != ""]
    assert ready and all(row[-1] == "0" for row in ready)


@pytest.fixture
def ruled_team_for_summary(manager, team_a, many_trainees, add_evidence, competencies, course_tree, complete_course):
    from insights.services import readiness_rules_save

    readiness_rules_save(team=team_a, course_keys=[course_tree["extra"][0].translation_key],
                         minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    learners = many_trainees(team_a, 6, prefix="kept")
    for n, learner in enumerate(learners):
        add_evidence(learner, "empathy", 1 + n * 0.8, days_ago=20 - n)
        add_evidence(learner, "empathy", 5 - n * 0.5, days_ago=9)
        add_evidence(learner, "humour", 2 + n * 0.5, days_ago=n)  # no rule: kept, not read again when ready
        if n % 2:
            complete_course(learner, course_tree["extra"], days_ago=4)
    return learners


def kept_states(learners, courses) -> dict:
    ids = [u.pk for u in learners]
    states = team_course_states(trainees=ids, learner_ids=ids, courses=courses)
    return {u.pk: {key: as_tuple(state) for key, state in states.get(u.pk, {}).items()} for u in learners}


def summed_states(learners, courses) -> dict:
    totals = progress_totals([u.pk for u in learners], courses)
    return {u.pk: {key: as_tuple(state) for key, state in totals.get(u.pk, {}).items() if state.done or state.seconds}
            for u in learners}


def as_tuple(state):
    return state.done, state.total, state.completed_at, state.seconds


def progress_current(learner) -> bool:
    summary = ProgressSummary.objects.filter(learner_id=learner.pk).first()
    return summary is not None and summary.progress_version == summary.computed_version


def test_kept_course_states_follow_every_way_progress_is_written(trainee, other_trainee, course_tree,
                                                                 complete_course):
    learners = [trainee, other_trainee]
    basics, lessons = course_tree["basics"]
    with translation.override("pl"):
        courses = live_courses()
    complete_course(trainee, course_tree["basics"], only=1, days_ago=5)
    writes = [
        lambda: complete_course(trainee, course_tree["basics"], days_ago=1),  # the rest of the course
        lambda: complete_course(other_trainee, course_tree["extra"]),
        lambda: LessonProgress.objects.filter(learner=trainee).update(seconds_spent=F("seconds_spent") + 90),
        lambda: LessonProgress.objects.filter(learner=trainee, lesson_key=lessons[0].translation_key).delete(),
        lambda: LessonProgress.objects.bulk_create([LessonProgress(
            learner=other_trainee, lesson_key=lessons[0].translation_key, course_key=basics.translation_key,
            started_at=timezone.now(), last_seen_at=timezone.now(), seconds_spent=40)]),
    ]
    assert kept_states(learners, courses) == summed_states(learners, courses)
    for write in writes:
        assert progress_current(trainee) and progress_current(other_trainee)
        write()
        assert not (progress_current(trainee) and progress_current(other_trainee))
        assert kept_states(learners, courses) == summed_states(learners, courses)


def test_a_withdrawn_lesson_is_not_counted_from_kept_states(trainee, course_tree, complete_course):
    basics, lessons = course_tree["basics"]
    complete_course(trainee, course_tree["basics"], only=2, days_ago=2)
    with translation.override("pl"):
        before = live_courses()
    kept_states([trainee], before)  # kept while the course has three lessons
    lessons[2].unpublish()
    with translation.override("pl"):
        after = live_courses()
    state = kept_states([trainee], after)[trainee.pk][basics.translation_key]
    assert state == summed_states([trainee], after)[trainee.pk][basics.translation_key]
    assert state[:2] == (2, 2) and state[2] is not None  # two of two: complete now


def test_a_kept_progress_export_is_the_computed_export(team_a, trainee, course_tree, complete_course, many_trainees):
    complete_course(trainee, course_tree["basics"], days_ago=3)
    for learner in many_trainees(team_a, 4, prefix="prog"):
        complete_course(learner, course_tree["extra"], days_ago=1)
    with translation.override("en"):
        computed = exports.progress_csv(team=team_a)
        assert exports.progress_csv(team=team_a) == computed


def test_team_fingerprint_follows_completions_and_evidence_not_time_spent(team_a, trainee, course_tree,
                                                                          complete_course, add_evidence):
    complete_course(trainee, course_tree["basics"], only=1)
    before = team_stamp(team=team_a)
    LessonProgress.objects.filter(learner=trainee).update(seconds_spent=F("seconds_spent") + 60)
    assert team_stamp(team=team_a) == before  # shown within TEAM_CACHE_SECONDS, like a renamed course
    complete_course(trainee, course_tree["basics"], only=2)
    completed = team_stamp(team=team_a)
    assert completed != before
    LessonProgress.objects.filter(learner=trainee, completed_at__isnull=False).first().delete()
    removed = team_stamp(team=team_a)
    assert removed != completed
    add_evidence(trainee, "empathy", 3)
    assert team_stamp(team=team_a) != removed
    assert team_stamp(team=team_a, evidence=False) == removed.rsplit("|", 1)[0]
