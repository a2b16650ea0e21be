"""The shipped curriculum: validate courses/content/*.json and load it into Wagtail pages.

The Polish tree is the source; the English pages are its translations (same translation key,
same slugs), so the language switcher moves between /pl/learn/… and /en/learn/… of one page.
Loading is idempotent: each page remembers a fingerprint of the content it was loaded from, and
a page is rewritten only when that content changed (or with `force`), so edits a trainer made in
the admin survive the next `seed_demo`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

from .metrics import METRICS
from .models import CourseIndexPage, CoursePage, LessonPage

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGES = ("pl", "en")
SOURCE_LANGUAGE = "pl"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLOCK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TEXT_TAGS = {"p", "h3", "ul", "ol", "li", "strong", "em", "blockquote"}
BLOCK_TYPES = {"text", "takeaways", "compare", "case", "reflection", "calculator", "video"}
BLOCK_KEYS = {
    "takeaways": {"heading": str, "items": list},
    "compare": {"situation": str, "good": str, "bad": str, "why": str},
    "case": {"title": str, "situation": str, "what_happened": str, "why_it_matters": str},
    "reflection": {"prompt": str},
    "calculator": {"metric": str},
    "video": {"url": str},
}
INDEX_TITLES = {"pl": "Kursy", "en": "Courses"}
INDEX_INTROS = {
    "pl": "Wszystkie kursy Akademii Obsługi. Zacznij od przypisanych Ci kursów na stronie „Moja nauka”.",
    "en": "Every course of the Service Academy. Start with the ones assigned to you in “My learning”.",
}
INDEX_SLUG = "kursy"
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
TRAINER_IMAGE_PERMISSIONS = ("add_image", "choose_image")


class CurriculumError(Exception):
    """The content files are wrong; the message lists every problem found, file by file."""


# --- validation -----------------------------------------------------------------------------
class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag not in TEXT_TAGS:
            self.bad.add(f"<{tag}>")
        elif attrs:
            self.bad.add(f"<{tag}> with attributes")


def _text_problems(html: str) -> set[str]:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector.bad


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _str(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _validate_block(block, where: str, problems: _Problems) -> None:
    if not isinstance(block, dict):
        problems.add(where, "a block must be an object with type, id and value")
        return
    kind, value = block.get("type"), block.get("value")
    if kind not in BLOCK_TYPES:
        problems.add(where, f"unknown block type {kind!r} (expected one of {', '.join(sorted(BLOCK_TYPES))})")
        return
    if not isinstance(block.get("id"), str) or not BLOCK_ID.match(block["id"]):
        problems.add(where, f"block id {block.get('id')!r} must be 1–64 letters, digits, '-' or '_'")
    if kind == "text":
        if not _str(value):
            problems.add(where, "text block needs an HTML string")
        else:
            bad = _text_problems(value)
            if bad:
                problems.add(where, f"text uses {', '.join(sorted(bad))}; allowed: {', '.join(sorted(TEXT_TAGS))}")
        return
    if not isinstance(value, dict):
        problems.add(where, f"{kind} block value must be an object")
        return
    for key, kind_of in BLOCK_KEYS[kind].items():
        item = value.get(key)
        if kind_of is str and not _str(item):
            problems.add(where, f"{kind} block needs a non-empty {key!r}")
        if kind_of is list and (not isinstance(item, list) or not item or not all(_str(x) for x in item)):
            problems.add(where, f"{kind} block needs {key!r}: a non-empty list of texts")
    if kind == "case" and not isinstance(value.get("traits", []), list):
        problems.add(where, "case traits must be a list of competency slugs")
    if kind == "calculator" and value.get("metric") not in METRICS:
        problems.add(where, f"calculator metric {value.get('metric')!r} is not one of {', '.join(METRICS)}")
    if kind == "video" and not str(value.get("url", "")).startswith("https://"):
        problems.add(where, "video url must be an https:// address")


def _validate_language(data, where: str, keys: tuple[str, ...], problems: _Problems) -> None:
    for language in LANGUAGES:
        part = data.get(language)
        if not isinstance(part, dict):
            problems.add(where, f"missing the {language!r} object")
            continue
        for key in keys:
            if key == "body":
                continue
            if not _str(part.get(key)):
                problems.add(where, f"{language}.{key} is missing or empty")


def _validate_lesson(lesson, where: str, problems: _Problems) -> None:
    if not isinstance(lesson, dict):
        problems.add(where, "a lesson must be an object")
        return
    if not isinstance(lesson.get("slug"), str) or not SLUG.match(lesson["slug"]):
        problems.add(where, f"lesson slug {lesson.get('slug')!r} must be lowercase letters, digits and hyphens")
    where = f"{where} ({lesson.get('slug')})"
    if not isinstance(lesson.get("estimated_minutes"), int) or lesson["estimated_minutes"] <= 0:
        problems.add(where, "estimated_minutes must be a positive whole number")
    if not isinstance(lesson.get("competencies", []), list):
        problems.add(where, "competencies must be a list of slugs")
    for key in ("quiz", "roleplay"):
        if key in lesson and lesson[key] is not None and not _str(lesson[key]):
            problems.add(where, f"{key} must be a slug")
    _validate_language(lesson, where, ("title", "intro", "body"), problems)
    bodies = {}
    for language in LANGUAGES:
        body = (lesson.get(language) or {}).get("body")
        if not isinstance(body, list) or not body:
            problems.add(where, f"{language}.body must be a non-empty list of blocks")
            continue
        bodies[language] = body
        ids = [b.get("id") for b in body if isinstance(b, dict)]
        if len(ids) != len(set(ids)):
            problems.add(where, f"{language}.body repeats a block id")
        for number, block in enumerate(body, 1):
            _validate_block(block, f"{where} {language}.body[{number}]", problems)
    if len(bodies) == 2:
        pl, en = bodies["pl"], bodies["en"]
        shape = [(b.get("type"), b.get("id")) if isinstance(b, dict) else None for b in pl]
        other = [(b.get("type"), b.get("id")) if isinstance(b, dict) else None for b in en]
        if shape != other:
            problems.add(
                where,
                "pl.body and en.body must list the same blocks (type and id) in the same order; "
                f"pl: {[s for s in shape]}, en: {[s for s in other]}",
            )
        else:
            for number, (a, b) in enumerate(zip(pl, en, strict=True), 1):
                if a.get("type") == "calculator" and (a.get("value") or {}).get("metric") != (b.get("value") or {}).get("metric"):
                    problems.add(where, f"block {number}: the calculator metric differs between pl and en")


def validate_course(data, name: str, problems: _Problems) -> None:
    if not isinstance(data, dict):
        problems.add(name, "the file must hold one course object")
        return
    if not isinstance(data.get("slug"), str) or not SLUG.match(data["slug"]):
        problems.add(name, f"course slug {data.get('slug')!r} must be lowercase letters, digits and hyphens")
    if not isinstance(data.get("order"), int):
        problems.add(name, "order must be a whole number")
    if not isinstance(data.get("required"), bool):
        problems.add(name, "required must be true or false")
    if not isinstance(data.get("estimated_minutes"), int) or data["estimated_minutes"] <= 0:
        problems.add(name, "estimated_minutes must be a positive whole number")
    if not isinstance(data.get("competencies", []), list):
        problems.add(name, "competencies must be a list of slugs")
    _validate_language(data, name, ("title", "summary", "audience"), problems)
    lessons = data.get("lessons")
    if not isinstance(lessons, list) or not lessons:
        problems.add(name, "lessons must be a non-empty list")
        return
    slugs = [lesson.get("slug") for lesson in lessons if isinstance(lesson, dict)]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.add(name, f"two lessons use the slug {slug!r}")
    for number, lesson in enumerate(lessons, 1):
        _validate_lesson(lesson, f"{name} lesson {number}", problems)


def read_curriculum(directory: Path = CONTENT_DIR) -> list[dict]:
    """Every course file, parsed and validated, in course order; raises CurriculumError."""
    problems = _Problems()
    courses = []
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise CurriculumError(f"No course files (*.json) in {directory}.")
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            problems.add(path.name, f"cannot be read: {error}")
            continue
        except json.JSONDecodeError as error:
            problems.add(path.name, f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
            continue
        validate_course(data, path.name, problems)
        if isinstance(data, dict):
            data["_file"] = path.name
            courses.append(data)
    seen: dict[str, str] = {}
    for course in courses:
        slug = course.get("slug")
        if slug in seen:
            problems.add(course["_file"], f"course slug {slug!r} is also used by {seen[slug]}")
        seen[slug] = course["_file"]
    if problems.items:
        raise CurriculumError(
            f"The curriculum in {directory} has {len(problems.items)} problem(s):\n  - " + "\n  - ".join(problems.items)
        )
    return sorted(courses, key=lambda c: (c["order"], c["slug"]))


# --- loading --------------------------------------------------------------------------------
@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _stable_id(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "service-academy/" + "/".join(parts)))


class _Loader:
    def __init__(self, *, force: bool, report: LoadReport):
        self.force = force
        self.report = report
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        self.competencies = {}
        if apps.is_installed("assessments"):
            Competency = apps.get_model("assessments", "Competency")
            self.competencies = {c.slug: c for c in Competency.objects.all()}
        if not self.competencies:
            self.report.warnings.append(
                "No competencies are loaded (run load_competencies first): pages are created without competencies."
            )
        self.quiz_model = self._quiz_model()
        self.quizzes = {q.slug: q for q in self.quiz_model.objects.all()} if self.quiz_model else {}

    @staticmethod
    def _quiz_model():
        field_names = {f.name for f in LessonPage._meta.get_fields()}
        if "quiz" not in field_names:
            return None
        return LessonPage._meta.get_field("quiz").related_model

    # references --------------------------------------------------------------------------
    def competency_ids(self, slugs, where: str) -> list[int]:
        if not self.competencies:
            return []
        unknown = [slug for slug in slugs if slug not in self.competencies]
        if unknown:
            raise CurriculumError(
                f"{where}: unknown competency slug(s) {', '.join(map(repr, unknown))} "
                "(not in assessments/content/competencies.json, or load_competencies has not run)"
            )
        return sorted(self.competencies[slug].pk for slug in slugs)

    def quiz_for(self, slug, where: str, *, warn: bool = True):
        if not slug or self.quiz_model is None:
            return None
        quiz = self.quizzes.get(slug)
        if quiz is None and warn:
            self.report.warnings.append(f"{where}: quiz {slug!r} is not loaded; the lesson shows no quiz yet.")
        return quiz

    # pages ---------------------------------------------------------------------------------
    def save(self, page: Page, *, parent: Page | None, fingerprint: str, fields: dict, m2m: dict) -> Page:
        """Create the page under `parent`, or update it when its content changed; publish."""
        if page.pk and page.source_fingerprint == fingerprint and not self.force:
            self.report.unchanged += 1
            return page
        for name, value in fields.items():
            setattr(page, name, value)
        page.source_fingerprint = fingerprint
        if page.pk:
            self.report.updated += 1
        else:
            self.report.created += 1
            parent.add_child(instance=page)
        for name, ids in m2m.items():  # parental relations are stored with the revision
            setattr(page, name, ids)
        page.save_revision(log_action=False).publish(log_action=False)
        return page

    def translation(self, source: Page, model, language: str) -> Page:
        """The page's translation in `language` (copied from the source page when missing)."""
        locale = self.locales[language]
        existing = model.objects.filter(translation_key=source.translation_key, locale=locale).first()
        if existing is not None:
            return existing
        copy = model.objects.get(pk=source.copy_for_translation(locale).pk)
        copy.source_fingerprint = ""  # a fresh copy is a draft: always fill and publish it
        return copy

    def index(self) -> dict[str, CourseIndexPage]:
        root = Page.get_first_root_node()
        pl = self.locales[SOURCE_LANGUAGE]
        pages: dict[str, CourseIndexPage] = {}
        for language in LANGUAGES:
            if language == SOURCE_LANGUAGE:
                page = CourseIndexPage.objects.filter(locale=pl, depth=2).order_by("path").first()
                page = page or CourseIndexPage(slug=INDEX_SLUG, locale=pl)
            else:
                page = self.translation(pages[SOURCE_LANGUAGE], CourseIndexPage, language)
            fields = {"title": INDEX_TITLES[language], "intro": INDEX_INTROS[language]}
            pages[language] = self.save(
                page, parent=root, fingerprint=_fingerprint("index", language, fields), fields=fields, m2m={}
            )
        return pages

    def course(self, data: dict, indexes: dict[str, CourseIndexPage]) -> None:
        where = data["_file"]
        competencies = self.competency_ids(data.get("competencies", []), where)
        pages: dict[str, CoursePage] = {}
        for language in LANGUAGES:
            text = data[language]
            if language == SOURCE_LANGUAGE:
                page = CoursePage.objects.child_of(indexes[language]).filter(slug=data["slug"]).first()
                page = page or CoursePage(slug=data["slug"], locale=self.locales[language])
            else:
                page = self.translation(pages[SOURCE_LANGUAGE], CoursePage, language)
            fields = {
                "title": text["title"],
                "slug": data["slug"],
                "summary": text["summary"],
                "audience": text.get("audience", ""),
                "estimated_minutes": data["estimated_minutes"],
                "required": data["required"],
            }
            pages[language] = self.save(
                page, parent=indexes[language],
                fingerprint=_fingerprint("course", language, fields, competencies),
                fields=fields, m2m={"competencies": competencies},
            )
        slugs = [lesson["slug"] for lesson in data["lessons"]]
        for language in LANGUAGES:  # the Polish lessons first: the English ones are their copies
            for number, lesson in enumerate(data["lessons"], 1):
                self.lesson(lesson, language, pages, f"{where} lesson {number} ({lesson['slug']})")
            _order_children(pages[language], slugs)

    def lesson(self, data: dict, language: str, courses: dict[str, CoursePage], where: str) -> None:
        text = data[language]
        competencies = self.competency_ids(data.get("competencies", []), where)
        if language == SOURCE_LANGUAGE:
            page = LessonPage.objects.child_of(courses[language]).filter(slug=data["slug"]).first()
            page = page or LessonPage(slug=data["slug"], locale=self.locales[language])
        else:
            source = LessonPage.objects.child_of(courses[SOURCE_LANGUAGE]).get(slug=data["slug"])
            page = self.translation(source, LessonPage, language)
        fields = {
            "title": text["title"],
            "slug": data["slug"],
            "intro": text.get("intro", ""),
            "body": self.body(text["body"], where=f"{where} {language}", lesson_slug=data["slug"]),
            "estimated_minutes": data["estimated_minutes"],
            "roleplay_scenario": data.get("roleplay") or "",
        }
        if self.quiz_model is not None:
            quiz = self.quiz_for(data.get("quiz"), where, warn=language == SOURCE_LANGUAGE)
            fields["quiz"] = quiz
        fingerprint = _fingerprint(
            "lesson", language, {k: v for k, v in fields.items() if k != "quiz"}, competencies,
            fields["quiz"].pk if fields.get("quiz") else None,
        )
        self.save(page, parent=courses[language], fingerprint=fingerprint, fields=fields,
                  m2m={"competencies": competencies})

    def body(self, blocks: list[dict], *, where: str, lesson_slug: str) -> list[dict]:
        stream = []
        for block in blocks:
            kind, value, block_id = block["type"], block["value"], block["id"]
            if kind == "text":
                value = value.strip()
            elif kind == "takeaways":
                value = {
                    "heading": value["heading"],
                    "items": [
                        {"type": "item", "value": item, "id": _stable_id(lesson_slug, block_id, str(n))}
                        for n, item in enumerate(value["items"])
                    ],
                }
            elif kind == "case":
                traits = list(value.get("traits", []))
                self.competency_ids(traits, f"{where} block {block_id!r}")  # only checks the slugs
                value = {
                    "title": value["title"],
                    "situation": value["situation"],
                    "what_happened": value["what_happened"],
                    "why_it_matters": value["why_it_matters"],
                    "traits": traits,
                }
            elif kind == "compare":
                value = {key: value[key] for key in ("situation", "good", "bad", "why")}
            elif kind == "reflection":
                value = {"prompt": value["prompt"]}
            elif kind == "calculator":
                value = {"metric": value["metric"], "intro": value.get("intro", "")}
            elif kind == "video":
                value = {"url": value["url"], "caption": value.get("caption", "")}
            stream.append({"type": kind, "value": value, "id": block_id})
        return stream

def _make_site_root(index: CourseIndexPage, report: LoadReport) -> None:
    """The Polish course index becomes the site's root page; Wagtail's welcome page goes."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, site_name="Service Academy",
                            root_page=index, is_default_site=True)
        return
    previous = site.root_page
    if previous.pk != index.pk:
        site.root_page = index
        site.site_name = site.site_name or "Service Academy"
        site.save()
        previous = previous.specific
        welcome = type(previous) is Page and previous.depth == 2 and not previous.get_children().exists()
        if welcome and not Site.objects.filter(root_page=previous).exists():
            previous.delete()
            report.notes.append("Replaced Wagtail's welcome page with the course index as the site root.")


def _grant_trainers(indexes: dict[str, Page]) -> None:
    """Trainers add, edit, publish and translate course pages and use images in lessons."""
    from academy.services import trainers_group

    group = trainers_group()
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=TRAINER_PAGE_PERMISSIONS
    )
    for page in indexes.values():
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    # "Translate" in the page menu: a lesson a trainer adds in Polish gets its English copy.
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="simple_translation", codename="submit_translation")
    )
    root = Collection.get_first_root_node()
    if root is not None:
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailimages", codename__in=TRAINER_IMAGE_PERMISSIONS
        ):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


DEMO_TEAMS = ("kontakt-warszawa", "kontakt-krakow")
DEMO_DUE_DAYS = (14, 30, 45)


def _assign_demo_courses(report: LoadReport) -> None:
    """On a demo install (seed_demo's teams exist), give each demo team its required courses
    with due dates, once: a team that already has assignments is left alone."""
    from academy.models import Role, Team

    from .services import assignment_save

    required = list(
        CoursePage.objects.filter(locale__language_code=SOURCE_LANGUAGE, required=True).live().order_by("path")
    )
    today = timezone.localdate()
    for team in Team.objects.filter(slug__in=DEMO_TEAMS).prefetch_related("memberships__user"):
        if team.course_assignments.exists():
            continue
        trainer = next((m.user for m in team.memberships.all() if m.role == Role.TRAINER), None)
        for course, days in zip(required, DEMO_DUE_DAYS, strict=False):
            assignment_save(
                assigned_by=trainer, course_key=course.translation_key, team=team,
                due_date=today + datetime.timedelta(days=days),
            )
        report.notes.append(f"Assigned {min(len(required), len(DEMO_DUE_DAYS))} required courses to the demo team {team}.")


def load_curriculum(*, directory: Path = CONTENT_DIR, force: bool = False, demo: bool = True) -> LoadReport:
    """Validate every course file, then create or update the pages (all or nothing)."""
    courses = read_curriculum(directory)
    report = LoadReport()
    with transaction.atomic():
        loader = _Loader(force=force, report=report)
        indexes = loader.index()
        _make_site_root(indexes[SOURCE_LANGUAGE], report)
        for course in courses:
            loader.course(course, indexes)
        for index in indexes.values():
            _order_children(index, [c["slug"] for c in courses])
        _grant_trainers(indexes)
        if demo:
            _assign_demo_courses(report)
    return report


def _order_children(parent: Page, slugs: list[str]) -> None:
    """Put the loaded children in the order of the content files (pages a trainer added stay first)."""
    children = list(Page.objects.child_of(parent).filter(slug__in=slugs).order_by("path"))
    if [child.slug for child in children] == [slug for slug in slugs if slug in {c.slug for c in children}]:
        return
    by_slug = {child.slug: child.pk for child in children}
    for slug in slugs:
        if slug in by_slug:
            Page.objects.get(pk=by_slug[slug]).move(parent, pos="last-child")
