"""The service-environment self-assessment: three levels rate nine elements; the manager sees
where they diverge."""

import pytest
from django.urls import reverse
from django.utils import translation

from academy.models import Announcement
from insights.environment import ELEMENTS
from insights.models import EnvironmentResponse, EnvironmentSurvey
from insights.selectors import environment_results
from insights.services import InsightsError, survey_answer_save, survey_close, survey_open


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def ratings(value=3, **overrides):
    result = {e.slug: value for e in ELEMENTS}
    result.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return result


def form(level, values):
    return {"level": level, **{f"el_{slug}": str(v) for slug, v in values.items()}}


@pytest.fixture
def survey(team_a, manager):
    return survey_open(team=team_a, opened_by=manager)


def test_manager_opens_a_survey_and_the_team_is_told(client, manager, team_a):
    client.force_login(manager)
    response = client.post(url("insights:environment_open"), {"team": team_a.pk})
    survey = EnvironmentSurvey.objects.get()
    assert response.status_code == 302 and response["Location"] == url("insights:environment_results", survey.pk)
    announcement = Announcement.objects.get(team=team_a)
    assert url("insights:environment_answer", survey.pk) in announcement.text


def test_member_answers_and_can_change_while_open(client, trainee, survey):
    client.force_login(trainee)
    page = client.get(url("insights:environment_answer", survey.pk))
    assert page.status_code == 200 and page.context["form"].initial["level"] == "employee"
    client.post(url("insights:environment_answer", survey.pk), form("employee", ratings(2)))
    client.post(url("insights:environment_answer", survey.pk), form("employee", ratings(4)))
    response = EnvironmentResponse.objects.get()
    assert response.level == "employee" and set(response.ratings.values()) == {4}


def test_incomplete_answer_rerenders_with_what_was_chosen(client, trainee, survey):
    client.force_login(trainee)
    values = ratings(5)
    del values["procedures"]
    response = client.post(url("insights:environment_answer", survey.pk), form("employee", values))
    assert response.status_code == 400
    assert 'value="5" checked' in response.content.decode() or "checked" in response.content.decode()
    assert not EnvironmentResponse.objects.exists()


def test_closed_survey_refuses_answers(survey, trainee):
    survey_close(survey=survey)
    with pytest.raises(InsightsError):
        survey_answer_save(survey=survey, respondent=trainee, level="employee", ratings=ratings())


def test_results_compare_levels_and_name_the_largest_gaps(survey, manager, trainee, trainer, make_user):
    director = make_user("director", is_superuser=True)
    survey_answer_save(survey=survey, respondent=director, level="director", ratings=ratings(5, procedures=5))
    survey_answer_save(survey=survey, respondent=manager, level="manager", ratings=ratings(4, procedures=3))
    survey_answer_save(survey=survey, respondent=trainee, level="employee", ratings=ratings(4, procedures=1))
    survey_answer_save(survey=survey, respondent=trainer, level="employee", ratings=ratings(4, procedures=2))
    results = environment_results(survey=survey)
    procedures = next(e for e in results["elements"] if e.element.slug == "procedures")
    assert procedures.means == {"director": 5.0, "manager": 3.0, "employee": 1.5}
    assert procedures.spread == 3.5
    assert results["diverging"][0].element.slug == "procedures"
    assert results["counts"] == {"director": 1, "manager": 1, "employee": 2}


def test_results_page_has_radar_data_and_table(client, manager, trainee, survey):
    survey_answer_save(survey=survey, respondent=manager, level="manager", ratings=ratings(4))
    survey_answer_save(survey=survey, respondent=trainee, level="employee", ratings=ratings(2, goals=1))
    client.force_login(manager)
    body = client.get(url("insights:environment_results", survey.pk)).content.decode()
    assert 'id="environment-data"' in body and 'id="environment-radar"' in body
    assert 'data-testid="diverging"' in body and "Goals" in body


def test_trainee_cannot_see_results_or_open_surveys(client, trainee, survey, team_a):
    client.force_login(trainee)
    assert client.get(url("insights:environment_results", survey.pk)).status_code == 403
    assert client.post(url("insights:environment_open"), {"team": team_a.pk}).status_code == 403
    assert client.post(url("insights:environment_close", survey.pk)).status_code == 403


def test_environment_pages_query_budget(client, manager, trainee, survey, django_assert_max_num_queries):
    survey_answer_save(survey=survey, respondent=trainee, level="employee", ratings=ratings(2))
    client.force_login(manager)
    for name, args in (("insights:environment_home", ()), ("insights:environment_results", (survey.pk,)),
                       ("insights:environment_answer", (survey.pk,))):
        with django_assert_max_num_queries(12):
            assert client.get(url(name, *args)).status_code == 200
