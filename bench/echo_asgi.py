"""Baseline for bench/roleplay_bench.py: a bare Channels group-echo consumer, no database.

Each frame a client sends is forwarded to every member of its room's group, as the roleplay
consumer does, but without authentication, storage, sequence numbers or the engine.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class GroupEcho(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = "echo." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "echo.message", "text": text_data})

    async def echo_message(self, message):
        await self.send(text_data=message["text"])


application = ProtocolTypeRouter({"websocket": URLRouter([path("echo/<str:room>/", GroupEcho.as_asgi())])})
