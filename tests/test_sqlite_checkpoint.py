"""Server processes on SQLite checkpoint from a thread of their own, not inside a commit."""

import pytest
from django.db import connection

from academy.sqlite import checkpoint, no_autocheckpoint


@pytest.mark.django_db(transaction=True)  # a checkpoint cannot run inside a transaction
def test_serving_connections_leave_checkpoints_to_the_background_thread():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no write-ahead log to checkpoint by hand")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == 1000  # SQLite's default, kept outside server processes
    no_autocheckpoint(sender=None, connection=connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == 0
        checkpoint()  # what the background thread runs every second
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=1000")
