"""Quizzes with feedback at the end: tampering, time limits, the query budget of a big submit."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Attempt, Evidence

from .conftest import has_message, q_single

pytestmark = pytest.mark.django_db


def start(client, learner, quiz):
    client.force_login(learner)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    return Attempt.objects.get(learner=learner, quiz=quiz, state="in_progress")


def test_fifty_question_submit_stays_within_query_budget(client, trainee, make_quiz):
    questions = [q_single(f"big-{n}", competencies={"empathy": 1.0, "kindness": 0.5}) for n in range(50)]
    quiz = make_quiz(questions, feedback="at_end", shuffle=True)
    attempt = start(client, trainee, quiz)
    data = {f"q{slot.question_id}": "a" for slot in attempt.slots.all()}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("assessments:attempt_submit", args=[attempt.pk]), data)
    assert response.status_code == 302
    print(f"\n50-question submit: {len(ctx.captured_queries)} queries")
    assert len(ctx.captured_queries) <= 20
    attempt.refresh_from_db()
    assert attempt.score == 1.0 and attempt.passed
    assert Answer.objects.filter(attempt=attempt).count() == 50
    assert Evidence.objects.filter(learner=trainee).count() == 100


def test_fifty_question_pages_stay_within_query_budget(client, trainee, make_quiz, django_assert_max_num_queries):
    quiz = make_quiz([q_single(f"big-{n}") for n in range(50)], feedback="at_end")
    attempt = start(client, trainee, quiz)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessments:attempt_take", args=[attempt.pk])).status_code == 200
    client.post(reverse("assessments:attempt_submit", args=[attempt.pk]), {})
    with django_assert_max_num_queries(14):
        assert client.get(reverse("assessments:attempt_result", args=[attempt.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:quiz_list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:my_results")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:quiz_detail", args=[quiz.slug])).status_code == 200


def test_field_for_a_question_outside_the_attempt_counts_nothing(client, trainee, make_quiz):
    quiz = make_quiz([q_single("x1"), q_single("x2")], feedback="at_end")
    other = make_quiz([q_single("y1")], slug="other", feedback="at_end")
    foreign = other.fixed_questions.first().question
    attempt = start(client, trainee, quiz)
    data = {f"q{slot.question_id}": "a" for slot in attempt.slots.all()}
    data[f"q{foreign.pk}"] = "a"
    response = client.post(reverse("assessments:attempt_submit", args=[attempt.pk]), data)
    assert response.status_code == 400
    assert has_message(response.content.decode(), "The form contained a question that is not part of this attempt; "
                       "nothing was counted. Please answer the questions shown.")
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and not Answer.objects.filter(attempt=attempt).exists()


def test_option_that_does_not_exist_rerenders_and_keeps_other_answers(client, trainee, make_quiz):
    quiz = make_quiz([q_single("x1"), q_single("x2")], feedback="at_end")
    attempt = start(client, trainee, quiz)
    first, second = [slot.question_id for slot in attempt.slots.order_by("position")]
    response = client.post(reverse("assessments:attempt_submit", args=[attempt.pk]),
                           {f"q{first}": "z", f"q{second}": "b"})
    assert response.status_code == 400
    body = response.content.decode()
    assert has_message(body, "That is not one of the options.")
    assert f'name="q{second}" value="b" checked' in body
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_submit_after_time_limit_is_not_counted(client, trainee, make_quiz):
    quiz = make_quiz([q_single("t1"), q_single("t2")], feedback="at_end", time_limit_minutes=5)
    attempt = start(client, trainee, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    data = {f"q{slot.question_id}": "a" for slot in attempt.slots.all()}
    response = client.post(reverse("assessments:attempt_submit", args=[attempt.pk]), data, follow=True)
    body = response.content.decode()
    assert has_message(body, "The time limit has passed; answers sent after it were not counted.")
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.timed_out and attempt.score == 0.0
    assert not Evidence.objects.filter(score__gt=0).exists()


def test_answer_after_time_limit_is_refused_and_attempt_closed(client, trainee, make_quiz):
    quiz = make_quiz([q_single("t1"), q_single("t2")], time_limit_minutes=5)
    attempt = start(client, trainee, quiz)
    slot = attempt.slots.first()
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                {"question": slot.question_id, f"q{slot.question_id}": "a"})
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.timed_out
    assert Answer.objects.get(attempt=attempt, question_id=slot.question_id).score == 0.0


def test_an_answer_sent_as_the_time_ran_out_counts_and_ends_the_attempt(client, trainee, make_quiz):
    """The page sends the open question when its countdown ends (static/js/assessments.js)."""
    quiz = make_quiz([q_single("t1"), q_single("t2")], time_limit_minutes=5)
    attempt = start(client, trainee, quiz)
    first, second = (slot.question_id for slot in attempt.slots.all())
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=3))  # in the grace
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                           {"question": first, f"q{first}": "a"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert has_message(body, "Time is up. The answers you gave in time were counted.")
    assert 'data-testid="quiz-result"' in body
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.timed_out and attempt.score == 0.5
    assert Answer.objects.get(attempt=attempt, question_id=first).score == 1.0
    assert Answer.objects.get(attempt=attempt, question_id=second).score == 0.0


def test_a_pass_reached_as_the_time_ran_out_tells_the_lesson_around_it(client, trainee, make_quiz):
    quiz = make_quiz([q_single("t1")], time_limit_minutes=5)
    attempt = start(client, trainee, quiz)
    only = attempt.slots.first().question_id
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=3))
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                           {"question": only, f"q{only}": "a"}, HTTP_HX_REQUEST="true")
    attempt.refresh_from_db()
    assert attempt.passed and "quizPassed" in response["HX-Trigger"]


def test_a_blank_question_sent_as_the_time_ran_out_ends_the_attempt(client, trainee, make_quiz):
    quiz = make_quiz([q_single("t1"), q_single("t2")], time_limit_minutes=5)
    attempt = start(client, trainee, quiz)
    first = attempt.slots.first().question_id
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=3))
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]), {"question": first}, follow=True)
    assert has_message(response.content.decode(), "Time is up. The answers you gave in time were counted.")
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.timed_out and attempt.score == 0.0


def test_start_twice_continues_the_same_attempt(client, trainee, make_quiz):
    quiz = make_quiz([q_single("d1")])
    start(client, trainee, quiz)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    assert Attempt.objects.filter(learner=trainee).count() == 1


def test_draw_rules_pick_from_categories(trainee, make_quiz):
    from assessments.models import QuizDrawRule
    from assessments.services import attempt_start

    quiz = make_quiz([q_single(f"c{n}", category="draw/pool") for n in range(6)], slug="drawn")
    quiz.fixed_questions.all().delete()
    QuizDrawRule.objects.create(quiz=quiz, category="draw/pool", count=4)
    attempt = attempt_start(learner=trainee, quiz=quiz, seed=7)
    assert attempt.slots.count() == 4
    assert set(attempt.slots.values_list("question__category", flat=True)) == {"draw/pool"}
