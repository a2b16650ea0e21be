"""A trainee's profile says where each number came from; managers and trainers add observations."""

from django.urls import reverse
from django.utils import translation

from assessments.models import Evidence


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def test_profile_links_each_piece_of_evidence_to_its_source(client, manager, trainee, graded_attempt, ended_session):
    client.force_login(manager)
    body = client.get(url("insights:trainee", trainee.pk)).content.decode()
    assert reverse("assessments:attempt_result", args=[graded_attempt.pk]).replace("/pl/", "/en/") in body
    assert url("roleplay:debrief", ended_session.pk) in body
    assert 'data-source="quiz"' in body and 'data-source="open_answer"' in body
    assert 'data-source="roleplay_trainer"' in body and 'data-source="roleplay_peer"' in body
    assert "Zabrakło terminu." in body  # the trainer's note from the session
    assert 'id="history-data"' in body


def test_level_on_profile_equals_the_dashboard_cell(client, manager, trainee, add_evidence):
    for days, level in ((50, 2), (20, 3), (1, 5)):
        add_evidence(trainee, "empathy", level, days_ago=days)
    client.force_login(manager)
    profile = client.get(url("insights:trainee", trainee.pk)).content.decode()
    dashboard = client.get(url("team_dashboard")).content.decode()
    start = profile.index('data-testid="story-empathy"')
    level = profile[start:].split('data-testid="level">', 1)[1].split("<", 1)[0]
    assert f">{level}</a>" in dashboard
    assert "%" in profile[start:]  # the share of today's level of each piece


def test_manager_records_an_observation_that_becomes_evidence(client, manager, trainee, competencies):
    client.force_login(manager)
    form = client.get(url("insights:trainee", trainee.pk)).context["observation_form"]
    token = form.initial["token"]
    data = {"competency": competencies["agency"].pk, "level": "4", "note": "Zaproponował konkretny termin.",
            "token": token}
    response = client.post(url("insights:observation_create", trainee.pk), data)
    assert response.status_code == 302 and response["Location"].endswith("#competency-agency")
    client.post(url("insights:observation_create", trainee.pk), data)  # the same form sent twice
    evidence = Evidence.objects.get(learner=trainee, source="observation")
    assert evidence.score == 0.75 and evidence.recorded_by == manager and evidence.note.startswith("Zaproponował")
    body = client.get(url("insights:trainee", trainee.pk)).content.decode()
    assert "Zaproponował konkretny termin." in body


def test_trainer_records_an_observation_too(client, trainer, trainee, competencies):
    client.force_login(trainer)
    response = client.post(url("insights:observation_create", trainee.pk),
                           {"competency": competencies["humour"].pk, "level": "2", "note": "Żart nie na miejscu.",
                            "token": "t1"})
    assert response.status_code == 302
    assert Evidence.objects.filter(learner=trainee, source="observation", recorded_by=trainer).exists()


def test_invalid_observation_rerenders_with_what_was_typed(client, manager, trainee, competencies):
    client.force_login(manager)
    response = client.post(url("insights:observation_create", trainee.pk),
                           {"competency": competencies["humour"].pk, "level": "9", "note": "Mój opis", "token": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "field-error" in body and "Mój opis" in body
    assert not Evidence.objects.filter(source="observation").exists()


def test_trainee_cannot_record_observations(client, trainee, competencies, make_user, team_a):
    peer = make_user("peer_a", team=team_a, role="trainee")
    client.force_login(trainee)
    for target in (trainee, peer):
        response = client.post(url("insights:observation_create", target.pk),
                               {"competency": competencies["humour"].pk, "level": "5", "note": "Super", "token": "y"})
        assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_trainee_sees_own_profile_without_the_observation_form(client, trainee):
    client.force_login(trainee)
    response = client.get(url("insights:trainee", trainee.pk))
    assert response.status_code == 200 and response.context["observation_form"] is None


def test_profile_query_budget(client, manager, trainee, graded_attempt, ended_session, add_evidence,
                              django_assert_max_num_queries):
    for slug in ("humour", "kindness", "agency", "courage"):
        add_evidence(trainee, slug, 3)
    client.force_login(manager)
    with django_assert_max_num_queries(24):
        assert client.get(url("insights:trainee", trainee.pk)).status_code == 200
