"""The team dashboard keeps its global URL name (`team_dashboard`): every manager's home and the
top bar link to it."""

from django.urls import path

from . import views

urlpatterns = [path("", views.team_dashboard, name="team_dashboard")]
