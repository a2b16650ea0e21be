"""The consumers' database thread keeps its connection, and drops it only once it is broken."""

import pytest
from django.db import connection

from academy.realtime import in_database_thread


def _connection_id():
    connection.ensure_connection()
    return id(connection.connection)


@pytest.mark.django_db(transaction=True)
async def test_the_database_thread_reuses_its_connection_until_it_breaks(monkeypatch):
    first = await in_database_thread(_connection_id)()
    assert await in_database_thread(_connection_id)() == first  # not a new connection per call

    def fail_and_break():
        monkeypatch.setattr(type(connection._connections["default"]), "is_usable", lambda self: False)
        connection.errors_occurred = True
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        await in_database_thread(fail_and_break)()
    monkeypatch.undo()
    assert await in_database_thread(lambda: connection.connection is None)()  # dropped …
    assert await in_database_thread(_one)() == 1  # … and the next call reconnects


def _one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]
