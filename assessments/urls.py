from django.urls import path

from .views import quizzes

app_name = "assessments"

urlpatterns = [
    path("quizzes/", quizzes.quiz_list, name="quiz_list"),
    path("quizzes/results/", quizzes.my_results, name="my_results"),
    path("quizzes/<slug:slug>/", quizzes.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", quizzes.attempt_start, name="attempt_start"),
    path("attempts/<int:attempt_id>/", quizzes.attempt_take, name="attempt_take"),
    path("attempts/<int:attempt_id>/answer/", quizzes.attempt_answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/submit/", quizzes.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", quizzes.attempt_result, name="attempt_result"),
]
