from django.urls import path

from . import views

app_name = "roleplay"

urlpatterns = [
    path("roleplay/", views.roleplay_home, name="home"),
    path("roleplay/live/", views.live_sessions, name="live_sessions"),
    path("roleplay/new/", views.session_new, name="new"),
    path("roleplay/practice/<slug:slug>/", views.practice, name="practice"),
    path("roleplay/<int:session_id>/", views.room, name="room"),
    path("roleplay/<int:session_id>/act/", views.act, name="act"),
    path("roleplay/<int:session_id>/debrief/", views.debrief_view, name="debrief"),
]
