"""The team consistency check: manager opens, members answer, manager sees agreement only."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from academy.models import Role
from assessments.models import ConsistencyAnswer, ConsistencyQuestionnaire, ConsistencyRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(competencies):
    call_command("load_assessments", verbosity=0)
    return ConsistencyQuestionnaire.objects.get(slug="service-basics")


def answer_all(client, user, run, pick):
    client.force_login(user)
    items = list(run.questionnaire.items.all())
    data = {f"item-{item.pk}": pick(index, item) for index, item in enumerate(items)}
    return client.post(reverse("assessments:consistency_answer", args=[run.pk]), data)


def test_manager_runs_check_and_sees_where_team_splits(client, manager, trainee, make_user, team_a, questionnaire,
                                                       django_assert_max_num_queries):
    second = make_user("t2", team=team_a, role=Role.TRAINEE)
    client.force_login(manager)
    response = client.post(reverse("assessments:consistency_open"),
                           {"team": team_a.pk, "questionnaire": questionnaire.pk})
    run = ConsistencyRun.objects.get()
    assert response.status_code == 302 and run.team == team_a
    # Everyone agrees on every item except the first, where the two trainees split.
    assert answer_all(client, trainee, run, lambda i, item: item.options[0]["key"]).status_code == 302
    answer_all(client, second, run, lambda i, item: item.options[1 if i == 0 else 0]["key"])
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("assessments:consistency_run", args=[run.pk]))
    body = page.content.decode()
    first = run.questionnaire.items.first()
    assert 'data-testid="overall-agreement"' in body
    expected = round((0.5 + 14 * 1.0) / 15 * 100)
    assert f"{expected}%" in body
    assert first.text_pl in body.split('data-testid="splits"')[1].split("</ol>")[0]
    # Aggregates only: no member names on the manager's page.
    assert "Tina" not in body and "t2" not in body


def test_member_changes_answers_while_open_and_counts_once(client, manager, trainee, team_a, questionnaire):
    run = ConsistencyRun.objects.create(questionnaire=questionnaire, team=team_a, opened_by=manager,
                                        opened_at="2026-01-01T00:00Z")
    answer_all(client, trainee, run, lambda i, item: item.options[0]["key"])
    answer_all(client, trainee, run, lambda i, item: item.options[1]["key"])
    assert ConsistencyAnswer.objects.filter(run=run, member=trainee).count() == questionnaire.items.count()
    assert set(ConsistencyAnswer.objects.values_list("option_key", flat=True)) == {
        item.options[1]["key"] for item in questionnaire.items.all()
    }


def test_incomplete_answers_rerender_with_choices_kept(client, manager, trainee, team_a, questionnaire):
    run = ConsistencyRun.objects.create(questionnaire=questionnaire, team=team_a, opened_by=manager,
                                        opened_at="2026-01-01T00:00Z")
    client.force_login(trainee)
    first = questionnaire.items.first()
    key = first.options[1]["key"]
    response = client.post(reverse("assessments:consistency_answer", args=[run.pk]), {f"item-{first.pk}": key})
    assert response.status_code == 400
    assert f'name="item-{first.pk}" value="{key}" checked' in response.content.decode()
    assert not ConsistencyAnswer.objects.exists()


def test_member_cannot_see_results_and_outsider_cannot_answer(client, manager, trainee, other_trainee, other_manager,
                                                              team_a, questionnaire):
    run = ConsistencyRun.objects.create(questionnaire=questionnaire, team=team_a, opened_by=manager,
                                        opened_at="2026-01-01T00:00Z")
    client.force_login(trainee)
    assert client.get(reverse("assessments:consistency_run", args=[run.pk])).status_code == 403
    client.force_login(other_trainee)
    assert client.get(reverse("assessments:consistency_answer", args=[run.pk])).status_code == 403
    client.force_login(other_manager)
    assert client.get(reverse("assessments:consistency_run", args=[run.pk])).status_code == 403
    response = client.post(reverse("assessments:consistency_open"), {"team": team_a.pk, "questionnaire": questionnaire.pk})
    assert response.status_code == 403
    assert ConsistencyRun.objects.count() == 1


def test_closed_run_refuses_answers(client, manager, trainee, team_a, questionnaire):
    run = ConsistencyRun.objects.create(questionnaire=questionnaire, team=team_a, opened_by=manager,
                                        opened_at="2026-01-01T00:00Z")
    client.force_login(manager)
    client.post(reverse("assessments:consistency_close", args=[run.pk]))
    response = answer_all(client, trainee, run, lambda i, item: item.options[0]["key"])
    assert response.status_code == 400
    assert not ConsistencyAnswer.objects.exists()


def test_consistency_home_lists_runs_to_answer(client, manager, trainee, team_a, questionnaire,
                                               django_assert_max_num_queries):
    ConsistencyRun.objects.create(questionnaire=questionnaire, team=team_a, opened_by=manager,
                                  opened_at="2026-01-01T00:00Z")
    client.force_login(trainee)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("assessments:consistency_home")).content.decode()
    assert questionnaire.title_pl in body
