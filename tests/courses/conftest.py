import copy
import json

import pytest
from django.utils import translation
from wagtail.models import Locale

from assessments.models import Competency
from courses.curriculum import load_curriculum
from courses.models import CourseIndexPage, CoursePage, LessonPage

COMPETENCIES = [
    ("empathy", "trait", "Empatia", "Empathy"),
    ("information", "trait", "Rozumienie wagi informacji", "Understanding the weight of information"),
    ("agency", "trait", "Sprawczość", "Agency"),
    ("goals-metrics", "knowledge", "Trzy cele obsługi i ich mierniki", "The three goals and their measures"),
]


def block(kind, block_id, pl, en):
    return {"type": kind, "id": block_id, "value": pl}, {"type": kind, "id": block_id, "value": en}


def lesson(slug, title_pl, title_en, blocks, **extra):
    return {
        "slug": slug,
        "estimated_minutes": 10,
        "competencies": extra.pop("competencies", ["empathy"]),
        **extra,
        "pl": {"title": title_pl, "intro": f"Wstęp: {title_pl}", "body": [b[0] for b in blocks]},
        "en": {"title": title_en, "intro": f"Intro: {title_en}", "body": [b[1] for b in blocks]},
    }


def mini_curriculum() -> list[dict]:
    """Two small courses that use every block type the loader knows."""
    alpha = {
        "slug": "alpha",
        "order": 1,
        "required": True,
        "estimated_minutes": 30,
        "competencies": ["empathy", "goals-metrics"],
        "pl": {"title": "Kurs Alfa", "summary": "Podsumowanie kursu Alfa.", "audience": "Nowi konsultanci."},
        "en": {"title": "Course Alpha", "summary": "Summary of course Alpha.", "audience": "New agents."},
        "lessons": [
            lesson(
                "listening", "Słuchanie klienta", "Listening to the customer",
                [
                    block("text", "intro", "<h3>Cisza</h3><p>Klient mówi o <strong>opóźnieniu</strong>.</p>",
                          "<h3>Silence</h3><p>The customer talks about a <strong>delay</strong>.</p>"),
                    block("takeaways", "key", {"heading": "Najważniejsze", "items": ["Słuchaj", "Dopytaj"]},
                          {"heading": "Key points", "items": ["Listen", "Ask"]}),
                    block("compare", "reply",
                          {"situation": "Gdzie jest paczka?", "good": "Sprawdzę to teraz.", "bad": "Nie wiem.",
                           "why": "Daje następny krok."},
                          {"situation": "Where is my parcel?", "good": "I will check now.", "bad": "No idea.",
                           "why": "It offers a next step."}),
                    block("case", "story",
                          {"title": "Karta paliwowa", "situation": "Klient w trasie.", "what_happened": "Brak karty.",
                           "why_it_matters": "Informacja.", "traits": ["information", "agency"]},
                          {"title": "The fuel card", "situation": "A customer on the road.",
                           "what_happened": "No card.", "why_it_matters": "Information.",
                           "traits": ["information", "agency"]}),
                    block("reflection", "think", {"prompt": "Kiedy ostatnio słuchałeś?"},
                          {"prompt": "When did you last listen?"}),
                ],
                quiz="quiz-alpha",
                roleplay="refund-delay",
            ),
            lesson(
                "measuring", "Mierzenie dostępności", "Measuring availability",
                [
                    block("text", "sl", "<p>Service Level to odsetek kontaktów.</p>",
                          "<p>Service Level is a share of contacts.</p>"),
                    block("calculator", "sl-calc", {"metric": "service_level", "intro": "Wpisz liczby."},
                          {"metric": "service_level", "intro": "Enter the numbers."}),
                    block("calculator", "nps-calc", {"metric": "nps", "intro": "Policz NPS."},
                          {"metric": "nps", "intro": "Work out NPS."}),
                    block("video", "film", {"url": "https://videos.example.com/service-level.mp4", "caption": "Film"},
                          {"url": "https://videos.example.com/service-level.mp4", "caption": "Video"}),
                ],
                competencies=["goals-metrics"],
            ),
            lesson(
                "closing", "Zamykanie rozmowy", "Closing the conversation",
                [block("text", "end", "<p>Podsumuj ustalenia.</p>", "<p>Sum up what was agreed.</p>")],
            ),
        ],
    }
    beta = {
        "slug": "beta",
        "order": 2,
        "required": False,
        "estimated_minutes": 10,
        "competencies": [],
        "pl": {"title": "Kurs Beta", "summary": "Kurs dla chętnych.", "audience": "Liderzy."},
        "en": {"title": "Course Beta", "summary": "An optional course.", "audience": "Team leads."},
        "lessons": [
            lesson("only", "Jedyna lekcja", "The only lesson",
                   [block("text", "t", "<p>Treść kursu Beta o zegarach.</p>", "<p>Beta course about clocks.</p>")]),
        ],
    }
    return [alpha, beta]


def write_curriculum(directory, courses):
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.json"):
        path.unlink()
    for course in courses:
        (directory / f"{course['order']:02d}-{course['slug']}.json").write_text(
            json.dumps(course, ensure_ascii=False), encoding="utf-8"
        )
    return directory


@pytest.fixture
def competencies(db):
    return {
        slug: Competency.objects.create(slug=slug, kind=kind, order=n, name_pl=pl, name_en=en)
        for n, (slug, kind, pl, en) in enumerate(COMPETENCIES)
    }


@pytest.fixture
def quiz(db):
    from assessments.models import Quiz

    return Quiz.objects.create(slug="quiz-alpha", title_pl="Quiz Alfa", title_en="Quiz Alpha", pass_mark=60)


@pytest.fixture
def curriculum_dir(tmp_path):
    return write_curriculum(tmp_path / "content", mini_curriculum())


@pytest.fixture
def curriculum(db, competencies, quiz, curriculum_dir):
    """The mini curriculum loaded: returns a dict of pages by (language, slug path)."""
    Locale.objects.get_or_create(language_code="en")
    load_curriculum(directory=curriculum_dir, demo=False)
    pages = {}
    for model in (CourseIndexPage, CoursePage, LessonPage):
        for page in model.objects.select_related("locale"):
            key = page.url_path.strip("/").split("/", 1)[1] if page.depth > 2 else ""
            pages[(page.locale.language_code, key)] = page
    return pages


@pytest.fixture
def mini():
    return copy.deepcopy(mini_curriculum())


def page_url(page, lang=None):
    with translation.override(lang or page.locale.language_code):
        return page.get_url()
