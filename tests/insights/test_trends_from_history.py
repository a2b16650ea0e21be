"""The team trend read from kept level histories says what the evidence itself says: the mean
level at each moment over the trainees with a level by then, and the same readiness and days."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from academy.models import Membership, Role
from assessments.models import Evidence
from assessments.selectors import score_to_level, weighted_score
from courses.models import LessonProgress
from insights.levels import (
    cell_steps,
    decode_steps,
    encode_steps,
    flat_steps,
    group_cells,
    steps_of,
)
from insights.models import LevelSummary
from insights.readiness import course_states, verdict
from insights.selectors import (
    all_competencies,
    live_courses,
    page_evidence,
    page_progress,
    team_rules,
    team_trends,
    trend_moments,
)
from insights.services import readiness_rules_save


@pytest.fixture
def varied_team(team_a, many_trainees, competencies, course_tree, manager):
    """Twelve trainees with evidence from 200 days ago to now (some at the same moment), some
    lessons done, and rules on one course and two levels."""
    rng = random.Random(11)
    now = timezone.now()
    users = many_trainees(team_a, 12, prefix="hist")
    for user in users[::2]:  # joined before some of their evidence, so days to readiness vary
        Membership.objects.filter(team=team_a, user=user).update(joined_at=now - timedelta(days=rng.uniform(20, 150)))
    comps = list(competencies.values())
    rows = []
    for user in users:
        for i in range(rng.randrange(0, 25)):
            at = now - timedelta(days=rng.uniform(0, 200))
            for _twice in range(2 if i % 7 == 0 else 1):  # two pieces of evidence at one moment
                rows.append(Evidence(learner=user, competency=rng.choice(comps), score=rng.random(),
                                     weight=rng.choice((0.5, 1.0)), source="quiz",
                                     reference=f"hist:{user.pk}:{i}:{_twice}", created_at=at))
    for n, user in enumerate(users[:8]):  # good evidence of the ruled traits: most of these become ready
        for slug in ("empathy", "humour"):
            rows.append(Evidence(learner=user, competency=competencies[slug], score=0.7 + 0.03 * n, weight=1.0,
                                 source="quiz", reference=f"hist:{user.pk}:{slug}",
                                 created_at=now - timedelta(days=rng.uniform(5, 100))))
    Evidence.objects.bulk_create(rows)
    course, lessons = course_tree["basics"]
    LessonProgress.objects.bulk_create([
        LessonProgress(learner=user, lesson_key=lesson.translation_key, course_key=course.translation_key,
                       started_at=now - timedelta(days=50), last_seen_at=now - timedelta(days=50),
                       completed_at=now - timedelta(days=rng.uniform(1, 60)))
        for n, user in enumerate(users) for lesson in lessons[: 3 if n < 8 else rng.randrange(0, 3)]
    ])
    readiness_rules_save(team=team_a, course_keys=[course.translation_key],
                         minimums={competencies["empathy"]: 2.5, competencies["humour"]: 2.0}, updated_by=manager)
    return users


def expected(team, period_days, now):
    """The trend and readiness computed straight from the evidence, as the pages would."""
    members = list(Membership.objects.filter(team=team, role=Role.TRAINEE).values_list("user_id", "joined_at"))
    ids = [user_id for user_id, _joined in members]
    cells = group_cells(page_evidence(ids), now=now)
    first = min((cell.rows[0][2] for by in cells.values() for cell in by.values()), default=None)
    moments = trend_moments(now - timedelta(days=period_days) if period_days else None, first, now)
    means = {}
    for by_competency in cells.values():
        for competency_id, cell in by_competency.items():
            for index, moment in enumerate(moments):
                before = [row for row in cell.rows if row[2] <= moment]
                level = score_to_level(weighted_score(before, moment)) if before else None
                if level is not None:
                    means.setdefault((competency_id, index), []).append(level)
    courses = {c.key: c for c in live_courses()}
    rules, _stale = team_rules(team=team, competencies={c.pk: c for c in all_competencies()}, courses=courses)
    rule_courses = [r.course for r in rules if r.kind == "course"]
    progress = page_progress(ids, {c.key: c for c in rule_courses})
    ready, days = 0, []
    for user_id, joined_at in members:
        result = verdict(rules, cells=cells.get(user_id, {}), courses=course_states(rule_courses, progress.get(user_id, [])),
                         joined_at=joined_at)
        if result.ready:
            ready += 1
            days.append(result.days_to_ready)
    return moments, means, ready, sorted(days)


@pytest.mark.parametrize("period_days", [90, 30, None])
def test_trend_from_kept_histories_equals_the_evidence(varied_team, team_a, period_days):
    now = timezone.now()
    period = str(period_days) if period_days else "all"
    for reading in ("computed", "kept"):  # the first read computes and keeps, the second reads what was kept
        trends = team_trends(team=team_a, period=period, now=now)
        moments, means, ready, days = expected(team_a, period_days, now)
        assert trends.moments == moments, reading
        for line in trends.series:
            for index, value in enumerate(line["values"]):
                levels = means.get((line["competency"].pk, index))
                if levels is None:
                    assert value is None
                else:
                    assert value == pytest.approx(sum(levels) / len(levels), abs=0.0051), (reading, index)
        assert (trends.ready, sorted(trends.days)) == (ready, days), reading
        assert trends.ready + trends.not_ready == len(varied_team)
        assert 0 < trends.ready < len(varied_team) and any(trends.days), "the data must exercise both verdicts"
    assert LevelSummary.objects.filter(learner__in=varied_team).exclude(steps=b"").exists()


def test_a_kept_history_round_trips_exactly(trainee, add_evidence):
    for days, level in ((30, 2), (30, 4), (10, 5), (0.5, 1)):
        add_evidence(trainee, "empathy", level, days_ago=days)
    now = timezone.now()
    cells = group_cells(page_evidence([trainee.pk]), now=now)[trainee.pk]
    flat = decode_steps([encode_steps(flat_steps(cells))])[0]
    (competency_id,) = cells
    history = cell_steps(cells[competency_id].rows)
    assert flat[:2] == [competency_id, len(history)]
    assert steps_of(flat, [competency_id])[competency_id] == history
