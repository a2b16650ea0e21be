"""Team channel: members receive announcements live; trainers and managers post them. A page
that reconnects asks for what it missed (`catch_up`, after the last announcement it shows)."""


from . import access
from .models import Role
from .realtime import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_UNAUTHENTICATED,
    FrameError,
    JsonFrameConsumer,
    in_database_thread,
)
from .selectors import announcement_event, announcements_after
from .services import AnnouncementError, announcement_post


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


class TeamConsumer(JsonFrameConsumer):
    rate = 2.0
    burst = 5

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.team_id = self.scope["url_route"]["kwargs"]["team_id"]
        allowed = await in_database_thread(self._load)(user)
        if allowed is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = team_group(self.team.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    def _load(self, user):
        from .models import Team

        self.team = Team.objects.filter(pk=self.team_id).first()
        if self.team is None:
            return None
        self.roles = access.team_roles(user, self.team)
        return access.is_admin(user) or bool(self.roles)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def frame_announce(self, frame):
        user = self.scope["user"]
        if not (access.is_admin(user) or self.roles & {Role.TRAINER, Role.MANAGER}):
            raise FrameError("forbidden", "Only trainers and managers post announcements.")
        text = frame.get("text")
        if not isinstance(text, str):
            raise FrameError("invalid", "An announcement needs a 'text' string.")
        try:
            announcement, created = await in_database_thread(announcement_post)(
                team=self.team, author=user, text=text, client_id=frame.get("client_id") or ""
            )
        except AnnouncementError as error:
            raise FrameError("invalid", str(error)) from None
        event = await in_database_thread(announcement_event)(announcement)
        event["client_id"] = frame.get("client_id")
        if created:
            # The service returned, so the row is committed: only now tell everyone.
            await self.channel_layer.group_send(self.group, {"type": "team.event", "event": event})
        else:
            await self.send_json(event)

    async def frame_catch_up(self, frame):
        after = frame.get("after")
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            raise FrameError("invalid", "'after' must be the id of the last announcement the page shows (0: none).")
        for event in await in_database_thread(announcements_after)(team=self.team, after=after):
            await self.send_json(event)

    async def team_event(self, message):
        await self.send_json(message["event"])
