import json

import pytest
from django.core.management import call_command

from assessments.models import Question, Quiz, QuizQuestion
from assessments.services import bank_import


@pytest.fixture
def competencies(db):
    call_command("load_competencies", verbosity=0)


def q_single(slug, *, correct="a", competencies=None, category="test/basics"):
    return {
        "slug": slug, "type": "single", "category": category,
        "competencies": competencies or {"empathy": 1.0},
        "options": [
            {"key": key, "correct": key == correct,
             "pl": {"text": f"Opcja {key}", "feedback": f"Informacja {key}"},
             "en": {"text": f"Option {key}", "feedback": f"Feedback {key}"}}
            for key in ("a", "b", "c")
        ],
        "pl": {"text": f"Pytanie {slug}?", "explanation": "Wyjaśnienie."},
        "en": {"text": f"Question {slug}?", "explanation": "Explanation."},
    }


def q_open(slug, competencies=None):
    return {
        "slug": slug, "type": "open", "category": "test/open",
        "competencies": competencies or {"kindness": 1.0},
        "rubric": [{"points": p, "pl": f"Poziom {p}", "en": f"Level {p}"} for p in (0, 1, 2, 3)],
        "pl": {"text": "Napisz odpowiedź klientowi."}, "en": {"text": "Write a reply to the customer."},
    }


@pytest.fixture
def make_quiz(competencies):
    def make(questions, *, slug="test-quiz", pass_mark=60, attempt_limit=3, feedback="per_question",
             time_limit_minutes=None, shuffle=False):
        bank_import(text=json.dumps(questions), bank_name="test")
        quiz = Quiz.objects.create(
            slug=slug, title_pl="Test PL", title_en="Test EN", pass_mark=pass_mark, attempt_limit=attempt_limit,
            feedback=feedback, time_limit_minutes=time_limit_minutes, shuffle=shuffle,
        )
        for order, raw in enumerate(questions):
            QuizQuestion.objects.create(quiz=quiz, question=Question.objects.get(slug=raw["slug"]), sort_order=order)
        return quiz

    return make


def has_message(body: str, msgid: str, **params) -> bool:
    """The message is on the page in English or Polish (whether or not the catalogue is compiled)."""
    from django.utils import translation
    from django.utils.html import escape

    found = []
    for language in ("en", "pl"):
        with translation.override(language):
            text = translation.gettext(msgid)
        text = text % params if params else text
        found.append(text in body or escape(text) in body)
    return any(found)
