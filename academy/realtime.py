"""Transport shared by every websocket consumer: frame limits, parsing, rate limits, errors.

A consumer subclasses `JsonFrameConsumer`, declares `frame_<type>` coroutines and never parses
raw text itself. Bad frames get an `error` event and the connection stays open.
"""

import json
import logging
import time

from channels.generic.websocket import AsyncWebsocketConsumer

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 8 * 1024

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
