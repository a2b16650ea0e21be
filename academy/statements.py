"""Hand-written SQL built from the models' metadata, for the few statements that run on every
request or room action, where building them through the ORM cost more than running them.

A statement is built once per process from the models' metadata (so it follows a renamed column
or table); parameters go through the fields' own get_db_prep_value() and rows come back through
Django's converters and Model.from_db(), as with the ORM. Used by courses.statements,
roleplay.statements and a learner's quiz attempts (assessments.selectors.quiz_status).
"""

from __future__ import annotations

from functools import cache

from django.db import connection, transaction


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def column(model, name: str) -> str:
    return quote(model._meta.get_field(name).column)


class Columns:
    """Some columns of a model in a hand-written statement, each qualified by the alias of its
    table (`aliases`: model → alias; a page type's inherited fields live in Page's table), and the
    values or the instance back from a row."""

    def __init__(self, model, aliases: dict, names: set[str] | None = None):
        self.model = model
        # In the model's field order: Model.from_db() takes the values of loaded fields in that order.
        self.fields = [f for f in model._meta.concrete_fields if names is None or f.name in names]
        self.sql = ", ".join(f"{aliases[f.model]}.{quote(f.column)}" for f in self.fields)
        self.attnames = [f.attname for f in self.fields]
        self.names = [f.name for f in self.fields]
        self.width = len(self.fields)
        self._converters = []
        for f in self.fields:
            expression = f.get_col(f.model._meta.db_table)
            # SQLite returns text for UUIDs and dates; a StreamField parses its JSON.
            self._converters.append(
                (expression, connection.ops.get_db_converters(expression) + f.get_db_converters(connection))
            )

    def values(self, row, start: int = 0) -> list:
        converted = []
        for value, (expression, functions) in zip(row[start:start + self.width], self._converters, strict=True):
            for function in functions:
                value = function(value, expression, connection)
            converted.append(value)
        return converted

    def instance(self, row, start: int = 0):
        return self.model.from_db(connection.alias, self.attnames, self.values(row, start))


@cache
def _select(model, names: tuple[str, ...], order_by: str | None):
    columns = Columns(model, {model: "t"})
    sql = (f"SELECT {columns.sql} FROM {quote(model._meta.db_table)} t WHERE "
           + " AND ".join(f"t.{column(model, name)} = %s" for name in names))
    if order_by:
        sql += f" ORDER BY t.{column(model, order_by.removeprefix('-'))}{' DESC' if order_by.startswith('-') else ''}"
    return sql, columns, [model._meta.get_field(name) for name in names]


def select(model, *, where: dict, order_by: str | None = None) -> list:
    """The rows of `model` whose fields equal `where`'s values, as instances (one query; the
    statement is built once per model, fields and order)."""
    sql, columns, fields = _select(model, tuple(where), order_by)
    params = [field.get_db_prep_value(value, connection) for field, value in zip(fields, where.values(), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [columns.instance(row) for row in cursor.fetchall()]


def upsert(model, rows: list[tuple], *, fields: tuple[str, ...], unique: tuple[str, ...],
           update: tuple[str, ...]) -> None:
    """Insert rows of `fields` (values ready for the database), and where a row with the same
    `unique` fields exists, set its `update` fields instead: one statement for any number of
    rows (INSERT … ON CONFLICT, SQLite and PostgreSQL)."""
    if not rows:
        return
    names = {name: column(model, name) for name in {*fields, *unique, *update}}
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(names[f] for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({', '.join(names[f] for f in unique)}) "
           f"DO UPDATE SET {', '.join(f'{names[f]} = excluded.{names[f]}' for f in update)}")
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
