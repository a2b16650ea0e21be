from django.urls import path

from roleplay.routing import websocket_urlpatterns as roleplay_websockets

from .consumers import TeamConsumer

websocket_urlpatterns = [
    path("ws/teams/<int:team_id>/", TeamConsumer.as_asgi()),
    *roleplay_websockets,
]
