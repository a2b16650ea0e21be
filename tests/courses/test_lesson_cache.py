"""The blocks of a lesson that are the same for everyone are cached (courses.fragments): a
published edit, a language switch or a renamed competency is never served stale, and nothing a
learner wrote or did reaches another learner's page."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from academy.models import Role
from assessments.models import Competency
from courses.fragments import lesson_fragments
from courses.models import LessonPage

from .conftest import page_url


def csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_a_published_edit_is_served_at_once(client, trainee, trainer, curriculum):
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    client.force_login(trainee)
    assert "Klient mówi o <strong>opóźnieniu</strong>" in client.get(page_url(lesson)).content.decode()
    body = lesson.body.raw_data
    body[0]["value"] = "<p>Klient pyta o <strong>zwrot</strong>.</p>"
    lesson.body = list(body)
    lesson.save_revision(user=trainer).publish(user=trainer)  # what the admin's "Publish" does
    page = client.get(page_url(lesson)).content.decode()
    assert "Klient pyta o <strong>zwrot</strong>." in page
    assert "opóźnieniu" not in page


def test_blocks_saved_without_a_publish_are_not_put_in_the_wrong_places(client, trainee, curriculum):
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    client.force_login(trainee)
    client.get(page_url(lesson))  # cached
    lesson.body = list(reversed(lesson.body.raw_data))  # a script saving the live page directly
    lesson.save()
    page = client.get(page_url(lesson)).content.decode()
    assert page.index('id="block-think"') < page.index('id="block-intro"')
    assert 'name="r-think-answer"' in page


def test_a_draft_is_not_served_and_a_preview_shows_the_unsaved_blocks(client, rf, trainee, trainer, curriculum):
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    client.force_login(trainee)
    client.get(page_url(lesson))  # cached
    body = lesson.body.raw_data
    body[0]["value"] = "<p>Wersja robocza trenera.</p>"
    lesson.body = list(body)
    lesson.save_revision(user=trainer)  # saved, not published
    assert "Wersja robocza trenera." not in client.get(page_url(lesson)).content.decode()
    editor = Client()
    editor.force_login(trainer)
    request = rf.get("/admin/", HTTP_COOKIE=f"sessionid={editor.cookies['sessionid'].value}")
    preview = lesson.make_preview_request(request, lesson.default_preview_mode).content.decode()
    assert "Wersja robocza trenera." in preview


def test_cached_blocks_stay_escaped(client, trainee, trainer, curriculum):
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    body = lesson.body.raw_data
    body[1]["value"] = {"heading": "Najważniejsze", "items": ['<script>alert("x")</script> & <b>ważne</b>']}
    lesson.body = list(body)
    lesson.save_revision(user=trainer).publish(user=trainer)
    client.force_login(trainee)
    for _ in range(2):  # rendered, then from the cache
        page = client.get(page_url(lesson)).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;ważne&lt;/b&gt;" in page
        assert "<script>alert" not in page and "<b>ważne</b>" not in page
        assert "Klient mówi o <strong>opóźnieniu</strong>" in page  # rich text stays markup


def test_each_language_gets_its_own_blocks(client, trainee, curriculum):
    client.force_login(trainee)
    pl = page_url(curriculum[("pl", "alpha/listening")])
    en = page_url(curriculum[("en", "alpha/listening")])
    for _ in range(2):  # the second round comes from the cache
        polish = client.get(pl).content.decode()
        assert "Historia z praktyki" in polish and "Rozumienie wagi informacji" in polish
        response = client.post(reverse("set_language"), {"language": "en", "next": pl})
        assert response["Location"] == en
        english = client.get(en).content.decode()
        assert "Case story" in english and "Understanding the weight of information" in english
        assert "Historia z praktyki" not in english and "Rozumienie wagi informacji" not in english
        client.post(reverse("set_language"), {"language": "pl", "next": en})


def test_the_same_page_is_cached_per_language(curriculum):
    lesson = LessonPage.objects.get(pk=curriculum[("pl", "alpha/listening")].pk)
    rendered = {}
    for language in ("pl", "en", "pl"):
        with translation.override(language):
            case = next(block for block in lesson_fragments(lesson=lesson).blocks if block.block_type == "case")
            rendered.setdefault(language, case.html)
            assert case.html == rendered[language]
    assert "Jakie cechy pokazuje" in rendered["pl"] and "Traits it shows" in rendered["en"]


def test_a_renamed_competency_shows_in_cached_lessons(
    client, trainee, trainer, curriculum, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    lesson = page_url(curriculum[("pl", "alpha/listening")])
    assert "Sprawczość" in client.get(lesson).content.decode()  # a case story's trait
    assert "Empatia" in client.get(lesson).content.decode()  # the lesson's own badge
    with django_capture_on_commit_callbacks(execute=True):
        agency = Competency.objects.get(slug="agency")
        agency.name_pl = "Poczucie sprawczości"
        agency.save()
        empathy = Competency.objects.get(slug="empathy")
        empathy.name_pl = "Empatia wobec klienta"
        empathy.save()
    page = client.get(lesson).content.decode()
    assert "Poczucie sprawczości" in page and "Empatia wobec klienta" in page


def test_two_learners_never_see_each_others_answers_progress_or_tokens(make_user, team_a, curriculum):
    lesson = curriculum[("pl", "alpha/listening")]
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(make_user("learner_one", team=team_a, role=Role.TRAINEE, first_name="Olimpia", last_name="Pierwsza"))
    second.force_login(make_user("learner_two", team=team_a, role=Role.TRAINEE, first_name="Jan", last_name="Drugi"))
    save = reverse("courses:reflection_save", kwargs={"page_id": lesson.pk, "block_id": "think"})
    complete = reverse("courses:lesson_complete", kwargs={"page_id": lesson.pk})

    page = first.get(page_url(lesson)).content.decode()
    token = csrf_tokens(page)[0]
    assert first.post(save, {"r-think-answer": "Odpowiedź tylko Oli", "csrfmiddlewaretoken": token}).status_code == 302
    assert first.post(complete, {"csrfmiddlewaretoken": token}).status_code == 302
    page_one = first.get(page_url(lesson)).content.decode()
    assert "Odpowiedź tylko Oli" in page_one and 'data-testid="complete-lesson"' not in page_one

    page_two = second.get(page_url(lesson)).content.decode()
    assert "Odpowiedź tylko Oli" not in page_two and "Olimpia Pierwsza" not in page_two and "Jan Drugi" in page_two
    assert 'data-testid="complete-lesson"' in page_two and "Zapisz odpowiedź" in page_two
    assert "Ukończone lekcje: 0 z 3" in page_two
    # Every form on the second learner's page carries a token of the second learner's session.
    tokens = csrf_tokens(page_two)
    assert tokens and not set(tokens) & set(csrf_tokens(page_one))
    for token in tokens:
        response = second.post(save, {"r-think-answer": "Odpowiedź Jana", "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert "Odpowiedź Jana" not in first.get(page_url(lesson)).content.decode()
