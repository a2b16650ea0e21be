"""The roleplay room socket: transport only. Rules live in services, visibility in events."""


from academy.realtime import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    FrameError,
    JsonFrameConsumer,
    in_database_thread,
)

from .access import session_role
from .models import RoleplaySession
from .selectors import events_for, sees
from .services import RoleplayError, apply_frame, publish_now, room_group


class RoomConsumer(JsonFrameConsumer):
    """Delivers a session's events to one participant exactly once and in order.

    `last_seq` is the highest sequence number this connection has accounted for (delivered or
    deliberately not shown). A group message with a gap behind it, or a ping that finds the
    database ahead, makes the consumer read the missing events from the database: the channel
    layer may drop messages, the database never does.
    """

    rate = 8.0
    burst = 20

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.session_id = self.scope["url_route"]["kwargs"]["session_id"]
        found = await in_database_thread(self._load)(user)
        if found is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not self.role:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Join before reading: anything committed from now on reaches us through the group,
        # anything before through the read below; duplicates are dropped by `last_seq`.
        await self.channel_layer.group_add(room_group(self.session_id), self.channel_name)
        await self.accept()
        self.last_seq = self._after_from_query()
        await self.send_json({"type": "welcome", "role": self.role, "session": self.session_id,
                              "status": self.session.status})
        await self._catch_up()

    def _load(self, user):
        self.session = RoleplaySession.objects.select_related("team").filter(pk=self.session_id).first()
        if self.session is None:
            return None
        self.role = session_role(user, self.session)
        return True

    def _after_from_query(self) -> int:
        from urllib.parse import parse_qs

        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(0, int(query.get("after", ["0"])[0]))
        except ValueError:
            return 0

    async def disconnect(self, code):
        if getattr(self, "role", None):
            await self.channel_layer.group_discard(room_group(self.session_id), self.channel_name)

    # --- delivery -------------------------------------------------------------------------
    def _refresh_and_read(self, until=None):
        """Visible events in (last_seq, bound], and the bound. Without `until` the bound is the
        session's counter as read now: anything committed later arrives through the group."""
        self.session.refresh_from_db(fields=["status", "score_visibility", "last_seq"])
        # A client cannot have seen more than exists; a bogus `after` must not mute the room.
        self.last_seq = min(self.last_seq, self.session.last_seq)
        bound = self.session.last_seq if until is None else until
        events = events_for(session=self.session, role=self.role, user_id=self.scope["user"].pk,
                            after=self.last_seq, until=bound)
        return events, bound

    async def _catch_up(self, until=None):
        events, bound = await in_database_thread(self._refresh_and_read)(until)
        for event in events:
            await self.send_json(event)
        self.last_seq = max(self.last_seq, bound)

    async def room_events(self, message):
        for event in message["events"]:
            seq = event["seq"]
            if seq <= self.last_seq:
                continue
            if seq > self.last_seq + 1:
                await self._catch_up(until=seq - 1)
            if event["type"] == "status":
                self.session.status = event["status"]
                if event["status"] == RoleplaySession.Status.ENDED:
                    # At the debrief the trainee may see what was hidden: resend it all.
                    if self.role == "trainee":
                        await self.send_json({"type": "debrief_ready"})
            if sees(self.session, event["type"], event, role=self.role, user_id=self.scope["user"].pk):
                await self.send_json(event)
            self.last_seq = seq

    # --- frames ---------------------------------------------------------------------------
    async def frame_ping(self, frame):
        await self._catch_up()
        await self.send_json({"type": "pong", "last_seq": self.last_seq})

    async def frame_sync(self, frame):
        after = frame.get("after", 0)
        if not isinstance(after, int) or after < 0:
            raise FrameError("invalid", "'after' must be a sequence number.")
        self.last_seq = after
        await self._catch_up()

    async def _act(self, frame):
        try:
            events, fresh = await in_database_thread(apply_frame)(
                session_id=self.session.pk, user=self.scope["user"], role=self.role, frame=frame
            )
        except RoleplayError as error:
            raise FrameError(error.code, error.message) from None
        if fresh:  # committed: apply_frame's transaction has ended
            await publish_now(self.session.pk, events)
        # Tell the sender at once which sequence numbers its frame became (also for a resent
        # frame, whose events were stored the first time); the events themselves arrive
        # through the group like everyone else's.
        await self.send_json({"type": "ack", "client_id": frame.get("client_id"),
                              "seqs": [e["seq"] for e in events]})

    frame_message = frame_customer_message = frame_pressure = frame_hint = _act
    frame_score = frame_tag = frame_note = frame_control = _act
