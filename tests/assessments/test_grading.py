"""Open answers: the trainer's queue, rubric grading, the grade reaching the trainee."""

import pytest
from django.urls import reverse

from academy.models import Role
from assessments.models import Answer, Attempt, Evidence
from assessments.selectors import learner_competency_levels

from .conftest import q_open, q_single

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(make_quiz):
    return make_quiz([q_single("s1"), q_open("o1")], pass_mark=60)


def take(client, learner, quiz):
    client.force_login(learner)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=learner, quiz=quiz, state="in_progress")
    for slot in attempt.slots.select_related("question"):
        key = f"q{slot.question_id}"
        value = "a" if slot.question.type == "single" else "Przepraszam, sprawdzę to dziś i oddzwonię do 15:00."
        client.post(reverse("assessments:attempt_answer", args=[attempt.pk]), {"question": slot.question_id, key: value})
    client.post(reverse("assessments:attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    return attempt


def test_open_answer_waits_in_trainers_queue_and_grade_reaches_trainee(client, trainee, trainer, quiz,
                                                                       django_assert_max_num_queries):
    attempt = take(client, trainee, quiz)
    assert attempt.state == "awaiting" and attempt.score is None
    answer = Answer.objects.get(attempt=attempt, question__type="open")
    client.force_login(trainer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("assessments:grading_queue"))
    assert "Tina Trainee" in page.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessments:answer_grade", args=[answer.pk])).status_code == 200
    response = client.post(reverse("assessments:answer_grade", args=[answer.pk]),
                           {"rubric_points": "3", "comment": "Konkretny termin — świetnie."})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.passed and attempt.score == 1.0
    ev = Evidence.objects.get(reference=f"answer:{answer.pk}")
    assert ev.source == "open_answer" and ev.score == 1.0 and ev.recorded_by == trainer
    kindness = next(v for v in learner_competency_levels(learner=trainee) if v.competency.slug == "kindness")
    assert kindness.level == 5.0
    client.force_login(trainee)
    result = client.get(reverse("assessments:attempt_result", args=[attempt.pk])).content.decode()
    assert "Konkretny termin — świetnie." in result and "100%" in result
    assert "Konkretny termin" not in client.get(reverse("assessments:grading_queue")).content.decode()


def test_regrade_replaces_evidence_instead_of_adding(client, trainee, trainer, quiz):
    attempt = take(client, trainee, quiz)
    answer = Answer.objects.get(attempt=attempt, question__type="open")
    client.force_login(trainer)
    for points in ("1", "2"):
        client.post(reverse("assessments:answer_grade", args=[answer.pk]), {"rubric_points": points, "comment": ""})
    assert Evidence.objects.filter(reference=f"answer:{answer.pk}").count() == 1
    assert Evidence.objects.get(reference=f"answer:{answer.pk}").score == pytest.approx(2 / 3)


def test_trainer_of_another_team_cannot_see_or_grade(client, trainee, quiz, make_user, team_b):
    attempt = take(client, trainee, quiz)
    answer = Answer.objects.get(attempt=attempt, question__type="open")
    stranger = make_user("trainer_b", team=team_b, role=Role.TRAINER)
    client.force_login(stranger)
    assert "Tina" not in client.get(reverse("assessments:grading_queue")).content.decode()
    assert client.get(reverse("assessments:answer_grade", args=[answer.pk])).status_code == 403
    response = client.post(reverse("assessments:answer_grade", args=[answer.pk]), {"rubric_points": "3"})
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.status == "pending"


def test_manager_and_trainee_have_no_grading_queue(client, trainee, manager, quiz):
    take(client, trainee, quiz)
    for user in (trainee, manager):
        client.force_login(user)
        assert client.get(reverse("assessments:grading_queue")).status_code == 403


def test_rubric_points_outside_the_rubric_rerender_with_error(client, trainee, trainer, quiz):
    attempt = take(client, trainee, quiz)
    answer = Answer.objects.get(attempt=attempt, question__type="open")
    client.force_login(trainer)
    response = client.post(reverse("assessments:answer_grade", args=[answer.pk]),
                           {"rubric_points": "7", "comment": "zostaje"})
    assert response.status_code == 400
    assert "zostaje" in response.content.decode()
    answer.refresh_from_db()
    assert answer.status == "pending"


def test_trainer_sees_trainee_result_but_other_team_manager_does_not(client, trainee, trainer, other_manager, quiz):
    attempt = take(client, trainee, quiz)
    client.force_login(trainer)
    assert client.get(reverse("assessments:attempt_result", args=[attempt.pk])).status_code == 200
    client.force_login(other_manager)
    assert client.get(reverse("assessments:attempt_result", args=[attempt.pk])).status_code == 403


def test_trainer_sees_a_trainees_results_page_but_not_another_teams(client, trainee, trainer, other_trainee, quiz,
                                                                    django_assert_max_num_queries):
    take(client, trainee, quiz)
    client.force_login(trainer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:learner_results", args=[trainee.pk]))
    assert response.status_code == 200 and "Tina Trainee" in response.content.decode()
    assert client.get(reverse("assessments:learner_results", args=[other_trainee.pk])).status_code == 403
    client.force_login(other_trainee)
    assert client.get(reverse("assessments:learner_results", args=[trainee.pk])).status_code == 403
