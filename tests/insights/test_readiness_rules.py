"""Managers edit their team's readiness rules; bad input is shown back, never half-saved."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from insights.models import ReadinessRule
from insights.services import InsightsError, readiness_rules_save


def url(team, lang="en"):
    with translation.override(lang):
        return reverse("insights:readiness_rules", args=[team.pk])


def test_manager_saves_courses_and_minimums(client, manager, team_a, course_tree, competencies):
    client.force_login(manager)
    basics = course_tree["basics"][0]
    response = client.post(url(team_a), {"courses": [str(basics.translation_key)], "min_empathy": "3.5",
                                         "min_humour": "2,5", "min_kindness": ""})
    assert response.status_code == 302
    rules = {(r.kind, r.course_key or r.competency.slug): r.minimum for r in ReadinessRule.objects.all()}
    assert rules == {("course", basics.translation_key): None, ("level", "empathy"): Decimal("3.5"),
                     ("level", "humour"): Decimal("2.5")}
    page = client.get(url(team_a)).content.decode()
    assert 'name="min_empathy" value="3.5"' in page and "checked" in page


def test_saving_again_replaces_the_rules(manager, team_a, competencies, course_tree):
    key = course_tree["basics"][0].translation_key
    readiness_rules_save(team=team_a, course_keys=[key], minimums={competencies["empathy"]: 3}, updated_by=manager)
    readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["humour"]: 4}, updated_by=manager)
    assert list(ReadinessRule.objects.values_list("kind", "competency__slug", "minimum")) == [
        ("level", "humour", Decimal("4.0"))]


@pytest.mark.parametrize("value", ["7", "0.5", "abc", "3.55"])
def test_bad_minimum_rerenders_with_the_input_and_saves_nothing(client, manager, team_a, competencies, value):
    client.force_login(manager)
    response = client.post(url(team_a), {"min_empathy": value, "min_humour": "3"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "field-error" in body and f'value="{value}"' in body
    assert not ReadinessRule.objects.exists()


def test_service_refuses_out_of_range_minimums(manager, team_a, competencies):
    with pytest.raises(InsightsError):
        readiness_rules_save(team=team_a, course_keys=[], minimums={competencies["empathy"]: 6}, updated_by=manager)


def test_required_courses_are_suggested_for_a_team_without_rules(client, manager, team_a, course_tree):
    course = course_tree["basics"][0]
    course.required = True
    course.save_revision().publish()
    client.force_login(manager)
    form = client.get(url(team_a, "pl")).context["form"]
    assert form.initial["courses"] == [str(course.translation_key)]


def test_trainer_cannot_edit_rules(client, trainer, team_a):
    client.force_login(trainer)
    assert client.get(url(team_a)).status_code == 403
    assert client.post(url(team_a), {"min_empathy": "3"}).status_code == 403


def test_readiness_page_query_budget(client, manager, team_a, course_tree, competencies,
                                     django_assert_max_num_queries):
    readiness_rules_save(team=team_a, course_keys=[course_tree["basics"][0].translation_key],
                         minimums={competencies["empathy"]: 3}, updated_by=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        assert client.get(url(team_a)).status_code == 200
