from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("insights/teams/<int:team_id>/trends/", views.team_trends, name="team_trends"),
    path("insights/teams/<int:team_id>/readiness/", views.readiness_rules, name="readiness_rules"),
    path("insights/teams/<int:team_id>/exports/", views.exports_page, name="exports"),
    path("insights/teams/<int:team_id>/exports/competencies.csv", views.export_matrix, name="export_matrix"),
    path("insights/teams/<int:team_id>/exports/progress.csv", views.export_progress, name="export_progress"),
    path("insights/teams/<int:team_id>/exports/xapi.json", views.export_xapi, name="export_xapi"),
    path("insights/teams/<int:team_id>/exports/xapi-retry/", views.xapi_retry, name="xapi_retry"),
    path("insights/trainees/<int:learner_id>/", views.trainee_profile, name="trainee"),
    path("insights/trainees/<int:learner_id>/observations/", views.observation_create, name="observation_create"),
    path("insights/environment/", views.environment_home, name="environment_home"),
    path("insights/environment/open/", views.environment_open, name="environment_open"),
    path("insights/environment/<int:survey_id>/", views.environment_results, name="environment_results"),
    path("insights/environment/<int:survey_id>/answer/", views.environment_answer, name="environment_answer"),
    path("insights/environment/<int:survey_id>/close/", views.environment_close, name="environment_close"),
]
