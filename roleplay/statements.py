"""The statements of every room action, written out by hand (see academy.statements).

Every socket of a server process shares one database thread, so an action's time there is what
every other room waits behind. Measured in-process on SQLite (bench/README.md): of 3.3 ms per
trainee message or score, the ORM spent about half building the five statements (locking and
reading the session, checking the client id, inserting the events, writing the session back, a
trait score); written out here they cost a fraction of that. PostgreSQL locks only the session
row (the ORM's select_related also locked the scenario's, serialising every room of a scenario).
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from academy.statements import Columns, column, quote

from .models import RoleplaySession, Scenario, SessionEvent, TraitScore

# What the scenario row adds to a session's: the engine's scenario is built once per saved version.
_scenarios: dict[tuple, Scenario] = {}


@cache
def _session_select(engine_state: bool):
    names = {f.name for f in RoleplaySession._meta.concrete_fields} - ({"engine_state"} if not engine_state else set())
    columns = Columns(RoleplaySession, {RoleplaySession: "s"}, names)
    updated = Columns(Scenario, {Scenario: "sc"}, {"updated_at"})
    sql = (
        f"SELECT {columns.sql}, {updated.sql} FROM {quote(RoleplaySession._meta.db_table)} s "
        f"JOIN {quote(Scenario._meta.db_table)} sc ON sc.{column(Scenario, 'id')} = s.{column(RoleplaySession, 'scenario')} "
        f"WHERE s.{column(RoleplaySession, 'id')} = %s"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE OF s" if connection.features.has_select_for_update_of else " FOR UPDATE"
    return sql, columns, updated


def locked_session(session_id: int, *, engine_state: bool) -> RoleplaySession | None:
    """The session, its row locked until the transaction ends (SQLite: the writer's lock), with
    its scenario; the customer's state only with `engine_state` (other fields load if read)."""
    sql, columns, updated = _session_select(engine_state)
    with connection.cursor() as cursor:
        cursor.execute(sql, [session_id])
        row = cursor.fetchone()
    if row is None:
        return None
    session = columns.instance(row)
    (updated_at,) = updated.values(row, columns.width)
    key = (session.scenario_id, updated_at)
    scenario = _scenarios.get(key)
    if scenario is None:
        if len(_scenarios) > 64:
            _scenarios.clear()
        scenario = _scenarios[key] = Scenario.objects.get(pk=session.scenario_id)
    RoleplaySession.scenario.field.set_cached_value(session, scenario)
    return session


@cache
def _client_id_select():
    event = lambda name: column(SessionEvent, name)  # noqa: E731
    return (f"SELECT 1 FROM {quote(SessionEvent._meta.db_table)} WHERE {event('session')} = %s "
            f"AND {event('actor')} = %s AND {event('client_id')} = %s LIMIT 1")


def client_id_used(*, session_id: int, actor_id: int, client_id: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_client_id_select(), [session_id, actor_id, client_id])
        return cursor.fetchone() is not None


_EVENT_FIELDS = [SessionEvent._meta.get_field(name)
                 for name in ("session", "seq", "type", "actor", "payload", "client_id", "created_at")]


@cache
def _events_insert(count: int) -> str:
    row = "(" + ", ".join(["%s"] * len(_EVENT_FIELDS)) + ")"
    return (f"INSERT INTO {quote(SessionEvent._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in _EVENT_FIELDS)}) VALUES {', '.join([row] * count)}")


def insert_events(events: list[SessionEvent]) -> None:
    """The events of one action, in one statement (their ids are not read back: nothing uses them)."""
    params = [f.get_db_prep_save(getattr(event, f.attname), connection) for event in events for f in _EVENT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_events_insert(len(events)), params)


@cache
def _session_update(names: tuple[str, ...]):
    fields = [RoleplaySession._meta.get_field(name) for name in names]
    sql = (f"UPDATE {quote(RoleplaySession._meta.db_table)} SET "
           f"{', '.join(f'{quote(f.column)} = %s' for f in fields)} WHERE {column(RoleplaySession, 'id')} = %s")
    return sql, fields


def save_session(session: RoleplaySession, names: list[str]) -> None:
    """Write these fields of the session's row (what Model.save(update_fields=…) writes)."""
    sql, fields = _session_update(tuple(names))  # an action writes one of two sets of fields
    params = [f.get_db_prep_save(getattr(session, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, session.pk])


@cache
def _score_update():
    score = lambda name: column(TraitScore, name)  # noqa: E731
    return (f"UPDATE {quote(TraitScore._meta.db_table)} SET {score('score')} = %s, {score('role')} = %s, "
            f"{score('updated_at')} = %s WHERE {score('session')} = %s AND {score('scorer')} = %s "
            f"AND {score('competency')} = %s")


def update_trait_score(*, session_id: int, scorer_id: int, competency_id: int, score: int, role: str, now) -> bool:
    """Change a scorer's existing score of a trait; False if they had none."""
    updated_at = TraitScore._meta.get_field("updated_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(_score_update(), [score, role, updated_at, session_id, scorer_id, competency_id])
        return cursor.rowcount > 0
