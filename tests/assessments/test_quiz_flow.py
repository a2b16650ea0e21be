"""Taking a quiz without JavaScript (plain forms + redirects) and with htmx (panel partials)."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Attempt, Evidence
from assessments.selectors import learner_competency_levels
from assessments.signals import quiz_passed

from .conftest import has_message, q_single

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(make_quiz):
    return make_quiz([q_single("q1"), q_single("q2", correct="b")], pass_mark=100, attempt_limit=2)


def test_trainee_takes_per_question_quiz_without_javascript_and_passes(client, trainee, quiz):
    client.force_login(trainee)
    response = client.post(reverse("assessments:attempt_start", args=[quiz.slug]), {"next": "/pl/learn/x/"})
    attempt = Attempt.objects.get(learner=trainee)
    assert response.status_code == 302 and f"/attempts/{attempt.pk}/" in response["Location"]
    page = client.get(response["Location"])
    assert "Pytanie q1?" in page.content.decode()
    slots = list(attempt.slots.select_related("question"))
    first = slots[0].question
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                           {"question": first.pk, f"q{first.pk}": "a"})
    assert response.status_code == 302
    feedback = client.get(response["Location"]).content.decode()
    assert "Informacja a" in feedback and "Wyjaśnienie." in feedback
    second = slots[1].question
    client.post(reverse("assessments:attempt_answer", args=[attempt.pk]), {"question": second.pk, f"q{second.pk}": "b"})
    response = client.post(reverse("assessments:attempt_submit", args=[attempt.pk]), {"next": "/pl/learn/x/"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == "graded" and attempt.passed and attempt.score == 1.0
    result = client.get(response["Location"]).content.decode()
    assert "100%" in result and "/pl/learn/x/" in result


def test_quiz_passed_is_sent_after_commit_with_learner_quiz_and_attempt(client, trainee, quiz,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    for slot in attempt.slots.select_related("question"):
        correct = "a" if slot.question.slug == "q1" else "b"
        client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                    {"question": slot.question_id, f"q{slot.question_id}": correct})
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    quiz_passed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            client.post(reverse("assessments:attempt_submit", args=[attempt.pk]))
    finally:
        quiz_passed.disconnect(receiver)
    assert callbacks
    assert len(received) == 1
    assert received[0]["learner"] == trainee and received[0]["quiz"] == quiz and received[0]["attempt"].pk == attempt.pk


def test_wrong_answers_fail_then_retry_within_limit_then_no_attempts_left(client, trainee, quiz):
    client.force_login(trainee)
    for number in (1, 2):
        client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
        attempt = Attempt.objects.get(learner=trainee, number=number)
        for slot in attempt.slots.all():
            client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                        {"question": slot.question_id, f"q{slot.question_id}": "c"})
        client.post(reverse("assessments:attempt_submit", args=[attempt.pk]))
        attempt.refresh_from_db()
        assert attempt.passed is False and attempt.score == 0
    response = client.post(reverse("assessments:attempt_start", args=[quiz.slug]), follow=True)
    assert has_message(response.content.decode(), "You have used all %(n)s attempts at this quiz.", n=2)
    assert Attempt.objects.filter(learner=trainee).count() == 2


def test_same_answer_posted_twice_counts_once_with_message(client, trainee, quiz):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    slot = attempt.slots.first()
    data = {"question": slot.question_id, f"q{slot.question_id}": "c"}
    client.post(reverse("assessments:attempt_answer", args=[attempt.pk]), data)
    data[f"q{slot.question_id}"] = "a"
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]), data, follow=True)
    assert has_message(response.content.decode(), "You already answered this question; your first answer counts.")
    assert Answer.objects.get(attempt=attempt, question_id=slot.question_id).response == {"choice": "c"}


def test_submit_posted_twice_gives_one_result_and_a_clear_message(client, trainee, quiz):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    url = reverse("assessments:attempt_submit", args=[attempt.pk])
    client.post(url)
    evidence = Evidence.objects.count()
    response = client.post(url, follow=True)
    assert has_message(response.content.decode(),
                       "This attempt was already submitted; it was counted once. Its result is below.")
    assert Answer.objects.filter(attempt=attempt).count() == 2
    assert Evidence.objects.count() == evidence


def test_question_not_in_quiz_is_refused(client, trainee, quiz, make_quiz):
    other = make_quiz([q_single("other-q")], slug="other")
    foreign = other.fixed_questions.first().question
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee, quiz=quiz)
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                           {"question": foreign.pk, f"q{foreign.pk}": "a"}, follow=True)
    assert has_message(response.content.decode(), "That question is not part of this attempt.")
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_someone_elses_attempt_is_forbidden(client, trainee, other_trainee, quiz):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    client.force_login(other_trainee)
    slot = attempt.slots.first()
    for name in ("attempt_answer", "attempt_submit"):
        response = client.post(reverse(f"assessments:{name}", args=[attempt.pk]),
                               {"question": slot.question_id, f"q{slot.question_id}": "a"})
        assert response.status_code == 403
    assert client.get(reverse("assessments:attempt_take", args=[attempt.pk])).status_code == 403
    assert client.get(reverse("assessments:attempt_result", args=[attempt.pk])).status_code == 403
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_blank_answer_rerenders_with_error(client, trainee, quiz):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    slot = attempt.slots.first()
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]), {"question": slot.question_id})
    assert response.status_code == 400
    assert has_message(response.content.decode(), "Choose an answer.")


def test_htmx_answer_returns_the_panel_with_feedback(client, trainee, quiz):
    client.force_login(trainee)
    response = client.post(reverse("assessments:attempt_start", args=[quiz.slug]), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="quiz-panel-' in body and "<html" not in body
    attempt = Attempt.objects.get(learner=trainee)
    slot = attempt.slots.first()
    response = client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                           {"question": slot.question_id, f"q{slot.question_id}": "b"},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Informacja b" in body and 'data-testid="quiz-next"' in body


def test_english_quiz_shows_english_text(client, trainee, quiz):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    body = client.get(f"/en/attempts/{attempt.pk}/").content.decode()
    assert "Question q" in body and "Option a" in body


def test_passing_records_evidence_and_moves_competency_level(client, trainee, quiz):
    client.force_login(trainee)
    client.post(reverse("assessments:attempt_start", args=[quiz.slug]))
    attempt = Attempt.objects.get(learner=trainee)
    for slot in attempt.slots.select_related("question"):
        correct = "a" if slot.question.slug == "q1" else "b"
        client.post(reverse("assessments:attempt_answer", args=[attempt.pk]),
                    {"question": slot.question_id, f"q{slot.question_id}": correct})
    empathy = next(v for v in learner_competency_levels(learner=trainee) if v.competency.slug == "empathy")
    assert empathy.level == 5.0 and empathy.evidence_count == 2
    assert set(Evidence.objects.values_list("reference", flat=True)) == {
        f"answer:{a.pk}" for a in Answer.objects.all()
    }
    assert set(Evidence.objects.values_list("source", flat=True)) == {"quiz"}


def test_quiz_embed_tag_renders_status_for_current_user(rf, trainee, quiz):
    from django.template import Context, Template

    request = rf.get("/pl/learn/lesson/")
    request.user = trainee
    html = Template("{% load quiz_tags %}{% quiz_embed quiz next_url='/pl/learn/lesson/' %}").render(
        Context({"quiz": quiz, "request": request})
    )
    assert 'data-testid="quiz-start"' in html and "/pl/learn/lesson/" in html
