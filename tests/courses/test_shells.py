"""A lesson page is rendered once and filled in for each reader (courses.shells): every reader
still sees their own progress, answers, name, roles and token, and any change of what the page
shows reaches the next view."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.models import Role
from assessments.models import Attempt, Quiz
from courses import shells
from courses.models import LessonPage
from roleplay.models import Scenario

from .conftest import page_url


def outline_states(html: str) -> list[str]:
    outline = html[html.index('class="lesson-outline card"'):]
    return re.findall(r'<li class="lesson-(\w+)">', outline)


def shells_kept() -> int:
    return len(shells.local_shells.entries)


def test_each_reader_sees_their_own_progress_from_one_shell(make_user, team_a, curriculum):
    shells.local_shells.clear()
    listening, measuring = curriculum[("pl", "alpha/listening")], curriculum[("pl", "alpha/measuring")]
    ahead, behind = Client(), Client()
    ahead.force_login(make_user("ahead", team=team_a, role=Role.TRAINEE, first_name="Ada", last_name="Przodem"))
    behind.force_login(make_user("behind", team=team_a, role=Role.TRAINEE, first_name="Bogdan", last_name="Z Tyłu"))
    ahead.post(reverse("courses:lesson_complete", kwargs={"page_id": listening.pk}), follow=True)
    ahead.get(page_url(measuring))  # started
    shells.local_shells.clear()

    page = ahead.get(page_url(listening)).content.decode()
    assert outline_states(page) == ["completed", "started", "new"]
    assert "Ukończone lekcje: 1 z 3" in page and 'value="33"' in page
    assert 'data-testid="complete-lesson"' not in page and "Ta lekcja jest ukończona." in page
    assert 'class="button primary" rel="next"' in page
    assert "Ada Przodem" in page

    page = behind.get(page_url(listening)).content.decode()
    assert outline_states(page) == ["started", "new", "new"]  # this view started it
    assert "Ukończone lekcje: 0 z 3" in page and 'value="0"' in page
    assert 'data-testid="complete-lesson"' in page and 'class="button" rel="next"' in page
    assert "Bogdan Z Tyłu" in page and "Ada Przodem" not in page
    assert shells_kept() == 1  # both readers got the page from one shell


def test_roles_get_their_own_shell(client, trainee, trainer, curriculum):
    Scenario.objects.create(slug="refund-delay", title_pl="Opóźniony zwrot", title_en="Delayed refund",
                            summary_pl="Klient czeka na pieniądze.", definition={})
    lesson = page_url(curriculum[("pl", "alpha/listening")])
    client.force_login(trainee)
    page = client.get(lesson).content.decode()
    assert "Ćwicz samodzielnie" in page and "Otwórz sesję z uczestnikiem" not in page
    assert 'data-testid="edit-in-admin"' not in page
    client.force_login(trainer)
    page = client.get(lesson).content.decode()
    assert "Otwórz sesję z uczestnikiem" in page and "Ćwicz samodzielnie" not in page
    assert 'data-testid="edit-in-admin"' in page and "Tom Trainer" in page and "Tina Trainee" not in page
    assert re.search(r'<a href="/pl/learn/" aria-current="page">Kursy</a>', page)  # lessons are course pages


def test_a_saved_answer_and_a_quiz_attempt_show_on_the_next_view(client, trainee, curriculum):
    lesson = curriculum[("pl", "alpha/listening")]
    client.force_login(trainee)
    assert "Rozpocznij quiz" in client.get(page_url(lesson)).content.decode()
    client.post(reverse("courses:reflection_save", kwargs={"page_id": lesson.pk, "block_id": "think"}),
                {"r-think-answer": "Wczoraj, przy zwrocie."})
    Attempt.objects.create(quiz=Quiz.objects.get(slug="quiz-alpha"), learner=trainee, number=1,
                           started_at=timezone.now())
    page = client.get(page_url(lesson)).content.decode()
    assert "Wczoraj, przy zwrocie." in page and "Zaktualizuj odpowiedź" in page
    assert "Kontynuuj quiz" in page and "Rozpocznij quiz" not in page


def test_a_renamed_lesson_and_quiz_show_on_other_lessons_at_once(
    client, trainee, trainer, curriculum, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    listening = page_url(curriculum[("pl", "alpha/listening")])
    assert "Zamykanie rozmowy" in client.get(listening).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        closing = LessonPage.objects.get(pk=curriculum[("pl", "alpha/closing")].pk)
        closing.title = "Pożegnanie z klientem"
        closing.save_revision(user=trainer).publish(user=trainer)
        quiz = Quiz.objects.get(slug="quiz-alpha")
        quiz.title_pl = "Sprawdzian ze słuchania"
        quiz.save()
    page = client.get(listening).content.decode()
    assert "Pożegnanie z klientem" in page and "Zamykanie rozmowy" not in page
    assert "Sprawdzian ze słuchania" in page


def test_the_language_switch_returns_to_the_path_as_asked(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = page_url(curriculum[("pl", "alpha/listening")])
    client.get(lesson)
    page = client.get(f"{lesson}?from=mail&note=it's").content.decode()
    assert f'name="next" value="{lesson}?from=mail&amp;note=it&#x27;s"' in page


def test_an_htmx_swap_gets_the_partial_page(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = page_url(curriculum[("pl", "alpha/measuring")])
    whole = client.get(lesson).content.decode()
    swap = client.get(lesson, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in whole and "<html" not in swap
    assert "data-focus-after-swap" in swap and "data-lesson-heading data-focus-after-swap" not in whole
    assert outline_states(swap) == outline_states(whole) == ["new", "started", "new"]


def test_a_message_is_shown_once_on_a_page_rendered_whole(client, trainee, curriculum):
    client.force_login(trainee)
    listening = curriculum[("pl", "alpha/listening")]
    response = client.post(reverse("courses:lesson_complete", kwargs={"page_id": listening.pk}), follow=True)
    assert "Lekcja ukończona." in response.content.decode()
    assert "Lekcja ukończona." not in client.get(response.request["PATH_INFO"]).content.decode()


def test_content_holding_a_marker_character_is_rendered_whole(client, trainee, trainer, curriculum):
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    body = lesson.body.raw_data
    body[0]["value"] = "<p>Znak \ue000prywatny\ue001 w treści.</p>"
    lesson.body = list(body)
    lesson.save_revision(user=trainer).publish(user=trainer)
    client.force_login(trainee)
    for _ in range(2):
        page = client.get(page_url(lesson)).content.decode()
        assert "Znak \ue000prywatny\ue001 w treści." in page
        assert "Tina Trainee" in page and 'data-testid="complete-lesson"' in page


def test_a_shell_gives_the_page_rendering_it_whole_gives(client, trainer, make_user, team_a, curriculum, monkeypatch):
    """The two ways to a lesson page agree to the letter (but for the CSRF token), for a trainee
    with an answer and a completed lesson and for a trainer, in both languages, whole and swapped."""
    learner = make_user("both_ways", team=team_a, role=Role.TRAINEE, first_name="Oskar", last_name="O'Neil & Syn")
    listening = curriculum[("pl", "alpha/listening")]
    client.force_login(learner)
    client.post(reverse("courses:reflection_save", kwargs={"page_id": listening.pk, "block_id": "think"}),
                {"r-think-answer": "<b>Odpowiedź</b> & „cytat”"})
    client.post(reverse("courses:lesson_complete", kwargs={"page_id": listening.pk}), follow=True)
    token = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')
    for user in (learner, trainer):
        client.force_login(user)
        for key in ("pl", "alpha/listening"), ("en", "alpha/listening"), ("pl", "alpha/measuring"):
            url = f"{page_url(curriculum[key])}?from=mail"
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                client.get(url, **headers)  # started; the shell built
                from_shell = client.get(url, **headers).content.decode()
                with monkeypatch.context() as patched:
                    patched.setattr(shells, "lesson_response", lambda request, lesson: None)
                    whole = client.get(url, **headers).content.decode()
                assert token.sub("TOKEN", from_shell) == token.sub("TOKEN", whole), (user, key, headers)
