"""My learning, assignments, search and the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from academy.models import Announcement, Role
from courses.models import CourseAssignment, LessonPage
from courses.selectors import learner_required_courses

from .conftest import page_url


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def section(content, testid):
    start = content.index(f'data-testid="{testid}"')
    return content[start:content.index("</section>", start)]


# --- My learning ------------------------------------------------------------------------------
def test_my_learning_keeps_teams_and_announcements_and_lists_courses(client, trainee, trainer, team_a, curriculum):
    Announcement.objects.create(team=team_a, author=trainer, text="Symulacja o 14:00")
    client.force_login(trainee)
    content = client.get(url("my_learning")).content.decode()
    assert "Moja nauka" in content and "Alpha" in content and "Symulacja o 14:00" in content
    assert f'data-team-ws="{team_a.pk}"' in content
    others = section(content, "other-courses")
    assert "Kurs Alfa" in others and "Kurs Beta" in others


def test_my_learning_stays_within_its_query_budget(
    client, trainee, trainer, team_a, curriculum, django_assert_max_num_queries
):
    CourseAssignment.objects.create(course_key=curriculum[("pl", "alpha")].translation_key, team=team_a,
                                    due_date=timezone.localdate())
    client.force_login(trainee)
    client.get(page_url(curriculum[("pl", "alpha/listening")]))
    with django_assert_max_num_queries(12):
        assert client.get(url("my_learning")).status_code == 200


def test_trainer_assigns_a_course_to_the_team_and_the_trainee_sees_it_with_the_due_date(
    client, trainee, trainer, team_a, curriculum
):
    client.force_login(trainer)
    alpha = curriculum[("pl", "alpha")]
    response = client.post(url("courses:assign"), {
        "course": str(alpha.translation_key), "team": team_a.pk, "learner": "", "due_date": in_days(10),
    })
    assert response.status_code == 302
    assignment = CourseAssignment.objects.get()
    assert (assignment.team, assignment.learner, assignment.assigned_by) == (team_a, None, trainer)
    client.force_login(trainee)
    content = client.get(url("my_learning", "en")).content.decode()
    assigned = section(content, "assigned-courses")
    due = (timezone.localdate() + datetime.timedelta(days=10))
    assert "Course Alpha" in assigned and f"Due {due.day}" in assigned
    assert "Course Alpha" not in section(content, "other-courses")


def test_a_personal_due_date_wins_and_overdue_is_flagged(client, trainee, trainer, team_a, curriculum):
    key = curriculum[("pl", "alpha")].translation_key
    CourseAssignment.objects.create(course_key=key, team=team_a, due_date=timezone.localdate() + datetime.timedelta(days=30))
    CourseAssignment.objects.create(course_key=key, team=team_a, learner=trainee,
                                    due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(trainee)
    assigned = section(client.get(url("my_learning", "en")).content.decode(), "assigned-courses")
    assert "Overdue since" in assigned


def test_trainer_assigns_to_one_trainee_and_reassigning_moves_the_due_date(
    client, trainee, trainer, team_a, make_user, curriculum
):
    colleague = make_user("colleague", team=team_a, role=Role.TRAINEE)
    client.force_login(trainer)
    beta = str(curriculum[("pl", "beta")].translation_key)
    for days in (5, 9):
        client.post(url("courses:assign"), {"course": beta, "team": team_a.pk, "learner": trainee.pk,
                                             "due_date": in_days(days)})
    assignment = CourseAssignment.objects.get()
    assert assignment.learner == trainee and assignment.due_date.isoformat() == in_days(9)
    page = client.get(url("courses:assign", "en")).content.decode()
    assert "Course Beta" in page and "Tina Trainee" in page and "0 / 1" in page
    client.force_login(colleague)
    assert "Kurs Beta" not in section(client.get(url("my_learning")).content.decode(), "assigned-courses")


@pytest.mark.parametrize(
    "change,field",
    [
        ({"due_date": "2001-01-01"}, "The due date cannot be in the past."),
        ({"due_date": "jutro"}, "Enter the date as YYYY-MM-DD."),
        ({"course": "not-a-course"}, "Select a valid choice."),
    ],
)
def test_bad_assignment_rerenders_with_the_message(client, trainer, team_a, curriculum, change, field):
    client.force_login(trainer)
    data = {"course": str(curriculum[("pl", "alpha")].translation_key), "team": team_a.pk, "learner": "",
            "due_date": in_days(3), **change}
    response = client.post(url("courses:assign", "en"), data)
    assert response.status_code == 400 and field in response.content.decode()
    assert not CourseAssignment.objects.exists()


def test_a_trainer_cannot_assign_to_another_team_or_its_trainees(
    client, trainer, trainee, team_b, other_trainee, team_a, curriculum
):
    client.force_login(trainer)
    key = str(curriculum[("pl", "alpha")].translation_key)
    other_team = client.post(url("courses:assign", "en"), {"course": key, "team": team_b.pk, "due_date": in_days(3)})
    assert other_team.status_code == 400
    stranger = client.post(url("courses:assign", "en"),
                           {"course": key, "team": team_a.pk, "learner": other_trainee.pk, "due_date": in_days(3)})
    assert stranger.status_code == 400
    assert not CourseAssignment.objects.exists()


def test_trainees_cannot_assign(client, trainee, curriculum):
    client.force_login(trainee)
    assert client.get(url("courses:assign")).status_code == 403
    assert client.post(url("courses:assign"), {}).status_code == 403


def test_removing_an_assignment_is_for_leaders_of_its_team(client, trainer, other_manager, team_a, curriculum):
    assignment = CourseAssignment.objects.create(course_key=curriculum[("pl", "alpha")].translation_key,
                                                 team=team_a, due_date=timezone.localdate())
    client.force_login(other_manager)
    assert client.post(url("courses:assignment_delete", pk=assignment.pk)).status_code == 403
    client.force_login(trainer)
    assert client.post(url("courses:assignment_delete", pk=assignment.pk)).status_code == 302
    assert not CourseAssignment.objects.exists()
    assert client.post(url("courses:assignment_delete", pk=assignment.pk)).status_code == 404


def test_assign_page_budget(client, manager, team_a, trainee, curriculum, django_assert_max_num_queries):
    CourseAssignment.objects.create(course_key=curriculum[("pl", "alpha")].translation_key, team=team_a,
                                    due_date=timezone.localdate())
    client.force_login(manager)
    client.get(url("courses:assign"))
    with django_assert_max_num_queries(14):
        assert client.get(url("courses:assign")).status_code == 200


def test_required_courses_for_readiness(client, trainee, curriculum):
    client.force_login(trainee)
    client.post(url("courses:lesson_complete", page_id=curriculum[("pl", "alpha/listening")].pk))
    (alpha,) = learner_required_courses(learner=trainee)
    assert alpha.course.slug == "alpha" and (alpha.completed, alpha.total, alpha.is_complete) == (1, 3, False)


# --- search -----------------------------------------------------------------------------------
def test_search_finds_lessons_in_the_current_language_only(client, trainee, curriculum, django_assert_max_num_queries):
    client.force_login(trainee)
    client.get(url("courses:search"), {"q": "zegarach"})
    with django_assert_max_num_queries(10):
        pl = client.get(url("courses:search"), {"q": "zegarach"}).content.decode()
    assert "Jedyna lekcja" in pl and "Kurs Beta" in pl
    en = client.get(url("courses:search", "en"), {"q": "zegarach"}).content.decode()
    assert "Lessons found: 0" in en
    en = client.get(url("courses:search", "en"), {"q": "clocks"}).content.decode()
    assert "The only lesson" in en and "Jedyna lekcja" not in en


def test_search_with_nothing_typed_shows_just_the_form(client, trainee, curriculum):
    client.force_login(trainee)
    content = client.get(url("courses:search")).content.decode()
    assert 'name="q"' in content and "Znalezione lekcje" not in content


# --- the admin --------------------------------------------------------------------------------
def test_trainee_cannot_reach_the_admin(client, trainee):
    client.force_login(trainee)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]


def test_links_to_the_admin_follow_wagtails_permission(client, make_user, team_a, trainer, trainee, curriculum):
    from django.contrib.auth.models import Group, Permission

    from academy.context_processors import can_edit_content

    editor = make_user("editor")
    editors = Group.objects.create(name="Content editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    editor.groups.add(editors)
    direct = make_user("direct")
    direct.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    people = [trainer, trainee, editor, direct, make_user("boss", is_superuser=True),
              make_user("gone", is_superuser=True, is_active=False), make_user("nobody")]
    for person in people:
        assert can_edit_content(person) == person.has_perm("wagtailadmin.access_admin"), person.username
    assert [p.username for p in people if can_edit_content(p)] == ["trainer_a", "editor", "direct", "boss"]
    lesson = page_url(curriculum[("pl", "alpha/closing")])
    for person, shown in ((trainer, True), (trainee, False)):
        client.force_login(person)
        content = client.get(lesson).content.decode()
        assert ('data-testid="edit-in-admin"' in content) is shown
        assert ('<a href="/admin/">' in content) is shown


def test_trainer_edits_a_lesson_in_the_admin_and_it_is_live(client, trainer, trainee, curriculum):
    lesson = curriculum[("pl", "alpha/closing")]
    client.force_login(trainer)
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{curriculum[('en', 'alpha/closing')].pk}/edit/").status_code == 200
    permissions = lesson.permissions_for_user(trainer)
    assert permissions.can_edit() and permissions.can_publish()
    assert curriculum[("pl", "alpha")].permissions_for_user(trainer).can_add_subpage()
    # what the admin's "Publish" does:
    lesson.intro = "Wstęp poprawiony przez trenera"
    lesson.save_revision(user=trainer).publish(user=trainer)
    client.force_login(trainee)
    assert "Wstęp poprawiony przez trenera" in client.get(page_url(lesson)).content.decode()


def test_admin_preview_renders_the_lesson_without_tracking_progress(client, rf, trainer, curriculum):
    from courses.models import LessonProgress

    client.force_login(trainer)
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    lesson.title = "Podgląd zmian"
    editor = rf.get("/admin/", HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}")
    response = lesson.make_preview_request(editor, lesson.default_preview_mode)
    assert response.status_code == 200
    assert "Podgląd zmian" in response.content.decode()
    assert 'data-testid="complete-lesson"' not in response.content.decode()
    assert not LessonProgress.objects.exists()
