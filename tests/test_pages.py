import pytest
from django.urls import reverse
from django.utils import translation

from academy.models import Announcement


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize(
    "who,landing", [("trainee", "my_learning"), ("trainer", "trainer_console"), ("manager", "team_dashboard")]
)
def test_each_role_lands_on_its_home(client, request, who, landing):
    user = request.getfixturevalue(who)
    response = client.post(url("login"), {"username": user.username, "password": "pass-12345"})
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302 and home["Location"] == url(landing)
    page = client.get(home["Location"])
    assert page.status_code == 200
    assert user.display_name.encode() in page.content


def test_wrong_password_is_refused_with_a_message(client, trainee):
    response = client.post(url("login"), {"username": trainee.username, "password": "nope"})
    assert response.status_code == 200
    assert "Wprowadź poprawne wartości".encode() in response.content
    assert trainee.username.encode() in response.content  # what was typed stays


def test_repeated_failed_logins_are_throttled(client, trainee):
    for _ in range(5):
        client.post(url("login"), {"username": trainee.username, "password": "nope"})
    response = client.post(url("login"), {"username": trainee.username, "password": "pass-12345"})
    assert response.status_code == 429
    assert b"15" in response.content
    assert "_auth_user_id" not in client.session


def test_pages_need_login(client, db):
    for name in ("my_learning", "trainer_console", "team_dashboard"):
        response = client.get(url(name))
        assert response.status_code == 302 and url("login") in response["Location"]


def test_page_of_another_team_is_refused(client, manager, team_b):
    client.force_login(manager)
    response = client.get(url("team_detail", team_id=team_b.pk))
    assert response.status_code == 403
    assert "Nie masz dostępu".encode() in response.content


def test_missing_team_is_404(client, manager):
    client.force_login(manager)
    assert client.get(url("team_detail", team_id=999999)).status_code == 404


def test_english_pages_are_translated(client, trainee):
    client.force_login(trainee)
    assert b"My learning" in client.get(url("my_learning", "en")).content
    assert b"Moja nauka" in client.get(url("my_learning", "pl")).content


@pytest.mark.parametrize("browser_language", ["pl", "en", ""])
def test_language_switch_keeps_the_page(client, trainee, browser_language):
    client.force_login(trainee)
    for to, frm in (("en", "pl"), ("pl", "en")):
        response = client.post(
            reverse("set_language"), {"language": to, "next": url("my_learning", frm)},
            HTTP_ACCEPT_LANGUAGE=browser_language,
        )
        assert response["Location"] == url("my_learning", to)


def test_trainee_cannot_post_announcement(client, trainee, team_a):
    client.force_login(trainee)
    response = client.post(url("announcement_create", team_id=team_a.pk), {"text": "hi"})
    assert response.status_code == 403
    assert not Announcement.objects.exists()


def test_trainer_posts_announcement_without_javascript(client, trainer, team_a):
    client.force_login(trainer)
    response = client.post(url("announcement_create", team_id=team_a.pk), {"text": "Roleplay o 14:00"})
    assert response.status_code == 302
    assert Announcement.objects.get().text == "Roleplay o 14:00"


def test_empty_announcement_rerenders_with_error(client, trainer, team_a):
    client.force_login(trainer)
    response = client.post(url("announcement_create", team_id=team_a.pk), {"text": "   "})
    assert response.status_code == 400
    assert b"field-error" in response.content


def test_home_pages_have_a_fixed_query_budget(client, manager, trainer, trainee, django_assert_max_num_queries):
    for user, name in ((manager, "team_dashboard"), (trainer, "trainer_console"), (trainee, "my_learning")):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            assert client.get(url(name)).status_code == 200


def test_escaping_of_user_text(client, trainer, team_a):
    client.force_login(trainer)
    client.post(url("announcement_create", team_id=team_a.pk), {"text": "<script>alert(1)</script>"})
    content = client.get(url("team_detail", team_id=team_a.pk)).content
    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;" in content


def test_team_table_counts_every_member(client, trainer, trainee, manager, make_user, team_a):
    from academy.models import Role

    make_user(team=team_a, role=Role.TRAINEE)
    client.force_login(trainer)
    team = client.get(url("trainer_console")).context["teams"].get(pk=team_a.pk)
    assert (team.trainee_count, team.trainer_count, team.manager_count) == (2, 1, 1)


def test_every_team_member_can_find_the_self_assessment(client, trainee):
    client.force_login(trainee)
    page = client.get(url("my_learning")).content.decode()
    assert url("insights:environment_home") in page
    assert client.get(url("insights:environment_home")).status_code == 200
