from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("courses/search/", views.search, name="search"),
    path("courses/assign/", views.assign, name="assign"),
    path("courses/assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("courses/reflections/", views.reflections, name="reflections"),
    path("courses/<int:page_id>/enrol/", views.course_enrol, name="course_enrol"),
    path("courses/lessons/<int:page_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("courses/lessons/<int:page_id>/heartbeat/", views.lesson_heartbeat, name="lesson_heartbeat"),
    path(
        "courses/lessons/<int:page_id>/reflections/<slug:block_id>/",
        views.reflection_save,
        name="reflection_save",
    ),
    path("courses/lessons/<int:page_id>/calculate/<slug:block_id>/", views.calculator, name="calculate"),
]
