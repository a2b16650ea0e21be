import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import CourseIndexPage, CoursePage, LessonPage, LessonProgress

from .conftest import page_url

# Query budgets of the pages, signed in, once Wagtail's caches are warm (the benchmark in
# bench/lesson_page.py counts the same). English costs one more: Wagtail looks up the
# translation of the site's (Polish) root page.
LESSON_BUDGET = {"pl": 12, "en": 13}  # with an embedded quiz and a roleplay invitation
COURSE_BUDGET = {"pl": 13, "en": 14}
INDEX_BUDGET = {"pl": 12, "en": 13}


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def test_course_pages_need_sign_in(client, curriculum):
    for key in ("", "alpha", "alpha/listening"):
        response = client.get(page_url(curriculum[("pl", key)]))
        assert response.status_code == 302
        assert response["Location"].startswith(url("login"))


def test_page_types_have_explicit_parent_and_child_rules():
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CoursePage.allowed_subpage_models() == [LessonPage]
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_subpage_models() == []


def test_lesson_renders_every_block_in_its_language(client, trainee, curriculum):
    client.force_login(trainee)
    pl = client.get(page_url(curriculum[("pl", "alpha/listening")])).content.decode()
    for text in ("Słuchanie klienta", "Klient mówi o <strong>opóźnieniu</strong>", "Dopytaj", "Sprawdzę to teraz.",
                 "Karta paliwowa", "Rozumienie wagi informacji", "Sprawczość", "Kiedy ostatnio słuchałeś?",
                 'name="r-think-answer"', "Oznacz lekcję jako ukończoną"):
        assert text in pl
    en = client.get(page_url(curriculum[("en", "alpha/listening")])).content.decode()
    for text in ("Listening to the customer", "a <strong>delay</strong>", "I will check now.", "The fuel card",
                 "Understanding the weight of information", "When did you last listen?", "Mark lesson as completed"):
        assert text in en


def test_lesson_with_a_quiz_embeds_it_and_one_without_shows_no_quiz(client, trainee, curriculum):
    client.force_login(trainee)
    with_quiz = client.get(page_url(curriculum[("en", "alpha/listening")])).content.decode()
    assert 'data-testid="quiz-panel"' in with_quiz and "Quiz Alpha" in with_quiz
    without = client.get(page_url(curriculum[("en", "alpha/closing")])).content.decode()
    assert "quiz-panel" not in without


def test_roleplay_slot_renders_nothing_by_default(client, trainee, curriculum):
    client.force_login(trainee)
    content = client.get(page_url(curriculum[("pl", "alpha/listening")])).content.decode()
    lesson = content[content.index('<div id="lesson"'):content.index("</article>")]
    assert "refund-delay" not in lesson and "roleplay" not in lesson.lower()


def test_calculator_and_video_blocks_render(client, trainee, curriculum):
    client.force_login(trainee)
    content = client.get(page_url(curriculum[("en", "alpha/measuring")])).content.decode()
    assert "Calculator: Service Level" in content and 'name="c-sl-calc-total"' in content
    assert 'name="c-nps-calc-promoters"' in content
    assert 'href="https://videos.example.com/service-level.mp4"' in content


@pytest.mark.parametrize("frm,to", [("pl", "en"), ("en", "pl")])
def test_language_switch_lands_on_the_translated_lesson(client, trainee, curriculum, frm, to):
    client.force_login(trainee)
    here = page_url(curriculum[(frm, "alpha/measuring")])
    response = client.post(reverse("set_language"), {"language": to, "next": here}, HTTP_ACCEPT_LANGUAGE="de")
    there = page_url(curriculum[(to, "alpha/measuring")])
    assert response["Location"] == there
    page = client.get(there)
    assert page.status_code == 200
    assert curriculum[(to, "alpha/measuring")].title in page.content.decode()


def test_lesson_urls_use_the_same_slugs_in_both_languages(curriculum):
    assert page_url(curriculum[("pl", "alpha/listening")]) == "/pl/learn/alpha/listening/"
    assert page_url(curriculum[("en", "alpha/listening")]) == "/en/learn/alpha/listening/"
    assert page_url(curriculum[("en", "")]) == "/en/learn/"


def test_next_and_previous_work_as_links_and_with_htmx(client, trainee, curriculum):
    client.force_login(trainee)
    middle = client.get(page_url(curriculum[("pl", "alpha/measuring")])).content.decode()
    first, last = page_url(curriculum[("pl", "alpha/listening")]), page_url(curriculum[("pl", "alpha/closing")])
    assert f'href="{first}" hx-get="{first}"' in middle
    assert f'href="{last}" hx-get="{last}"' in middle
    partial = client.get(last, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and '<div id="lesson"' in body
    assert "<title>Zamykanie rozmowy · Service Academy</title>" in body
    assert "HX-Request" in partial["Vary"]
    assert LessonProgress.objects.filter(learner=trainee, lesson_key=curriculum[("pl", "alpha/closing")].translation_key).exists()


def test_history_restore_gets_the_whole_page(client, trainee, curriculum):
    client.force_login(trainee)
    response = client.get(
        page_url(curriculum[("pl", "alpha/closing")]), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in response.content


def test_course_page_shows_facts_lessons_and_enrol_button(client, trainee, curriculum):
    client.force_login(trainee)
    content = client.get(page_url(curriculum[("en", "alpha")])).content.decode()
    for text in ("Course Alpha", "Summary of course Alpha.", "New agents.", "about 30 min", "lessons: 3",
                 "Required for readiness", "Empathy", "The three goals and their measures",
                 "Listening to the customer", "Enrol in this course"):
        assert text in content


def test_index_lists_courses_with_progress(client, trainee, curriculum):
    client.force_login(trainee)
    content = client.get(page_url(curriculum[("en", "")])).content.decode()
    assert "Course Alpha" in content and "Course Beta" in content
    assert "Lessons completed: 0 of 3" in content


def test_unknown_lesson_is_404(client, trainee, curriculum):
    client.force_login(trainee)
    assert client.get("/pl/learn/alpha/nope/").status_code == 404
    assert client.get("/pl/learn/nope/").status_code == 404


def test_draft_lesson_is_not_served(client, trainee, curriculum):
    client.force_login(trainee)
    lesson = curriculum[("pl", "alpha/closing")]
    lesson.unpublish()
    assert client.get("/pl/learn/alpha/closing/").status_code == 404
    outline = client.get(page_url(curriculum[("pl", "alpha/listening")])).content.decode()
    assert "Zamykanie rozmowy" not in outline


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_pages_render_under_a_fixed_query_budget(client, trainee, curriculum, django_assert_max_num_queries, lang):
    client.force_login(trainee)
    pages = [
        (curriculum[(lang, "")], INDEX_BUDGET[lang]),
        (curriculum[(lang, "alpha")], COURSE_BUDGET[lang]),
        (curriculum[(lang, "alpha/listening")], LESSON_BUDGET[lang]),  # a quiz, a roleplay, every block type
        (curriculum[(lang, "alpha/measuring")], LESSON_BUDGET[lang]),
    ]
    for page, budget in pages:
        # First view: builds a lesson's shell (outline, competencies), starts the lesson, enrols.
        with django_assert_max_num_queries(budget + 6):
            assert client.get(page_url(page)).status_code == 200
        with django_assert_max_num_queries(budget):
            assert client.get(page_url(page)).status_code == 200


def test_lesson_budget_does_not_grow_with_progress(client, trainee, curriculum, django_assert_max_num_queries):
    client.force_login(trainee)
    for key in ("alpha/listening", "alpha/measuring", "alpha/closing"):
        lesson = curriculum[("pl", key)]
        client.post(url("courses:lesson_complete", page_id=lesson.pk))
    with django_assert_max_num_queries(LESSON_BUDGET["pl"]):
        assert client.get(page_url(curriculum[("pl", "alpha/measuring")])).status_code == 200


def test_wagtail_view_restrictions_still_apply(client, trainee, curriculum):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    client.force_login(trainee)
    lesson = page_url(curriculum[("pl", "alpha/listening")])
    assert client.get(lesson).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=curriculum[("pl", "alpha")], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Pilot group"))
    assert client.get(lesson).status_code in (302, 403)
    assert client.get(page_url(curriculum[("pl", "alpha")])).status_code in (302, 403)
    assert client.get(page_url(curriculum[("pl", "beta/only")])).status_code == 200


def test_an_image_block_added_by_a_trainer_renders_with_its_alt_text(client, trainee, curriculum, settings, tmp_path):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = tmp_path
    image = Image.objects.create(title="Schemat", file=get_test_image_file())
    lesson = curriculum[("pl", "alpha/closing")]
    image_block = {"image": {"image": image.pk, "decorative": False, "alt_text": "Schemat procesu"}, "caption": "Trzy etapy"}
    lesson.body = [*lesson.body.raw_data, {"type": "image", "value": image_block, "id": "figure"}]
    lesson.save_revision().publish()
    client.force_login(trainee)
    content = client.get(page_url(lesson)).content.decode()
    assert 'alt="Schemat procesu"' in content and "<figcaption>Trzy etapy</figcaption>" in content
