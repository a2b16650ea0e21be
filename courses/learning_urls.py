"""My learning keeps its global URL name (`my_learning`, every role's home links to it)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.my_learning, name="my_learning")]
