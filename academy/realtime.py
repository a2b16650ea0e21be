"""Transport shared by every websocket consumer: frame limits, parsing, rate limits, errors.

A consumer subclasses `JsonFrameConsumer`, declares `frame_<type>` coroutines and never parses
raw text itself. Bad frames get an `error` event and the connection stays open.
"""

import json
import logging
import time

from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import connection

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 8 * 1024


class _InDatabaseThread(SyncToAsync):
    """`channels.db.database_sync_to_async` without a new connection per call.

    Every consumer of a process runs its database work in one shared thread. Channels closes
    that thread's connection after each call unless CONN_MAX_AGE keeps it (it is 0 here: under
    ASGI every HTTP request has a thread of its own, whose connections must not outlive it), so
    each room action opened a new one — 12 % of a busy roleplay server's CPU on SQLite, a TCP
    round trip and authentication on PostgreSQL. This thread lives as long as the process, so
    its connection is kept, and dropped only after an error left it unusable (a restarted
    database server): the next call reconnects.
    """

    def thread_handler(self, loop, *args, **kwargs):
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            if connection.connection is not None and connection.errors_occurred and not connection.is_usable():
                connection.close()


def in_database_thread(func):
    return _InDatabaseThread(func, thread_sensitive=True)


# Close codes (4000–4999 are free for applications).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class TokenBucket:
    """`rate` frames per second on average, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.clock = clock
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class FrameError(Exception):
    """Raised by a frame handler to answer the sender with an error event."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class JsonFrameConsumer(AsyncWebsocketConsumer):
    rate = 10.0
    burst = 30

    async def dispatch(self, message):
        """Channels' dispatch without its `aclose_old_connections()` before every handler.

        Channels 4.2+ hops into the database thread to close stale connections before each
        incoming frame and each group message, on every socket: four hops per room event,
        each waiting behind whatever room action that one thread is running, so observers
        received events only after other rooms' database work. Our consumers touch the
        database only through `in_database_thread`, which looks after that thread's connection.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_connect(self, message):
        self.bucket = TokenBucket(self.rate, self.burst)
        await super().websocket_connect(message)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self.send_error("malformed", "Frames must be JSON text.")
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
            return
        if not self.bucket.take():
            await self.send_error("rate_limited", "Too many frames; slow down and resend.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("malformed", "The frame is not valid JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error("malformed", "A frame is a JSON object with a string 'type'.")
            return
        client_id = frame.get("client_id")
        if client_id is not None and (not isinstance(client_id, str) or len(client_id) > 64):
            await self.send_error("malformed", "client_id must be a string of at most 64 characters.")
            return
        handler = getattr(self, "frame_" + frame["type"].replace("-", "_"), None)
        if frame["type"].startswith("_") or handler is None:
            await self.send_error("unknown_type", f"Unknown frame type: {frame['type'][:40]}", client_id)
            return
        try:
            await handler(frame)
        except FrameError as error:
            await self.send_error(error.code, error.message, client_id)
        except Exception:
            # A bug or an outage must cost one frame, not the connection: the client keeps its
            # text and may resend; the traceback goes to the log.
            logger.exception("frame %s failed", frame["type"])
            await self.send_error("server_error", "The server could not handle this frame; try again.", client_id)

    async def send_json(self, payload: dict):
        await self.send(text_data=json.dumps(payload, ensure_ascii=False, default=str))

    async def send_error(self, code: str, message: str, client_id=None):
        payload = {"type": "error", "code": code, "message": message}
        if client_id:
            payload["client_id"] = client_id
        await self.send_json(payload)
