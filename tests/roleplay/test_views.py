from django.urls import reverse
from django.utils import translation

from roleplay.models import RoleplaySession, SessionEvent


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def test_room_is_refused_to_outsiders(client, make_session, other_trainee, other_manager):
    session = make_session()
    for outsider in (other_trainee, other_manager):
        client.force_login(outsider)
        assert client.get(url("roleplay:room", session_id=session.pk)).status_code == 403
        assert client.get(url("roleplay:debrief", session_id=session.pk)).status_code == 403
        assert client.post(url("roleplay:act", session_id=session.pk), {"type": "hint", "text": "x"}).status_code == 403


def test_manager_of_the_team_may_watch(client, make_session, manager):
    session = make_session()
    client.force_login(manager)
    response = client.get(url("roleplay:room", session_id=session.pk))
    assert response.status_code == 200 and b"viewer" in response.content


def test_room_and_debrief_have_a_query_budget(client, make_session, trainer, trainee, act,
                                              django_assert_max_num_queries):
    session = make_session()
    act(session, trainer, type="control", action="start")
    for _ in range(5):
        act(session, trainee, type="message", text="Przepraszam, sprawdzę to dzisiaj i oddzwonię.")
    act(session, trainer, type="score", trait="empathy", score=4)
    act(session, trainer, type="control", action="end")
    for user in (trainer, trainee):
        client.force_login(user)
        with django_assert_max_num_queries(16):
            assert client.get(url("roleplay:room", session_id=session.pk)).status_code == 200
        with django_assert_max_num_queries(16):
            assert client.get(url("roleplay:debrief", session_id=session.pk)).status_code == 200


def test_trainer_opens_a_session_with_the_form(client, scenarios, trainer, trainee):
    client.force_login(trainer)
    assert client.get(url("roleplay:new")).status_code == 200
    response = client.post(url("roleplay:new"), {
        "scenario": scenarios["fuel-card"].pk, "trainee": trainee.pk, "difficulty": "hard", "language": "en",
        "mode": "approve", "score_visibility": "live",
    })
    session = RoleplaySession.objects.get()
    assert response["Location"] == url("roleplay:room", session_id=session.pk)
    assert (session.trainer, session.trainee, session.mode, session.language) == (trainer, trainee, "approve", "en")


def test_form_refuses_a_trainee_of_another_team(client, scenarios, trainer, other_trainee):
    client.force_login(trainer)
    response = client.post(url("roleplay:new"), {
        "scenario": scenarios["fuel-card"].pk, "trainee": other_trainee.pk, "difficulty": "easy",
        "language": "pl", "mode": "auto", "score_visibility": "live",
    })
    assert response.status_code == 400 and not RoleplaySession.objects.exists()


def test_trainee_cannot_open_trainer_sessions(client, scenarios, trainee):
    client.force_login(trainee)
    assert client.get(url("roleplay:new")).status_code == 403


def test_acting_without_javascript(client, make_session, trainer, trainee):
    session = make_session()
    client.force_login(trainer)
    client.post(url("roleplay:act", session_id=session.pk), {"type": "control", "action": "start"})
    client.force_login(trainee)
    response = client.post(url("roleplay:act", session_id=session.pk),
                           {"type": "message", "text": "Dzień dobry, sprawdzę to od razu.", "client_id": "nojs-1"})
    assert response.status_code == 302
    assert SessionEvent.objects.filter(session=session, type="customer_message").count() == 2


def test_refused_action_keeps_what_was_typed(client, make_session, trainee):
    session = make_session()
    client.force_login(trainee)
    response = client.post(url("roleplay:act", session_id=session.pk),
                           {"type": "message", "text": "Mój długi, przemyślany tekst"})
    assert response.status_code == 400
    assert "Mój długi, przemyślany tekst".encode() in response.content


def test_debrief_shows_scores_side_by_side_and_attempts(client, make_session, trainer, trainee, observer, act):
    for score in (2, 4):
        session = make_session(observers=[observer])
        act(session, trainer, type="control", action="start")
        message = act(session, trainee, type="message", text="To nie moja wina, to wina systemu.")[0]
        act(session, trainer, type="tag", message_seq=message["seq"], trait="responsibility", polarity="-")
        act(session, trainer, type="score", trait="responsibility", score=score)
        act(session, observer, type="score", trait="responsibility", score=3)
        act(session, trainer, type="control", action="end")
    client.force_login(trainee)
    content = client.get(url("roleplay:debrief", session_id=session.pk)).content.decode()
    assert 'data-trait="responsibility"' in content
    assert "tag-minus" in content
    assert "mood-data" in content
    assert content.count("/debrief/") >= 3  # first, best, latest links


def test_trainer_console_follows_several_live_sessions(client, make_session, trainer, trainee, act,
                                                     django_assert_max_num_queries):
    sessions = [make_session(seed=n, mode="manual" if n == 0 else "auto") for n in range(3)]
    for session in sessions:
        act(session, trainer, type="control", action="start")
    act(sessions[0], trainee, type="message", text="Ostatnie zdanie uczestnika")
    client.force_login(trainer)
    with django_assert_max_num_queries(8):
        response = client.get(url("roleplay:live_sessions"))
    content = response.content.decode()
    assert content.count("<meter") == 3
    assert "Ostatnie zdanie uczestnika" in content


def test_roleplay_home_has_a_query_budget(client, make_session, trainer, trainee, act,
                                          django_assert_max_num_queries):
    for seed in range(4):
        session = make_session(seed=seed)
        act(session, trainer, type="control", action="start")
        act(session, trainer, type="control", action="end")
    for user in (trainer, trainee):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            assert client.get(url("roleplay:home")).status_code == 200
