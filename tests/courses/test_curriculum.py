import json

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision, Site

from academy.services import trainers_group
from courses.curriculum import CONTENT_DIR, CurriculumError, load_curriculum, read_curriculum
from courses.models import CourseIndexPage, CoursePage, LessonPage

from .conftest import write_curriculum


def test_shipped_curriculum_files_are_valid():
    courses = read_curriculum(CONTENT_DIR)
    assert [c["slug"] for c in courses] == [
        "ten-traits", "high-level-cases", "three-goals", "service-environment", "ultra-distance"
    ]
    ten_traits = courses[0]
    trait_lessons = {lesson["slug"] for lesson in ten_traits["lessons"]}
    for trait in ("communication", "empathy", "information", "extraversion", "responsibility",
                  "discretion", "kindness", "humour", "agency", "courage"):
        assert trait in trait_lessons, f"the ten-traits course has no lesson on {trait}"


def test_polish_tree_is_the_site_root_and_english_pages_are_its_translations(curriculum):
    pl_index, en_index = curriculum[("pl", "")], curriculum[("en", "")]
    assert Site.objects.get(is_default_site=True).root_page_id == pl_index.pk
    assert en_index.translation_key == pl_index.translation_key
    assert not Page.objects.filter(depth=2).exclude(pk__in=[pl_index.pk, en_index.pk]).exists()  # welcome page gone
    for key in ("alpha", "alpha/listening", "alpha/measuring", "alpha/closing", "beta", "beta/only"):
        pl, en = curriculum[("pl", key)], curriculum[("en", key)]
        assert pl.translation_key == en.translation_key
        assert pl.slug == en.slug
        assert pl.live and en.live
        assert pl.title != en.title
    listening = curriculum[("en", "alpha/listening")]
    assert listening.title == "Listening to the customer"
    assert [b.block_type for b in listening.body] == ["text", "takeaways", "compare", "case", "reflection"]
    assert [b.id for b in listening.body] == [b.id for b in curriculum[("pl", "alpha/listening")].body]
    assert listening.quiz.slug == "quiz-alpha"
    assert listening.roleplay_scenario == "refund-delay"
    assert sorted(c.slug for c in listening.competencies.all()) == ["empathy"]
    alpha = curriculum[("pl", "alpha")]
    assert alpha.required and alpha.estimated_minutes == 30
    assert sorted(c.slug for c in alpha.competencies.all()) == ["empathy", "goals-metrics"]


def test_lessons_keep_the_order_of_the_file(curriculum):
    for language in ("pl", "en"):
        course = curriculum[(language, "alpha")]
        assert [p.slug for p in course.get_children()] == ["listening", "measuring", "closing"]


def test_loading_twice_changes_nothing(curriculum, curriculum_dir):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    report = load_curriculum(directory=curriculum_dir, demo=False)
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == CourseIndexPage.objects.count() + CoursePage.objects.count() + LessonPage.objects.count()
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_admin_edits_survive_a_reload_until_the_shipped_file_changes(curriculum, curriculum_dir, mini):
    lesson = curriculum[("pl", "alpha/closing")]
    lesson.title = "Tytuł poprawiony przez trenera"
    lesson.save_revision().publish()
    load_curriculum(directory=curriculum_dir, demo=False)
    lesson.refresh_from_db()
    assert lesson.title == "Tytuł poprawiony przez trenera"

    mini[0]["lessons"][2]["pl"]["title"] = "Nowy tytuł z pliku"
    write_curriculum(curriculum_dir, mini)
    report = load_curriculum(directory=curriculum_dir, demo=False)
    assert report.updated == 1
    lesson.refresh_from_db()
    assert lesson.title == "Nowy tytuł z pliku"


def test_a_new_lesson_in_the_file_is_added_in_both_languages(curriculum, curriculum_dir, mini):
    extra = json.loads(json.dumps(mini[1]["lessons"][0]))
    extra["slug"] = "second"
    mini[1]["lessons"].insert(0, extra)
    write_curriculum(curriculum_dir, mini)
    load_curriculum(directory=curriculum_dir, demo=False)
    for language in ("pl", "en"):
        course = CoursePage.objects.get(slug="beta", locale__language_code=language)
        assert [p.slug for p in course.get_children()] == ["second", "only"]


def test_trainers_may_add_edit_and_publish_course_pages_in_both_languages(curriculum):
    codenames = set(
        trainers_group().page_permissions.filter(page__in=[curriculum[("pl", "")], curriculum[("en", "")]])
        .values_list("permission__codename", flat=True)
    )
    assert codenames == {"add_page", "change_page", "publish_page"}
    assert trainers_group().permissions.filter(codename="submit_translation").exists()


@pytest.mark.parametrize(
    "change,expected",
    [
        (lambda c: c[0]["lessons"][0]["en"]["body"].pop(), "pl.body and en.body must list the same blocks"),
        (lambda c: c[0]["lessons"][0]["pl"]["body"][0].update(type="poll"), "unknown block type 'poll'"),
        (lambda c: c[0]["lessons"][0]["pl"]["body"][0].update(value="<p onclick='x'>a</p><table></table>"),
         "text uses <p> with attributes, <table>"),
        (lambda c: c[0]["lessons"][1]["pl"]["body"][1]["value"].update(metric="aht"), "calculator metric 'aht'"),
        (lambda c: c[0]["lessons"][0]["en"].update(title=""), "en.title is missing or empty"),
        (lambda c: c[0]["lessons"][1].update(slug="listening"), "two lessons use the slug 'listening'"),
        (lambda c: c[1].update(slug="alpha"), "course slug 'alpha' is also used by 01-alpha.json"),
    ],
)
def test_a_wrong_file_fails_with_a_message_naming_file_and_lesson(tmp_path, mini, change, expected):
    change(mini)
    directory = write_curriculum(tmp_path / "bad", mini)
    with pytest.raises(CurriculumError) as error:
        read_curriculum(directory)
    assert expected in str(error.value)


def test_broken_json_is_reported_with_its_line(tmp_path, mini):
    directory = write_curriculum(tmp_path / "bad", mini)
    (directory / "03-broken.json").write_text('{"slug": "x",\n  "order": }', encoding="utf-8")
    with pytest.raises(CurriculumError, match=r"03-broken.json: is not valid JSON: .* line 2"):
        read_curriculum(directory)


def test_the_command_fails_clearly_and_loads_nothing(db, tmp_path, mini):
    mini[0]["lessons"][0]["pl"]["body"][0]["type"] = "poll"
    directory = write_curriculum(tmp_path / "bad", mini)
    with pytest.raises(CommandError, match="01-alpha.json lesson 1 \\(listening\\) pl.body\\[1\\]"):
        call_command("load_curriculum", dir=directory)
    assert not CoursePage.objects.exists()


def test_unknown_competency_fails_clearly_and_rolls_back(competencies, quiz, tmp_path, mini):
    mini[0]["lessons"][0]["competencies"] = ["telepathy"]
    directory = write_curriculum(tmp_path / "bad", mini)
    with pytest.raises(CurriculumError, match="unknown competency slug\\(s\\) 'telepathy'"):
        load_curriculum(directory=directory, demo=False)
    assert not CoursePage.objects.exists()


def test_a_quiz_that_is_not_loaded_is_a_warning(competencies, curriculum_dir):
    report = load_curriculum(directory=curriculum_dir, demo=False)
    assert any("quiz 'quiz-alpha' is not loaded" in warning for warning in report.warnings)
    assert LessonPage.objects.get(slug="listening", locale__language_code="pl").quiz is None


def test_check_option_only_validates(db, curriculum_dir, capsys):
    call_command("load_curriculum", dir=curriculum_dir, check=True)
    assert "2 courses, 4 lessons: valid." in capsys.readouterr().out
    assert not CoursePage.objects.exists()


def test_demo_teams_get_their_required_courses_once(curriculum, curriculum_dir, make_team):
    from academy.models import Team
    from courses.models import CourseAssignment

    Team.objects.create(name="Kontakt Warszawa", slug="kontakt-warszawa")
    load_curriculum(directory=curriculum_dir)
    load_curriculum(directory=curriculum_dir)
    assignment = CourseAssignment.objects.get()
    assert assignment.course_key == curriculum[("pl", "alpha")].translation_key
    assert assignment.learner is None


def test_the_whole_shipped_curriculum_loads_twice(db):
    call_command("load_competencies", verbosity=0)
    call_command("load_assessments", verbosity=0)
    first = load_curriculum()
    assert not [w for w in first.warnings if "quiz" in w]
    assert CoursePage.objects.filter(locale__language_code="en").count() == 5
    assert LessonPage.objects.filter(locale__language_code="pl").count() == LessonPage.objects.filter(
        locale__language_code="en"
    ).count() == sum(len(c["lessons"]) for c in read_curriculum())
    second = load_curriculum()
    assert (second.created, second.updated) == (0, 0)
