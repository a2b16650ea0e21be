"""The team dashboard: scoped to the manager's teams, paginated, explained, fast."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Evidence
from courses.models import LessonProgress
from insights.services import readiness_rules_save


def url(name="team_dashboard", lang="en", *args):
    with translation.override(lang):
        return reverse(name, args=args or None)


def seed_team(team, users, competencies, course_tree):
    """Twenty pieces of evidence and some progress for each user, in bulk."""
    rng = random.Random(7)
    now = timezone.now()
    comps = list(competencies.values())
    rows = []
    for user in users:
        for i in range(20):
            rows.append(Evidence(learner=user, competency=comps[i % len(comps)], score=rng.random(), weight=1.0,
                                 source="quiz", reference=f"bulk:{user.pk}:{i}", created_at=now - timedelta(days=i * 3)))
    Evidence.objects.bulk_create(rows)
    course, lessons = course_tree["basics"]
    LessonProgress.objects.bulk_create([
        LessonProgress(learner=user, lesson_key=lesson.translation_key, course_key=course.translation_key,
                       started_at=now, last_seen_at=now, completed_at=now)
        for user in users for lesson in lessons[: rng.randrange(0, 4)]
    ])


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx), response


def test_manager_sees_only_their_team(client, manager, trainee, other_trainee, add_evidence):
    add_evidence(trainee, "empathy", 4)
    add_evidence(other_trainee, "empathy", 2)
    client.force_login(manager)
    body = client.get(url()).content.decode()
    assert "Tina Trainee" in body and 'data-trainee="trainee_a"' in body
    assert "trainee_b" not in body
    assert reverse("insights:trainee", args=[trainee.pk]) in body


def test_cells_show_level_as_number_and_band_and_mark_below_minimum(client, manager, trainee, add_evidence,
                                                                     competencies, team_a):
    add_evidence(trainee, "empathy", 2.8)
    add_evidence(trainee, "kindness", 4.6)
    readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["empathy"]: 3.5}, updated_by=manager)
    client.force_login(manager)
    body = client.get(url()).content.decode()
    assert 'class="lvl lvl-3 below" data-competency="empathy"' in body
    assert 'class="lvl lvl-5" data-competency="kindness"' in body
    assert ">2.8</a>" in body and ">4.6</a>" in body
    assert "below the minimum 3.5" in body  # said in words for screen readers, not only by colour
    assert "Empathy 2.8 &lt; 3.5 required" in body
    assert "No evidence" in body


def test_ready_trainee_shows_days_to_readiness(client, manager, trainee, add_evidence, competencies, team_a):
    add_evidence(trainee, "empathy", 4, days_ago=3)
    readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["empathy"]: 3.5}, updated_by=manager)
    client.force_login(manager)
    body = client.get(url()).content.decode()
    assert 'data-verdict="ready"' in body and "after 0 days" in body


def test_team_without_rules_invites_to_set_them(client, manager, trainee):
    client.force_login(manager)
    body = client.get(url()).content.decode()
    assert 'data-testid="no-rules"' in body and 'data-verdict="no_rules"' in body


@pytest.mark.parametrize("who", ["trainee", "trainer", "other_trainee"])
def test_people_who_manage_no_team_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url()).status_code == 403


def test_another_teams_dashboard_is_refused(client, manager, team_b, other_trainee):
    client.force_login(manager)
    assert client.get(url() + f"?team={team_b.pk}").status_code == 403
    assert client.get(url() + "?team=999999").status_code == 403


def test_admin_chooses_any_team(client, make_user, team_b, other_trainee, add_evidence):
    admin = make_user("boss", is_superuser=True)
    add_evidence(other_trainee, "empathy", 4)
    client.force_login(admin)
    body = client.get(url() + f"?team={team_b.pk}").content.decode()
    assert 'data-trainee="trainee_b"' in body


def test_sixty_trainees_are_shown_fifty_per_page(client, manager, team_a, many_trainees):
    many_trainees(team_a, 60)
    client.force_login(manager)
    first = client.get(url()).content.decode()
    assert first.count("<tr data-trainee=") == 50 and "Page 1 of 2" in first
    second = client.get(url() + "?page=2").content.decode()
    assert second.count("<tr data-trainee=") == 10 and "Page 2 of 2" in second
    assert client.get(url() + "?page=99").status_code == 200  # clamped to the last page
    assert client.get(url() + "?page=abc&period=nonsense&course=xyz").status_code == 200  # defaults


def test_query_count_does_not_grow_with_the_team(client, manager, team_a, many_trainees, competencies, course_tree):
    small = many_trainees(team_a, 5, prefix="aa")
    seed_team(team_a, small, competencies, course_tree)
    client.force_login(manager)
    five, _ = count_queries(client, url())
    seed_team(team_a, many_trainees(team_a, 55, prefix="bb"), competencies, course_tree)
    sixty, response = count_queries(client, url())
    assert response.content.decode().count("<tr data-trainee=") == 50
    assert five == sixty
    assert sixty <= 13


def test_dashboard_query_budget(client, manager, trainee, add_evidence, course_tree, team_a, competencies,
                                django_assert_max_num_queries):
    add_evidence(trainee, "empathy", 4)
    course, _lessons = course_tree["basics"]
    readiness_rules_save(team=team_a, course_keys=[course.translation_key],
                         minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(13):
        client.get(url())


def test_course_filter_and_htmx_partial(client, manager, trainee, course_tree, complete_course):
    complete_course(trainee, course_tree["extra"])
    client.force_login(manager)
    key = course_tree["extra"][0].translation_key  # the course pages are Polish
    response = client.get(url(lang="pl") + f"?course={key}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="heatmap-region")
    body = response.content.decode()
    assert "<html" not in body and 'data-lessons="1/1"' in body and 'data-progress-scope="course"' in body
    full = client.get(url(lang="pl")).content.decode()
    assert "<html" in full and 'data-lessons="1/4"' in full  # no rules: every published course
    assert 'data-progress-scope="all"' in full


def test_period_filter_shows_change_since_its_start(client, manager, trainee, add_evidence):
    add_evidence(trainee, "empathy", 2, days_ago=120)
    add_evidence(trainee, "empathy", 5, days_ago=2)
    client.force_login(manager)
    assert 'class="delta"' in client.get(url() + "?period=90").content.decode()
    assert 'class="delta"' not in client.get(url() + "?period=all").content.decode()


def test_trends_show_team_levels_and_time_to_readiness(client, manager, trainee, add_evidence, competencies,
                                                       team_a):
    add_evidence(trainee, "empathy", 2, days_ago=60)
    add_evidence(trainee, "empathy", 4, days_ago=5)
    readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    client.force_login(manager)
    response = client.get(url("insights:team_trends", "en", team_a.pk), HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="trends-region")
    body = response.content.decode()
    assert "<html" not in body
    assert "1 of 1 trainees are ready." in body
    assert 'id="trend-data"' in body and "Empathy" in body


def test_trends_query_count_does_not_grow_with_the_team(client, manager, team_a, many_trainees, competencies,
                                                        course_tree):
    seed_team(team_a, many_trainees(team_a, 5, prefix="cc"), competencies, course_tree)
    readiness_rules_save(team=team_a, course_keys=[course_tree["basics"][0].translation_key],
                         minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    client.force_login(manager)
    path = url("insights:team_trends", "en", team_a.pk)
    five, _ = count_queries(client, path)
    seed_team(team_a, many_trainees(team_a, 55, prefix="dd"), competencies, course_tree)
    sixty, _ = count_queries(client, path)
    # the kept level histories (read, the out-of-date ones recomputed, kept) and the kept verdicts
    # (read, and for the changed trainees their levels and course states read, computed and kept)
    assert five == sixty <= 21


def test_cached_trends_follow_new_evidence(client, manager, trainee, add_evidence, competencies, team_a):
    readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["empathy"]: 3.0}, updated_by=manager)
    add_evidence(trainee, "empathy", 2, days_ago=10)
    client.force_login(manager)
    path = url("insights:team_trends", "en", team_a.pk)
    assert "0 of 1 trainees are ready." in client.get(path).content.decode()
    assert "0 of 1 trainees are ready." in client.get(path).content.decode()  # from the cache
    add_evidence(trainee, "empathy", 5, days_ago=1)
    assert "1 of 1 trainees are ready." in client.get(path).content.decode()


def test_admin_without_any_team_gets_an_empty_dashboard(client, make_user):
    client.force_login(make_user("root", is_superuser=True))
    response = client.get(url())
    assert response.status_code == 200 and response.context["heatmap"] is None
