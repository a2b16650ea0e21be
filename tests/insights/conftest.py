import itertools
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale, Page

from academy.models import Membership, Role, User
from assessments.models import Competency, Evidence, Question, Quiz, QuizQuestion
from assessments.services import bank_import, evidence_record, level_to_score
from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.services import lesson_complete

_counter = itertools.count()


@pytest.fixture(autouse=True)
def empty_cache():
    """Whole-team reads are cached; each test starts without what another one computed."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def competencies(db):
    call_command("load_competencies", verbosity=0)
    return {c.slug: c for c in Competency.objects.all()}


@pytest.fixture
def add_evidence(competencies):
    """Record evidence of a competency at a rubric level, some days ago."""

    def add(learner, slug, level, *, days_ago=1.0, source=Evidence.Source.QUIZ, reference=None, weight=1.0,
            recorded_by=None, note=""):
        return evidence_record(
            learner=learner, competency=competencies[slug], score=level_to_score(level), source=source,
            reference=reference or f"test:{next(_counter)}", weight=weight, recorded_by=recorded_by, note=note,
            at=timezone.now() - timedelta(days=days_ago),
        )

    return add


@pytest.fixture
def course_tree(db, competencies):
    """Two courses in Polish: "basics" (three lessons) and "extra" (one lesson)."""
    locale, _ = Locale.objects.get_or_create(language_code="pl")
    root = Page.get_first_root_node()
    index = root.add_child(instance=CourseIndexPage(title="Kursy", slug=f"kursy-{next(_counter)}", locale=locale))
    tree = {}
    for slug, title, lessons in (("basics", "Podstawy", 3), ("extra", "Dodatki", 1)):
        course = index.add_child(instance=CoursePage(title=title, slug=slug, summary="Kurs.", locale=locale))
        tree[slug] = (course, [
            course.add_child(instance=LessonPage(title=f"{title} {n}", slug=f"{slug}-{n}", locale=locale))
            for n in range(1, lessons + 1)
        ])
    return tree


@pytest.fixture
def complete_course():
    def complete(learner, course_and_lessons, *, days_ago=1.0, only=None):
        course, lessons = course_and_lessons
        for lesson in lessons[:only]:
            lesson_complete(learner=learner, lesson_key=lesson.translation_key, course_key=course.translation_key,
                            now=timezone.now() - timedelta(days=days_ago))

    return complete


@pytest.fixture
def many_trainees(db):
    """n trainees in a team, created in bulk (names sort in creation order)."""

    def make(team, n, *, prefix="bulk"):
        start = next(_counter) * 1000
        users = User.objects.bulk_create([
            User(username=f"{prefix}{start + i}", first_name="Trainee", last_name=f"{prefix.title()} {i:04d}")
            for i in range(n)
        ])
        Membership.objects.bulk_create([Membership(team=team, user=u, role=Role.TRAINEE) for u in users])
        return users

    return make


def q_single(slug, *, competencies=None):
    return {
        "slug": slug, "type": "single", "category": "insights/test",
        "competencies": competencies or {"empathy": 1.0},
        "options": [{"key": key, "correct": key == "a", "pl": {"text": f"Opcja {key}"}, "en": {"text": f"Option {key}"}}
                    for key in ("a", "b")],
        "pl": {"text": f"Pytanie {slug}?"}, "en": {"text": f"Question {slug}?"},
    }


def q_open(slug):
    return {
        "slug": slug, "type": "open", "category": "insights/open", "competencies": {"kindness": 1.0},
        "rubric": [{"points": p, "pl": f"Poziom {p}", "en": f"Level {p}"} for p in (0, 1, 2, 3)],
        "pl": {"text": "Napisz odpowiedź."}, "en": {"text": "Write a reply."},
    }


@pytest.fixture
def quiz(competencies):
    questions = [q_single("ins-q1"), q_single("ins-q2", competencies={"information": 1.0, "empathy": 0.5}),
                 q_open("ins-open")]
    bank_import(text=json.dumps(questions), bank_name="insights-test")
    quiz = Quiz.objects.create(slug="insights-quiz", title_pl="Quiz PL", title_en="Quiz EN", pass_mark=50,
                               shuffle=False, feedback="at_end")
    for order, raw in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=Question.objects.get(slug=raw["slug"]), sort_order=order)
    return quiz


@pytest.fixture
def graded_attempt(quiz, trainee, trainer):
    """The trainee's attempt: one right, one wrong, the open answer graded 3/3 by the trainer."""
    from django.http import QueryDict

    from assessments.models import Answer
    from assessments.services import answer_grade, attempt_start, attempt_submit

    attempt = attempt_start(learner=trainee, quiz=quiz, seed=1)
    ids = {slot.question.slug: slot.question_id for slot in attempt.slots.select_related("question")}
    post = QueryDict(mutable=True)
    post[f"q{ids['ins-q1']}"] = "a"
    post[f"q{ids['ins-q2']}"] = "b"
    post[f"q{ids['ins-open']}"] = "Przepraszam, sprawdzę to dziś i oddzwonię o 15:00."
    attempt = attempt_submit(attempt=attempt, learner=trainee, post=post)
    answer = Answer.objects.get(attempt=attempt, question_id=ids["ins-open"])
    answer_grade(answer=answer, grader=trainer, rubric_points=3)
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def ended_session(competencies, trainer, trainee, team_a, make_user):
    """A trainer-led session, scored by the trainer (and one observer) and ended."""
    from roleplay.models import Scenario
    from roleplay.services import room_action, session_create

    call_command("load_scenarios", verbosity=0)
    observer = make_user("observer_a", team=team_a, role=Role.TRAINEE)
    session = session_create(
        trainer=trainer, trainee=trainee, scenario=Scenario.objects.get(slug="refund-delay"), team=team_a,
        difficulty="medium", language="pl", mode="auto", score_visibility="debrief", observers=[observer], seed=3,
    )

    def act(user, role, **frame):
        room_action(session_id=session.pk, user=user, role=role, frame=frame)

    act(trainer, "trainer", type="control", action="start")
    act(trainer, "trainer", type="score", trait="empathy", score=4)
    act(trainer, "trainer", type="score", trait="information", score=2)
    act(observer, "observer", type="score", trait="empathy", score=5)
    act(trainer, "trainer", type="note", text="Zabrakło terminu.")
    act(trainer, "trainer", type="control", action="end")
    session.refresh_from_db()
    return session
