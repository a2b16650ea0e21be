"""The statement every lesson with a quiz runs, written out by hand (see academy.statements):
the learner's attempts at one quiz took 0.4 ms to build through the ORM and 0.05 ms to run."""

from __future__ import annotations

from functools import cache

from django.db import connection

from academy.statements import Columns, column, quote

from .models import Attempt


@cache
def _attempts():
    columns = Columns(Attempt, {Attempt: "a"})
    sql = (
        f"SELECT {columns.sql} FROM {quote(Attempt._meta.db_table)} a "
        f"WHERE a.{column(Attempt, 'learner')} = %s AND a.{column(Attempt, 'quiz')} = %s "
        f"ORDER BY a.{column(Attempt, 'number')} DESC"
    )
    return sql, columns


def attempts_of(*, learner_id: int, quiz_id: int) -> list[Attempt]:
    """The learner's attempts at a quiz, newest first (one query)."""
    sql, columns = _attempts()
    with connection.cursor() as cursor:
        cursor.execute(sql, [learner_id, quiz_id])
        return [columns.instance(row) for row in cursor.fetchall()]
