"""Writes: enrolments, lesson progress and time spent, reflections, assignments.

Time spent is counted from what the server sees: a lesson view starts the clock, and while the
lesson stays open the page sends a heartbeat every HEARTBEAT_SECONDS. Each heartbeat credits the
time since the last one, capped at HEARTBEAT_CAP_SECONDS (a laptop that slept an hour is not an
hour of study); a view or a completion credits the gap since the last signal only when it is
shorter than IDLE_GAP_SECONDS (without JavaScript that is the only measure there is).
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import CourseAssignment, Enrolment, LessonPage, LessonProgress, ReflectionAnswer
from .statements import progress_seen

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
HEARTBEAT_CAP_SECONDS = 60
IDLE_GAP_SECONDS = 10 * 60


def enrolment_create(*, learner, course_key: uuid.UUID) -> tuple[Enrolment, bool]:
    """Enrol the learner in a course; enrolling again changes nothing."""
    try:
        with transaction.atomic():
            return Enrolment.objects.get_or_create(learner=learner, course_key=course_key)
    except IntegrityError:  # a concurrent request enrolled first
        return Enrolment.objects.get(learner=learner, course_key=course_key), False


def _elapsed(progress: LessonProgress, now: datetime.datetime) -> int:
    return max(0, int((now - progress.last_seen_at).total_seconds()))


def _progress_get_or_start(*, learner, lesson_key, course_key, now) -> tuple[LessonProgress, bool]:
    try:
        with transaction.atomic():
            return LessonProgress.objects.get_or_create(
                learner=learner,
                lesson_key=lesson_key,
                defaults={"course_key": course_key, "started_at": now, "last_seen_at": now},
            )
    except IntegrityError:
        return LessonProgress.objects.get(learner=learner, lesson_key=lesson_key), False


def lesson_visit(
    *, learner, lesson_key: uuid.UUID, course_key: uuid.UUID, progress: LessonProgress | None = None, now=None
) -> LessonProgress:
    """The learner opened the lesson: start it (and enrol in its course) or restart the clock.

    `progress` is the learner's row for the lesson when the caller already read it (the lesson
    page reads it with the course outline), which saves a query on every lesson view.
    """
    now = now or timezone.now()
    if progress is None:
        progress = LessonProgress.objects.filter(learner=learner, lesson_key=lesson_key).first()
    if progress is None:
        LessonProgress.objects.bulk_create(
            [LessonProgress(learner=learner, lesson_key=lesson_key, course_key=course_key,
                            started_at=now, last_seen_at=now)],
            ignore_conflicts=True,  # a second tab opened the lesson at the same moment
        )
        Enrolment.objects.bulk_create(
            [Enrolment(learner=learner, course_key=course_key)], ignore_conflicts=True
        )
        return LessonProgress(learner=learner, lesson_key=lesson_key, course_key=course_key,
                              started_at=now, last_seen_at=now)
    gap = _elapsed(progress, now)
    credit = gap if gap <= IDLE_GAP_SECONDS else 0
    progress_seen(learner_id=learner.pk, lesson_key=lesson_key, now=now, credit=credit)
    progress.last_seen_at = now
    progress.seconds_spent += credit
    return progress


def lesson_heartbeat(*, learner, lesson_key: uuid.UUID, now=None) -> int:
    """The lesson is still open in the learner's browser; returns the seconds credited."""
    now = now or timezone.now()
    progress = LessonProgress.objects.filter(learner=learner, lesson_key=lesson_key).first()
    if progress is None:
        return 0
    credit = min(_elapsed(progress, now), HEARTBEAT_CAP_SECONDS)
    LessonProgress.objects.filter(pk=progress.pk).update(
        last_seen_at=now, seconds_spent=F("seconds_spent") + credit
    )
    return credit


def lesson_complete(*, learner, lesson_key: uuid.UUID, course_key: uuid.UUID, now=None) -> tuple[LessonProgress, bool]:
    """Mark the lesson completed; returns the progress and whether it was completed just now.

    Completing a lesson again (another click, the other language, a passed quiz) changes nothing.
    """
    now = now or timezone.now()
    progress, created = _progress_get_or_start(
        learner=learner, lesson_key=lesson_key, course_key=course_key, now=now
    )
    if created:
        enrolment_create(learner=learner, course_key=course_key)
    gap = 0 if created else _elapsed(progress, now)
    credit = gap if gap <= IDLE_GAP_SECONDS else 0
    updated = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=now, last_seen_at=now, seconds_spent=F("seconds_spent") + credit
    )
    progress.refresh_from_db()
    return progress, bool(updated)


def lessons_complete_for_quiz(*, learner, quiz) -> int:
    """Passing a lesson's quiz completes the lesson (in every language it exists in)."""
    from wagtail.models import Page

    lessons = LessonPage.objects.filter(quiz=quiz).values_list("translation_key", "path")
    keys: dict[uuid.UUID, str] = {}
    for translation_key, path in lessons:
        keys.setdefault(translation_key, path[: -Page.steplen])
    parents = dict(Page.objects.filter(path__in=set(keys.values())).values_list("path", "translation_key"))
    completed = 0
    for lesson_key, parent_path in keys.items():
        course_key = parents.get(parent_path)
        if course_key is None:
            continue
        _progress, now_completed = lesson_complete(learner=learner, lesson_key=lesson_key, course_key=course_key)
        completed += now_completed
    return completed


def reflection_save(
    *, learner, lesson_key: uuid.UUID, course_key: uuid.UUID, block_id: str, prompt: str, answer: str, language: str
) -> ReflectionAnswer:
    """Store the learner's answer to one reflection prompt (saving again replaces it)."""
    answer = answer.strip()
    if not answer:
        raise ValueError("empty answer")
    reflection, _created = ReflectionAnswer.objects.update_or_create(
        learner=learner,
        lesson_key=lesson_key,
        block_id=block_id,
        defaults={"course_key": course_key, "prompt": prompt, "answer": answer, "language": language},
    )
    return reflection


def assignment_save(
    *, assigned_by, course_key: uuid.UUID, team, learner=None, due_date: datetime.date
) -> tuple[CourseAssignment, bool]:
    """Assign a course to a team (or one trainee in it); assigning again moves the due date."""
    assignment, created = CourseAssignment.objects.update_or_create(
        course_key=course_key,
        team=team,
        learner=learner,
        defaults={"due_date": due_date, "assigned_by": assigned_by},
    )
    logger.info("course %s assigned to %s by %s, due %s", course_key, learner or team, assigned_by, due_date)
    return assignment, created


def assignment_delete(*, assignment: CourseAssignment) -> None:
    assignment.delete()
