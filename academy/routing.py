from django.urls import path

from .consumers import TeamConsumer

websocket_urlpatterns = [
    path("ws/teams/<int:team_id>/", TeamConsumer.as_asgi()),
]
