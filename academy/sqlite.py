"""SQLite in a long-lived server process: the WAL is checkpointed by a background thread.

SQLite checkpoints its write-ahead log automatically inside whichever commit pushes it past
1,000 pages; that commit then waits for the pages to be copied and synced, 15–18 ms measured in a
roleplay server every few seconds, and every room waits behind it in the one database thread of
the sockets. In a server process, connections are opened with `wal_autocheckpoint=0` and a
daemon thread checkpoints once a second (PASSIVE: it never blocks readers or writers). Commands,
tests and other processes keep SQLite's automatic checkpoint.
"""

import logging
import threading
import time

from django.db import connection
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0


def no_autocheckpoint(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=0")


def checkpoint() -> None:
    """Copy what the log holds into the database file, as far as readers allow."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _checkpoint_forever() -> None:
    while True:
        time.sleep(INTERVAL_SECONDS)
        try:
            checkpoint()
        except Exception:
            logger.warning("WAL checkpoint failed; trying again", exc_info=True)
            connection.close()


def checkpoint_in_background() -> None:
    """For server processes on SQLite; does nothing on other databases."""
    if connection.vendor != "sqlite":
        return
    connection_created.connect(no_autocheckpoint, dispatch_uid="academy-sqlite-no-autocheckpoint")
    threading.Thread(target=_checkpoint_forever, name="sqlite-checkpoint", daemon=True).start()
