"""Courses listening to other apps' events."""

from .services import lessons_complete_for_quiz


def complete_lessons_of_passed_quiz(sender, *, learner, quiz, attempt=None, **kwargs):
    """Passing a lesson's quiz completes the lesson (idempotent: a lesson counts once)."""
    lessons_complete_for_quiz(learner=learner, quiz=quiz)
