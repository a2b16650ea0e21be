from django.urls import path

from .views import consistency, grading, quizzes, trainer

app_name = "assessments"

urlpatterns = [
    # Taking quizzes
    path("quizzes/", quizzes.quiz_list, name="quiz_list"),
    path("quizzes/results/", quizzes.my_results, name="my_results"),
    path("quizzes/results/<int:learner_id>/", quizzes.learner_results, name="learner_results"),
    path("quizzes/analysis/", trainer.item_analysis_list, name="item_analysis_list"),
    path("quizzes/analysis/<slug:slug>/", trainer.item_analysis, name="item_analysis"),
    path("quizzes/banks/", trainer.bank_list, name="bank_list"),
    path("quizzes/banks/import/", trainer.bank_import, name="bank_import"),
    path("quizzes/banks/<slug:bank>/export/", trainer.bank_export, name="bank_export"),
    path("quizzes/<slug:slug>/", quizzes.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", quizzes.attempt_start, name="attempt_start"),
    path("attempts/<int:attempt_id>/", quizzes.attempt_take, name="attempt_take"),
    path("attempts/<int:attempt_id>/answer/", quizzes.attempt_answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/submit/", quizzes.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", quizzes.attempt_result, name="attempt_result"),
    # Grading open answers
    path("grading/", grading.grading_queue, name="grading_queue"),
    path("grading/<int:answer_id>/", grading.answer_grade, name="answer_grade"),
    # Team consistency check
    path("consistency/", consistency.consistency_home, name="consistency_home"),
    path("consistency/open/", consistency.consistency_open, name="consistency_open"),
    path("consistency/<int:run_id>/", consistency.consistency_run, name="consistency_run"),
    path("consistency/<int:run_id>/answer/", consistency.consistency_answer, name="consistency_answer"),
    path("consistency/<int:run_id>/close/", consistency.consistency_close, name="consistency_close"),
]
