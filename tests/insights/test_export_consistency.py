"""The fast whole-team reads of the exports say what the per-trainee pages say: the same level,
verdict, reasons and days to readiness, the same course progress, in both languages."""

import gc
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.selectors import learner_competency_levels, recency_weight, weighted_score
from courses.models import LessonProgress
from insights import exports, readiness
from insights.levels import group_cells
from insights.readiness import Judge, course_states, verdict
from insights.selectors import (
    collector_paused,
    live_courses,
    page_evidence,
    page_progress,
    progress_totals,
    team_heatmap,
    trainee_profile,
)
from insights.services import readiness_rules_save
from tests.insights.csvs import read_csv


def reference_score(rows, now):
    """The formula as written in assessments' docstring: weights counted from `now`."""
    weights = [recency_weight(weight, at, now) for _score, weight, at in rows]
    return sum(score * w for (score, _weight, _at), w in zip(rows, weights, strict=True)) / sum(weights)


def test_a_level_is_the_same_whatever_the_moment_and_the_order_of_the_evidence():
    now = timezone.now()
    rows = [(0.2, 1.0, now - timedelta(days=90)), (0.9, 0.5, now - timedelta(days=3)),
            (0.6, 1.0, now - timedelta(days=30, seconds=7)), (0.4, 1.0, now - timedelta(days=30))]
    score = weighted_score(rows, now)
    assert score == pytest.approx(reference_score(rows, now), rel=1e-12)
    assert weighted_score(rows[::-1], now + timedelta(days=45)) == score  # exactly, not nearly
    assert weighted_score(rows[1:2], now) == 0.9
    assert weighted_score([], now) is None and weighted_score([(0.5, 0.0, now)], now) is None


def test_evidence_dated_after_now_counts_as_new():
    now = timezone.now()
    rows = [(1.0, 1.0, now + timedelta(days=10)), (0.0, 1.0, now - timedelta(days=60))]
    assert weighted_score(rows, now) == pytest.approx(reference_score(rows, now), rel=1e-12)
    assert weighted_score(rows, now) == pytest.approx(2 / 3)  # 1 against ½: the future row is not worth more


def test_cells_need_the_rows_in_the_order_evidence_rows_gives():
    now = timezone.now()
    rows = [(0.5, 1.0, now, 1, 2), (0.5, 1.0, now, 1, 3), (0.7, 1.0, now, 1, 2)]
    with pytest.raises(ValueError):
        group_cells(rows, now=now)


@pytest.fixture
def ruled_team(manager, team_a, make_user, add_evidence, competencies, course_tree, complete_course):
    """Three trainees under a course rule and two level rules: one ready, two not, for
    different reasons; several pieces of evidence per competency, so the recency weighting
    matters."""
    course, _lessons = course_tree["basics"]
    readiness_rules_save(team=team_a, course_keys=[course.translation_key],
                         minimums={competencies["empathy"]: 3.0, competencies["humour"]: 2.5}, updated_by=manager)
    ready = make_user("ready_one", team=team_a, role="trainee", first_name="Ada", last_name="Ready")
    short = make_user("short_one", team=team_a, role="trainee", first_name="Bea", last_name="Short")
    fresh = make_user("fresh_one", team=team_a, role="trainee", first_name="Cid", last_name="Fresh")
    for learner, empathy in ((ready, (2, 4, 5)), (short, (4, 2, 2.5)), (fresh, (3,))):
        for days_ago, level in zip((70, 20, 4), empathy, strict=False):
            add_evidence(learner, "empathy", level, days_ago=days_ago)
    for learner in (ready, short):
        add_evidence(learner, "humour", 3, days_ago=15, weight=0.5)
        add_evidence(learner, "kindness", 4.5, days_ago=8)
    complete_course(ready, course_tree["basics"], days_ago=12)
    complete_course(short, course_tree["basics"], only=2, days_ago=12)
    return {"ready": ready, "short": short, "fresh": fresh}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_csv_row_says_what_the_dashboard_profile_and_results_page_say(ruled_team, team_a, manager, competencies,
                                                                        language):
    now = timezone.now()
    with translation.override(language):
        header, *rows = read_csv(exports.matrix_csv(team=team_a, now=now))
        heatmap = team_heatmap(team=team_a, trainee_count=3, now=now)
        by_username = {row[1]: row for row in rows}
        for trainee_row in heatmap.rows:
            user = trainee_row.user
            row = by_username[user.username]
            shown = {hc.competency.name: hc.level for hc in trainee_row.cells}
            profile = trainee_profile(learner=user, viewer=manager, now=now)
            on_profile = {story.competency.name: story.level for story in profile["stories"]}
            results = {view.competency.name: view.level for view in learner_competency_levels(learner=user, now=now)}
            for name in shown:
                in_csv = row[header.index(name)]
                assert in_csv == ("" if shown[name] is None else f"{shown[name]:.1f}")
                assert shown[name] == on_profile[name] == results[name]
            assert row[header.index("Unmet rules" if language == "en" else "Niespełnione zasady")] == "; ".join(
                trainee_row.verdict.reasons)
            (on_profile_verdict,) = profile["verdicts"]
            assert trainee_row.verdict.reasons == on_profile_verdict["verdict"].reasons
            days = trainee_row.verdict.days_to_ready
            assert row[-1] == ("" if days is None else str(days))
            assert days == on_profile_verdict["verdict"].days_to_ready
    assert by_username["ready_one"][-3] == ("ready" if language == "en" else "gotowy(-a)")
    assert by_username["ready_one"][-1] == "0"  # ready from the day of joining: the evidence came before
    assert by_username["short_one"][-1] == by_username["fresh_one"][-1] == ""


def test_reasons_are_built_once_per_export_and_read_as_before(ruled_team, team_a, competencies, monkeypatch,
                                                              many_trainees, add_evidence):
    for learner in many_trainees(team_a, 20, prefix="same"):
        add_evidence(learner, "empathy", 2.8, days_ago=3)  # twenty times the same reasons
    calls = []
    original = readiness._

    def counting(message):
        calls.append(message)
        return original(message)

    monkeypatch.setattr(readiness, "_", counting)
    with translation.override("pl"):
        rows = read_csv(exports.matrix_csv(team=team_a))[1:]
    assert len(calls) <= 8  # the distinct sentences, not one per trainee
    bulk = {row[-2] for row in rows if row[1].startswith("same")}
    assert bulk == {
        f"Kurs „Podstawy” nieukończony (0 z 3 lekcji); {competencies['empathy'].name_pl} 2,8 < 3,0 wymagane; "
        f"Brak dowodów dla: {competencies['humour'].name_pl}"
    }


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_shared_judge_says_what_a_fresh_one_says(ruled_team, team_a, language):
    now = timezone.now()
    with translation.override(language):
        heatmap = team_heatmap(team=team_a, trainee_count=3, now=now)
        judge = Judge(heatmap.rules)
        for trainee_row in heatmap.rows:
            cells = {hc.competency.pk: hc.cell for hc in trainee_row.cells if hc.cell}
            levels = {pk: cell.level for pk, cell in cells.items()}
            states = {state.info.key: state for state in trainee_row.courses}
            for index, rule in enumerate(heatmap.rules):
                alone = Judge([rule]).outcomes(levels, states)[0]  # a fresh Judge
                assert judge.outcomes(levels, states)[index] == alone
            assert judge.met([None] * len(heatmap.rules)) == [rule.label for rule in heatmap.rules]
            assert verdict(heatmap.rules, cells=cells, courses=states, judge=judge).reasons == \
                trainee_row.verdict.reasons
    if language == "pl":
        assert any("2,5 wymagane" in reason or "3,0 wymagane" in reason
                   for row in heatmap.rows for reason in row.verdict.reasons)


def test_progress_totals_equal_the_states_of_every_lesson(team_a, trainee, other_trainee, course_tree,
                                                          complete_course, many_trainees):
    complete_course(trainee, course_tree["basics"], days_ago=3)
    complete_course(trainee, course_tree["extra"], days_ago=1)
    partial = many_trainees(team_a, 1, prefix="part")[0]
    complete_course(partial, course_tree["basics"], only=1)
    with translation.override("pl"):
        courses = live_courses()
    learners = [trainee.pk, partial.pk, other_trainee.pk]
    rows = page_progress(learners, {c.key: c for c in courses})
    totals = progress_totals(learners, courses)
    for learner in learners:
        every_lesson = course_states(courses, rows.get(learner, []))
        for course in courses:
            summed = totals.get(learner, {}).get(course.key)
            expected = every_lesson[course.key]
            if summed is None:
                assert expected.done == 0 and expected.seconds == 0
                continue
            assert (summed.done, summed.total, summed.percent, summed.completed_at, summed.seconds) == (
                expected.done, expected.total, expected.percent, expected.completed_at, expected.seconds)
    assert totals[trainee.pk][course_tree["basics"][0].translation_key].is_complete


def test_a_lesson_recorded_under_another_course_counts_for_its_course(team_a, trainee, course_tree, complete_course):
    basics, lessons = course_tree["basics"]
    extra, _extra_lessons = course_tree["extra"]
    complete_course(trainee, course_tree["basics"], days_ago=2)
    # The last lesson was completed while it belonged to "extra" (moved since).
    LessonProgress.objects.filter(learner=trainee, lesson_key=lessons[-1].translation_key).update(
        course_key=extra.translation_key)
    with translation.override("pl"):
        courses = live_courses()
    every_lesson = course_states(courses, page_progress([trainee.pk], {c.key: c for c in courses})[trainee.pk])
    summed = progress_totals([trainee.pk], courses)[trainee.pk]
    assert summed[basics.translation_key].done == every_lesson[basics.translation_key].done == 3
    assert summed[basics.translation_key].is_complete


def test_progress_csv_matches_the_dashboard_progress(client, manager, team_a, trainee, course_tree, complete_course):
    complete_course(trainee, course_tree["basics"], only=2, days_ago=5)
    complete_course(trainee, course_tree["extra"], days_ago=1)
    client.force_login(manager)
    with translation.override("en"):
        response = client.get(reverse("insights:export_progress", args=[team_a.pk]))
    rows = read_csv(response.content.decode("utf-8"))[1:]
    with translation.override("pl"):
        states = {s.info.title: s for s in team_heatmap(team=team_a, trainee_count=1).rows[0].courses}
    for row in rows:
        state = states[row[2]]
        assert row[3:6] == [str(state.done), str(state.total), str(state.percent)]
        assert row[6] == (timezone.localtime(state.completed_at).date().isoformat() if state.completed_at else "")
        assert row[7] == str(state.minutes)


@pytest.mark.parametrize("enabled", [True, False])
def test_a_whole_team_read_leaves_the_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_page_evidence_reads_cells_in_order(trainee, other_trainee, add_evidence):
    add_evidence(trainee, "kindness", 2, days_ago=1)
    add_evidence(trainee, "empathy", 3, days_ago=9)
    add_evidence(other_trainee, "empathy", 4, days_ago=2)
    add_evidence(trainee, "empathy", 5, days_ago=4)
    rows = page_evidence([trainee.pk, other_trainee.pk])
    keys = [(row[3], row[4], row[2]) for row in rows]
    assert keys == sorted(keys)
    cells = group_cells(rows, now=timezone.now())
    assert sum(cell.evidence_count for by in cells.values() for cell in by.values()) == 4
