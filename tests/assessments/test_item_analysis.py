import pytest
from django.urls import reverse

from academy.models import Role
from assessments.selectors import quiz_item_analysis
from assessments.services import attempt_start, attempt_submit

from .conftest import q_single

pytestmark = pytest.mark.django_db


class Post(dict):
    def getlist(self, key):
        value = self.get(key)
        return [] if value is None else [value]


def test_facility_and_discrimination_flag_bad_questions(make_user, team_a, trainer, make_quiz, client,
                                                        django_assert_max_num_queries):
    quiz = make_quiz([q_single("good"), q_single("good2"), q_single("good3"), q_single("easy"), q_single("hard"),
                      q_single("reverse")],
                     feedback="at_end", attempt_limit=None)
    learners = [make_user(f"l{n}", team=team_a, role=Role.TRAINEE) for n in range(8)]
    for n, learner in enumerate(learners):
        strong = n >= 4
        attempt = attempt_start(learner=learner, quiz=quiz)
        picks = {"good": "a" if strong else "b", "good2": "a" if strong else "b", "good3": "a" if strong else "b", "easy": "a", "hard": "b", "reverse": "b" if strong else "a"}
        post = Post({f"q{s.question_id}": picks[s.question.slug] for s in attempt.slots.select_related("question")})
        attempt_submit(attempt=attempt, learner=learner, post=post)
    from academy.access import learners_visible_to

    attempts, items = quiz_item_analysis(quiz=quiz, learners=learners_visible_to(trainer, roles=("trainer",)))
    by_slug = {i.question.slug: i for i in items}
    assert attempts == 8
    assert by_slug["good"].facility == 0.5 and by_slug["good"].discrimination > 0.5 and not by_slug["good"].flags
    assert "too_easy" in by_slug["easy"].flags
    assert "too_hard" in by_slug["hard"].flags
    assert "negative" in by_slug["reverse"].flags
    client.force_login(trainer)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("assessments:item_analysis", args=[quiz.slug])).content.decode()
    assert "reverse" in body
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:item_analysis_list")).status_code == 200
