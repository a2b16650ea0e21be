from django.template import Context, Template
from django.test import RequestFactory


def render(user, slug):
    request = RequestFactory().get("/pl/learn/x/")
    request.user = user
    return Template("{% load roleplay_tags %}{% roleplay_invitation slug %}").render(
        Context({"request": request, "slug": slug}))


def test_trainee_is_invited_to_practise(scenarios, trainee):
    html = render(trainee, "perfume")
    assert "/roleplay/practice/perfume/" in html


def test_trainer_is_offered_a_session(scenarios, trainer):
    html = render(trainer, "perfume")
    assert "/roleplay/new/?scenario=" in html and "/practice/" not in html


def test_nothing_for_an_unknown_scenario(scenarios, trainee):
    assert render(trainee, "no-such-scenario").strip() == ""
