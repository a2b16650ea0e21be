"""The statements every lesson view runs, written out by hand.

Building them through the ORM cost more than running them (see academy.statements): finding the
lesson (with its quiz and whether the site has any view restrictions) took 1.9 ms to compile and
0.4 ms written out; the outline (the course, its live lessons and the learner's progress on
each: generic pages plus a subquery per progress field) five times what the LEFT JOIN below
costs; the learner's reflection answers 0.7 ms through the ORM and 0.05 ms here; the write of
"last seen" 0.4 ms and 0.05 ms.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from wagtail.models import Page, PageViewRestriction

from academy.statements import Columns, select
from academy.statements import column as _column
from academy.statements import quote as _q
from assessments.models import Quiz

from .models import LessonPage, LessonProgress, ReflectionAnswer

OUTLINE_PAGE_FIELDS = {"id", "path", "depth", "title", "slug", "url_path", "translation_key", "live", "content_type", "locale"}
OUTLINE_PROGRESS_FIELDS = {"id", "started_at", "last_seen_at", "completed_at", "seconds_spent"}


@cache
def _lesson_route():
    lesson = Columns(LessonPage, {Page: "p", LessonPage: "l"})
    quiz = Columns(Quiz, {Quiz: "q"})
    sql = (
        f"SELECT {lesson.sql}, {quiz.sql}, EXISTS(SELECT 1 FROM {_q(PageViewRestriction._meta.db_table)}) "
        f"FROM {_q(Page._meta.db_table)} p "
        f"JOIN {_q(LessonPage._meta.db_table)} l ON l.{_column(LessonPage, 'page_ptr')} = p.{_column(Page, 'id')} "
        f"LEFT JOIN {_q(Quiz._meta.db_table)} q ON q.{_column(Quiz, 'id')} = l.{_column(LessonPage, 'quiz')} "
        f"WHERE p.{_column(Page, 'url_path')} = %s AND p.{_column(Page, 'path')} LIKE %s "
        f"AND p.{_column(Page, 'depth')} = %s"
    )
    return sql, lesson, quiz


def lesson_at(*, index: Page, url_path: str) -> LessonPage | None:
    """The lesson (live or not: routing decides) at a URL path under a course index, its quiz
    loaded, and `any_view_restrictions`: whether the site has any at all (one query)."""
    sql, lesson_columns, quiz_columns = _lesson_route()
    with connection.cursor() as cursor:
        cursor.execute(sql, [url_path, index.path + "%", index.depth + 2])
        row = cursor.fetchone()
    if row is None:
        return None
    lesson = lesson_columns.instance(row)
    quiz = quiz_columns.instance(row, lesson_columns.width) if lesson.quiz_id is not None else None
    LessonPage.quiz.field.set_cached_value(lesson, quiz)
    lesson.any_view_restrictions = bool(row[-1])
    return lesson


@cache
def _outline():
    page = Columns(Page, {Page: "p"}, OUTLINE_PAGE_FIELDS)
    progress = Columns(LessonProgress, {LessonProgress: "lp"}, OUTLINE_PROGRESS_FIELDS)
    path, depth, live = (f"p.{_column(Page, name)}" for name in ("path", "depth", "live"))
    sql = (
        f"SELECT {page.sql}, {progress.sql} FROM {_q(Page._meta.db_table)} p "
        f"LEFT JOIN {_q(LessonProgress._meta.db_table)} lp "
        f"ON lp.{_column(LessonProgress, 'lesson_key')} = p.{_column(Page, 'translation_key')} "
        f"AND lp.{_column(LessonProgress, 'learner')} = %s "
        f"WHERE {path} = %s OR ({path} LIKE %s AND {depth} = %s AND {live} = %s) "
        f"ORDER BY {path}"
    )
    return sql, page, progress


def outline_rows(*, course_path: str, depth: int, learner_id: int | None):
    """The course page and its live lessons, in tree order, each lesson with the learner's
    progress row or None (one query): yields (page, progress)."""
    sql, page_columns, progress_columns = _outline()
    with connection.cursor() as cursor:
        cursor.execute(sql, [learner_id, course_path, course_path + "%", depth, True])
        rows = cursor.fetchall()
    for row in rows:
        page = page_columns.instance(row)
        progress = None
        if row[page_columns.width] is not None:
            values = dict(zip(progress_columns.names, progress_columns.values(row, page_columns.width), strict=True))
            progress = LessonProgress(learner_id=learner_id, lesson_key=page.translation_key, **values)
        yield page, progress


def reflection_answers(*, learner_id: int, lesson_key) -> list[ReflectionAnswer]:
    """Everything the learner wrote for one lesson's reflection prompts (one query)."""
    return select(ReflectionAnswer, where={"learner": learner_id, "lesson_key": lesson_key})


@cache
def _progress_seen():
    column = lambda name: _column(LessonProgress, name)  # noqa: E731
    return (
        f"UPDATE {_q(LessonProgress._meta.db_table)} SET {column('last_seen_at')} = %s, "
        f"{column('seconds_spent')} = {column('seconds_spent')} + %s "
        f"WHERE {column('learner')} = %s AND {column('lesson_key')} = %s"
    )


def progress_seen(*, learner_id: int, lesson_key, now, credit: int) -> None:
    """The learner's row for a lesson: seen now, `credit` more seconds spent (one statement)."""
    fields = LessonProgress._meta
    with connection.cursor() as cursor:
        cursor.execute(_progress_seen(), [
            fields.get_field("last_seen_at").get_db_prep_value(now, connection),
            credit,
            learner_id,
            fields.get_field("lesson_key").get_db_prep_value(lesson_key, connection),
        ])


@cache
def _progress_of():
    progress = Columns(LessonProgress, {LessonProgress: "lp"}, {"lesson_key", *OUTLINE_PROGRESS_FIELDS})
    column = lambda name: _column(LessonProgress, name)  # noqa: E731
    sql = (
        f"SELECT {progress.sql} FROM {_q(LessonProgress._meta.db_table)} lp "
        f"WHERE lp.{column('learner')} = %s AND lp.{column('lesson_key')} IN ({{}})"
    )
    return sql, progress


def progress_of(*, learner_id: int, lesson_keys: list) -> dict:
    """The learner's progress rows for some lessons, by lesson key (one query)."""
    if not lesson_keys:
        return {}
    sql, columns = _progress_of()
    field = LessonProgress._meta.get_field("lesson_key")
    with connection.cursor() as cursor:
        cursor.execute(sql.format(", ".join(["%s"] * len(lesson_keys))),
                       [learner_id, *(field.get_db_prep_value(key, connection) for key in lesson_keys)])
        rows = [columns.instance(row) for row in cursor.fetchall()]
    for row in rows:
        row.learner_id = learner_id
    return {row.lesson_key: row for row in rows}
