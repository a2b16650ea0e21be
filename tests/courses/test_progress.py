import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses import selectors, services
from courses.models import Enrolment, LessonProgress

from .conftest import page_url


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def progress(user, lesson):
    return LessonProgress.objects.filter(learner=user, lesson_key=lesson.translation_key).first()


def test_opening_a_lesson_starts_it_and_enrols_in_the_course(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    client.get(page_url(lesson))
    row = progress(trainee, lesson)
    assert row.started_at and row.completed_at is None
    assert Enrolment.objects.filter(learner=trainee, course_key=curriculum[("pl", "alpha")].translation_key).exists()


def test_completing_a_lesson_twice_counts_once(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    client.post(url("courses:lesson_complete", page_id=lesson.pk))
    first = progress(trainee, lesson).completed_at
    response = client.post(url("courses:lesson_complete", page_id=lesson.pk), follow=True)
    assert "Ta lekcja była już ukończona." in response.content.decode()
    assert progress(trainee, lesson).completed_at == first
    assert LessonProgress.objects.filter(learner=trainee, completed_at__isnull=False).count() == 1
    (summary,) = selectors.course_summaries(user=trainee, courses=type(curriculum[("pl", "alpha")]).objects.filter(
        pk=curriculum[("pl", "alpha")].pk))
    assert (summary.completed, summary.total, summary.percent) == (1, 3, 33)


def test_the_english_lesson_is_the_same_lesson(client, trainee, curriculum):
    client.force_login(trainee)
    client.post(url("courses:lesson_complete", page_id=curriculum[("pl", "alpha/listening")].pk))
    client.post(url("courses:lesson_complete", "en", page_id=curriculum[("en", "alpha/listening")].pk))
    assert LessonProgress.objects.filter(learner=trainee).count() == 1
    content = client.get(page_url(curriculum[("en", "alpha")])).content.decode()
    assert "Lessons completed: 1 of 3" in content


def test_completing_without_javascript_goes_to_the_next_lesson_then_to_the_course(client, trainee, curriculum):
    client.force_login(trainee)
    response = client.post(url("courses:lesson_complete", page_id=curriculum[("pl", "alpha/listening")].pk))
    assert response["Location"] == page_url(curriculum[("pl", "alpha/measuring")])
    response = client.post(url("courses:lesson_complete", page_id=curriculum[("pl", "alpha/closing")].pk))
    assert response["Location"] == page_url(curriculum[("pl", "alpha")])


def test_completing_with_htmx_returns_the_lesson_with_moved_progress_bar(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("en", "alpha/measuring")]
    client.get(page_url(lesson))
    response = client.post(url("courses:lesson_complete", "en", page_id=lesson.pk), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Lesson completed. Well done!" in body
    assert 'value="33"' in body and "Lessons completed: 1 of 3" in body
    assert 'data-testid="complete-lesson"' not in body


def test_progress_bar_moves_on_the_course_page_and_in_my_learning(client, trainee, curriculum):
    client.force_login(trainee)
    for key in ("alpha/listening", "alpha/measuring"):
        client.post(url("courses:lesson_complete", "en", page_id=curriculum[("en", key)].pk))
    course = client.get(page_url(curriculum[("en", "alpha")])).content.decode()
    assert 'value="67"' in course and "Lessons completed: 2 of 3" in course
    learning = client.get(url("my_learning", "en")).content.decode()
    assert 'value="67"' in learning


def test_resume_goes_to_the_lesson_left_unfinished(client, trainee, curriculum):
    client.force_login(trainee)
    client.get(page_url(curriculum[("pl", "alpha/measuring")]))
    course = client.get(page_url(curriculum[("pl", "alpha")])).content.decode()
    assert f'href="{page_url(curriculum[("pl", "alpha/measuring")])}" data-testid="resume"' in course
    client.post(url("courses:lesson_complete", page_id=curriculum[("pl", "alpha/measuring")].pk))
    course = client.get(page_url(curriculum[("pl", "alpha")])).content.decode()
    assert f'href="{page_url(curriculum[("pl", "alpha/closing")])}" data-testid="resume"' in course


def test_resume_wraps_round_to_an_earlier_unfinished_lesson():
    now = timezone.now()

    def status(n, completed, seen):
        row = LessonProgress(last_seen_at=now - datetime.timedelta(minutes=seen),
                             completed_at=now if completed else None) if seen is not None else None
        return selectors.LessonStatus(page=n, progress=row)

    lessons = [status(1, False, None), status(2, True, 5), status(3, True, 1)]
    assert selectors.resume_lesson(lessons).page == 1
    assert selectors.resume_lesson([status(1, True, 2), status(2, True, 1)]) is None
    assert selectors.resume_lesson([status(1, False, None)]).page == 1


def test_heartbeats_count_time_capped_per_beat(trainee, curriculum):
    lesson = curriculum[("pl", "alpha/listening")]
    key, course_key = lesson.translation_key, curriculum[("pl", "alpha")].translation_key
    start = timezone.now()
    services.lesson_visit(learner=trainee, lesson_key=key, course_key=course_key, now=start)
    assert services.lesson_heartbeat(learner=trainee, lesson_key=key, now=start + datetime.timedelta(seconds=30)) == 30
    # the laptop slept for an hour: one beat counts at most the cap
    later = start + datetime.timedelta(hours=1, seconds=30)
    assert services.lesson_heartbeat(learner=trainee, lesson_key=key, now=later) == services.HEARTBEAT_CAP_SECONDS
    assert progress(trainee, lesson).seconds_spent == 30 + services.HEARTBEAT_CAP_SECONDS


def test_page_views_count_the_gap_only_when_it_is_short(trainee, curriculum):
    lesson = curriculum[("pl", "alpha/listening")]
    key, course_key = lesson.translation_key, curriculum[("pl", "alpha")].translation_key
    start = timezone.now()
    services.lesson_visit(learner=trainee, lesson_key=key, course_key=course_key, now=start)
    services.lesson_visit(learner=trainee, lesson_key=key, course_key=course_key,
                          now=start + datetime.timedelta(minutes=4))
    services.lesson_visit(learner=trainee, lesson_key=key, course_key=course_key,
                          now=start + datetime.timedelta(days=1))  # came back the next day
    services.lesson_complete(learner=trainee, lesson_key=key, course_key=course_key,
                             now=start + datetime.timedelta(days=1, minutes=6))
    assert progress(trainee, lesson).seconds_spent == 4 * 60 + 6 * 60


def test_heartbeat_endpoint(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/listening")]
    client.get(page_url(lesson))
    response = client.post(url("courses:lesson_heartbeat", page_id=lesson.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert client.get(url("courses:lesson_heartbeat", page_id=lesson.pk)).status_code == 405


def test_progress_endpoints_refuse_anonymous_and_unknown_lessons(client, trainee, curriculum):
    lesson = curriculum[("pl", "alpha/listening")]
    assert client.post(url("courses:lesson_complete", page_id=lesson.pk)).status_code == 302
    client.force_login(trainee)
    assert client.post(url("courses:lesson_complete", page_id=999999)).status_code == 404
    assert client.post(url("courses:lesson_complete", page_id=curriculum[("pl", "alpha")].pk)).status_code == 404


def test_passing_the_lessons_quiz_completes_the_lesson_once(trainee, curriculum, quiz):
    from assessments.signals import quiz_passed

    lesson = curriculum[("pl", "alpha/listening")]
    quiz_passed.send(sender=type(quiz), learner=trainee, quiz=quiz, attempt=None)
    completed = progress(trainee, lesson).completed_at
    assert completed is not None
    quiz_passed.send(sender=type(quiz), learner=trainee, quiz=quiz, attempt=None)
    assert progress(trainee, lesson).completed_at == completed
    assert LessonProgress.objects.filter(learner=trainee).count() == 1


def test_enrolling_in_an_optional_course(client, trainee, curriculum):
    client.force_login(trainee)
    beta = curriculum[("en", "beta")]
    response = client.post(url("courses:course_enrol", "en", page_id=beta.pk))
    assert response["Location"] == page_url(beta)
    client.post(url("courses:course_enrol", "en", page_id=beta.pk))
    assert Enrolment.objects.filter(learner=trainee).count() == 1
    learning = client.get(url("my_learning", "en")).content.decode()
    taking = learning[learning.index('data-testid="chosen-courses"'):]
    assert "Course Beta" in taking.split("</section>")[0]


@pytest.mark.parametrize("name", ["lesson_complete", "lesson_heartbeat"])
def test_progress_endpoints_need_post(client, trainee, curriculum, name):
    client.force_login(trainee)
    assert client.get(url(f"courses:{name}", page_id=curriculum[("pl", "alpha/listening")].pk)).status_code == 405
