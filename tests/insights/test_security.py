"""Nobody reaches another team's data through any insights URL."""

import pytest
from django.urls import reverse
from django.utils import translation

from insights.services import survey_open


@pytest.fixture
def team_a_urls(team_a, manager, trainee):
    survey = survey_open(team=team_a, opened_by=manager)
    with translation.override("pl"):
        get = [
            reverse("team_dashboard") + f"?team={team_a.pk}",
            reverse("insights:team_trends", args=[team_a.pk]),
            reverse("insights:readiness_rules", args=[team_a.pk]),
            reverse("insights:exports", args=[team_a.pk]),
            reverse("insights:export_matrix", args=[team_a.pk]),
            reverse("insights:export_progress", args=[team_a.pk]),
            reverse("insights:export_xapi", args=[team_a.pk]),
            reverse("insights:trainee", args=[trainee.pk]),
            reverse("insights:environment_results", args=[survey.pk]),
            reverse("insights:environment_answer", args=[survey.pk]),
        ]
        post = [
            reverse("insights:readiness_rules", args=[team_a.pk]),
            reverse("insights:xapi_retry", args=[team_a.pk]),
            reverse("insights:observation_create", args=[trainee.pk]),
            reverse("insights:environment_close", args=[survey.pk]),
            reverse("insights:environment_answer", args=[survey.pk]),
        ]
    return {"get": get, "post": post, "survey": survey}


def test_every_url_is_closed_to_the_other_teams_manager(client, other_manager, team_a_urls):
    client.force_login(other_manager)
    for path in team_a_urls["get"]:
        assert client.get(path).status_code in (403, 404), path
    for path in team_a_urls["post"]:
        assert client.post(path, {"level": "manager", "note": "x", "competency": 1}).status_code in (403, 404), path


def test_every_manager_url_is_closed_to_a_trainee(client, make_user, team_a, team_a_urls):
    """A trainee of the same team may answer its self-assessment and see their own profile —
    nothing else, and not a teammate's profile."""
    teammate = make_user("teammate", team=team_a, role="trainee")
    client.force_login(teammate)
    survey = team_a_urls["survey"]
    with translation.override("pl"):
        allowed = {reverse("insights:environment_answer", args=[survey.pk])}
    for path in team_a_urls["get"]:
        if path not in allowed:
            assert client.get(path).status_code in (403, 404), path
    for path in team_a_urls["post"]:
        if path not in allowed:
            assert client.post(path, {}).status_code in (403, 404), path


def test_other_teams_trainee_cannot_answer_or_observe(client, other_trainee, team_a_urls):
    client.force_login(other_trainee)
    for path in team_a_urls["get"] + team_a_urls["post"]:
        method = client.post if path in team_a_urls["post"] else client.get
        assert method(path).status_code in (403, 404), path


def test_missing_objects_are_404(client, manager):
    client.force_login(manager)
    with translation.override("pl"):
        for path in (reverse("insights:team_trends", args=[999999]), reverse("insights:trainee", args=[999999]),
                     reverse("insights:environment_results", args=[999999])):
            assert client.get(path).status_code == 404, path


def test_anonymous_visitors_are_sent_to_sign_in(client, team_a_urls):
    for path in team_a_urls["get"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
