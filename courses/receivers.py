"""Courses listening to other apps' events."""

from django.db import transaction

from .fragments import content_version_change
from .services import lessons_complete_for_quiz


def complete_lessons_of_passed_quiz(sender, *, learner, quiz, attempt=None, **kwargs):
    """Passing a lesson's quiz completes the lesson (idempotent: a lesson counts once)."""
    lessons_complete_for_quiz(learner=learner, quiz=quiz)


def lesson_content_changed(sender, **kwargs):
    """A competency, an image or a page's URL changed, and cached lessons may show it (case
    stories and badges name competencies, figures show images, rich text links to pages).
    After the commit, so that no request renders the old rows under the new version."""
    transaction.on_commit(content_version_change)
