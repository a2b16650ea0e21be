"""Reads: courses with a learner's progress, lesson navigation, assignments, reflections, search.

Every function here runs a fixed number of queries whatever the number of courses or lessons
(tests assert the page budgets): lists are fetched in bulk, per-learner facts ride along as
subquery annotations, and the rest is joined in Python.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from wagtail.models import Locale, Page

from academy import access
from academy.i18n import current_language
from academy.models import Membership, Role, Team, User
from assessments.models import Competency
from assessments.selectors import quiz_status

from .fragments import lesson_fragments
from .metrics import METRICS
from .models import CourseAssignment, CoursePage, Enrolment, LessonPage, LessonProgress, ReflectionAnswer
from .parts import CSRF_MARKER, block_part, entry_mark, entry_state, learner_parts
from .statements import outline_rows, reflection_answers


# --- courses and progress -------------------------------------------------------------------
@dataclass
class DueDate:
    date: datetime.date
    personal: bool = False

    @property
    def overdue(self) -> bool:
        return self.date < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.date - timezone.localdate()).days


@dataclass
class LessonStatus:
    page: Page
    progress: LessonProgress | None = None

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)

    @property
    def started(self) -> bool:
        return self.progress is not None

    @property
    def state(self) -> str:
        return progress_state(self.progress)


def progress_state(progress: LessonProgress | None) -> str:
    return "completed" if progress and progress.completed_at else "started" if progress else "new"


@dataclass
class CourseSummary:
    course: CoursePage
    lessons: list[LessonStatus] = field(default_factory=list)
    enrolled: bool = False
    due: DueDate | None = None

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def completed(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.completed)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(lesson.started for lesson in self.lessons)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.completed == self.total

    @property
    def assigned(self) -> bool:
        return self.due is not None

    @property
    def seconds_spent(self) -> int:
        return sum(lesson.progress.seconds_spent for lesson in self.lessons if lesson.progress)

    @property
    def resume(self) -> LessonStatus | None:
        return resume_lesson(self.lessons)


def resume_lesson(lessons: list[LessonStatus]) -> LessonStatus | None:
    """Where the learner left off: the lesson last open if unfinished, else the next unfinished
    one after it (wrapping round), else nothing (every lesson is done)."""
    if not lessons:
        return None
    seen = [lesson for lesson in lessons if lesson.progress]
    if not seen:
        return lessons[0]
    last = max(seen, key=lambda lesson: lesson.progress.last_seen_at)
    if not last.completed:
        return last
    index = lessons.index(last)
    for lesson in lessons[index + 1:] + lessons[:index]:
        if not lesson.completed:
            return lesson
    return None


def _lessons_by_course(courses: list[Page]) -> dict[int, list[LessonPage]]:
    """Live lessons of each course, in tree order, without their bodies (one query)."""
    if not courses:
        return {}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    lessons = (
        LessonPage.objects.live()
        .filter(condition)
        .only("id", "title", "slug", "path", "depth", "url_path", "translation_key", "locale_id",
              "estimated_minutes", "live", "content_type_id")
        .order_by("path")
    )
    by_parent_path = defaultdict(list)
    for lesson in lessons:
        by_parent_path[lesson.path[: -Page.steplen]].append(lesson)
    return {course.pk: by_parent_path.get(course.path, []) for course in courses}


def _with_learner_facts(courses: QuerySet, user) -> QuerySet:
    """Annotate each course with the user's enrolment and due dates (same query)."""
    personal = CourseAssignment.objects.filter(course_key=OuterRef("translation_key"), learner=user)
    team = CourseAssignment.objects.filter(
        course_key=OuterRef("translation_key"),
        learner__isnull=True,
        team__memberships__user=user,
        team__memberships__role=Role.TRAINEE,
    )
    return courses.annotate(
        is_enrolled=Exists(Enrolment.objects.filter(learner=user, course_key=OuterRef("translation_key"))),
        personal_due=Subquery(personal.order_by("due_date").values("due_date")[:1]),
        team_due=Subquery(team.order_by("due_date").values("due_date")[:1]),
    )


def _due(course) -> DueDate | None:
    personal, team = getattr(course, "personal_due", None), getattr(course, "team_due", None)
    if personal:
        return DueDate(date=personal, personal=True)
    if team:
        return DueDate(date=team)
    return None


def course_summaries(*, user, courses: QuerySet[CoursePage]) -> list[CourseSummary]:
    """The courses with the user's progress, enrolment and due date (three queries)."""
    if user.is_authenticated:
        courses = _with_learner_facts(courses, user)
    courses = list(courses)
    lessons = _lessons_by_course(courses)
    progress: dict[uuid.UUID, LessonProgress] = {}
    if user.is_authenticated and courses:
        progress = {
            row.lesson_key: row
            for row in LessonProgress.objects.filter(
                learner=user, course_key__in=[course.translation_key for course in courses]
            )
        }
    summaries = []
    for course in courses:
        due = _due(course)
        summaries.append(
            CourseSummary(
                course=course,
                lessons=[LessonStatus(page=lesson, progress=progress.get(lesson.translation_key))
                         for lesson in lessons[course.pk]],
                enrolled=bool(getattr(course, "is_enrolled", False)) or due is not None,
                due=due,
            )
        )
    return summaries


def live_courses(*, language: str | None = None) -> QuerySet[CoursePage]:
    return (
        CoursePage.objects.live()
        .filter(locale__language_code=language or current_language())
        .order_by("path")
    )


def course_index_context(*, index, user) -> dict:
    courses = CoursePage.objects.child_of(index).live().order_by("path")
    return {"summaries": course_summaries(user=user, courses=courses)}


def course_context(*, course: CoursePage, user) -> dict:
    index = getattr(course, "_course_index", None)
    if not course.pk:  # a preview of a course not saved yet
        return {"summary": CourseSummary(course=course), "competencies": [], "course_index": index}
    (summary,) = course_summaries(user=user, courses=CoursePage.objects.filter(pk=course.pk))
    summary.course = course  # keep the routed page (and its unsaved changes in a preview)
    return {
        "summary": summary,
        "competencies": list(course.competencies.all()),
        "course_index": index or course.get_parent(),
    }


def my_learning(*, user) -> dict:
    """Assigned courses (soonest due first), courses the learner chose, and the rest to choose from."""
    summaries = course_summaries(user=user, courses=live_courses())
    assigned = sorted((s for s in summaries if s.assigned), key=lambda s: (s.is_complete, s.due.date))
    chosen = [s for s in summaries if not s.assigned and (s.enrolled or s.started)]
    others = [s for s in summaries if not s.assigned and not (s.enrolled or s.started)]
    return {"assigned": assigned, "chosen": chosen, "others": others}


def learner_required_courses(*, learner, language: str | None = None) -> list[CourseSummary]:
    """The courses required for readiness, with the learner's progress (for readiness verdicts)."""
    return course_summaries(user=learner, courses=live_courses(language=language).filter(required=True))


# --- a lesson -------------------------------------------------------------------------------
@dataclass
class Outline:
    """A lesson's course and all its live lessons with the learner's progress."""

    course: Page | None
    lessons: list[LessonStatus]
    position: int | None  # index of the lesson itself in `lessons`

    @property
    def current(self) -> LessonStatus | None:
        return self.lessons[self.position] if self.position is not None else None

    @property
    def next(self) -> Page | None:
        if self.position is None or self.position + 1 >= len(self.lessons):
            return None
        return self.lessons[self.position + 1].page


def lesson_outline(*, lesson: LessonPage, learner=None) -> Outline:
    """The course page and its live lessons with the learner's progress on each (one query)."""
    if not lesson.pk or not lesson.path:
        return Outline(course=None, lessons=[], position=None)
    parent_path = lesson.path[: -Page.steplen]
    learner_id = learner.pk if learner is not None and learner.is_authenticated else None
    course, lessons = None, []
    for page, progress in outline_rows(course_path=parent_path, depth=lesson.depth, learner_id=learner_id):
        if page.path == parent_path:
            course = page
        else:
            lessons.append(LessonStatus(page=page, progress=progress))
    if course is not None:
        for status in lessons:
            status.page._cached_parent_obj = course
    position = next((i for i, status in enumerate(lessons) if status.page.pk == lesson.pk), None)
    return Outline(course=course, lessons=lessons, position=position)


@dataclass
class BodyItem:
    id: str
    block: object = None  # the StreamChild (a preview renders every block from it)
    html: str = ""  # the block's markup: cached, or a learner's part (see courses.parts)
    form: object = None
    result: object = None
    saved: ReflectionAnswer | None = None
    just_saved: bool = False
    traits: list = field(default_factory=list)

    @property
    def metric_label(self) -> str:
        return METRICS.get(self.block.value["metric"], "") if self.block.block_type == "calculator" else ""


@dataclass(frozen=True)
class CourseLink:
    title: str
    url: str
    key: uuid.UUID


@dataclass(frozen=True)
class OutlineEntry:
    """A lesson in a lesson page's outline, as every learner sees it."""

    lesson_key: uuid.UUID
    title: str
    url: str
    current: bool


@dataclass(frozen=True)
class LearnerBlock:
    """A block rendered for each learner (a reflection, a calculator) and its place in the body."""

    index: int
    id: str
    block_type: str


@dataclass(frozen=True)
class LessonLayout:
    """What a lesson page shows that is the same for every learner; courses.shells keeps it
    with the rendered page. `blocks` holds each block's markup, or "" where a learner's block
    goes; a preview has none (it renders every block itself)."""

    course: CourseLink | None
    entries: tuple[OutlineEntry, ...]
    position: int | None  # of the lesson itself in `entries`
    competencies: tuple
    blocks: tuple = ()

    @property
    def learner_items(self) -> list[LearnerBlock]:
        return [LearnerBlock(index, cached.id, cached.block_type) for index, cached in enumerate(self.blocks)
                if not cached.html]

    @property
    def reflection_ids(self) -> set[str]:
        return {item.id for item in self.learner_items if item.block_type == "reflection"}

    def entry(self, offset: int) -> OutlineEntry | None:
        if self.position is None or not 0 <= self.position + offset < len(self.entries):
            return None
        return self.entries[self.position + offset]


@dataclass
class LearnerFacts:
    """What one learner brings to a lesson page (courses.parts renders it)."""

    states: list[str]  # "new", "started" or "completed", for each lesson of the outline
    reflections: dict[str, ReflectionAnswer] = field(default_factory=dict)
    quiz_status: object = None
    path: str = ""  # where the quiz panel comes back to
    just_completed: bool = False
    items: dict[str, BodyItem] = field(default_factory=dict)  # blocks to show as they are (a form with errors)


def _preview_items(lesson: LessonPage) -> tuple[list[BodyItem], list[Competency]]:
    """Every block rendered on the request: a preview shows unsaved content, which no cache
    key covers, and its unsaved relations live on the page object."""
    children = list(lesson.body)
    trait_slugs = {slug for child in children if child.block_type == "case" for slug in child.value.get("traits") or []}
    own = list(lesson.competencies.all())
    others = Competency.objects.filter(slug__in=trait_slugs) if trait_slugs else []
    competencies = {c.slug: c for c in [*own, *others]}
    items = []
    for child in children:
        item = BodyItem(id=child.id, block=child)
        if child.block_type == "case":
            item.traits = [competencies[slug] for slug in child.value.get("traits") or [] if slug in competencies]
        items.append(item)
    return items, own


def lesson_layout(*, lesson: LessonPage, outline: Outline, request, preview: bool = False) -> LessonLayout:
    """The page as every learner sees it: the outline's titles and links, the cached blocks
    (courses.fragments) and the lesson's competencies."""
    course = outline.course
    course_url = course.get_url(request) if course is not None else ""
    entries = []
    for status in outline.lessons:
        if course_url:  # a lesson's URL is its course's and its slug: reverse() once, not once per lesson
            url = f"{course_url}{quote(status.page.slug, safe=RFC3986_SUBDELIMS + '/~:@')}/"
        else:
            url = status.page.get_url(request) or ""
        entries.append(OutlineEntry(status.page.translation_key, status.page.title, url, status.page.pk == lesson.pk))
    link = CourseLink(course.title, course_url, course.translation_key) if course is not None else None
    if preview or not lesson.pk:
        return LessonLayout(link, tuple(entries), outline.position, ())
    fragments = lesson_fragments(lesson=lesson)
    return LessonLayout(link, tuple(entries), outline.position, fragments.competencies, fragments.blocks)


def learner_reflections(*, lesson: LessonPage, learner, block_ids: set[str]) -> dict[str, ReflectionAnswer]:
    """The learner's saved answers to some of the lesson's reflection prompts (one query, none
    for no prompt)."""
    if not block_ids or not learner.is_authenticated:
        return {}
    answers = reflection_answers(learner_id=learner.pk, lesson_key=lesson.translation_key)
    return {answer.block_id: answer for answer in answers if answer.block_id in block_ids}


def lesson_template_context(*, layout: LessonLayout, parts: dict, partial: bool,
                            items: list[BodyItem] | None = None) -> dict:
    """The lesson template's context besides the page and the request: the layout and, where
    the learner's parts go, `parts` by name (courses.parts: the parts themselves, or a shell's
    markers)."""
    if items is None:
        items = [BodyItem(id=cached.id, html=cached.safe_html if cached.html else parts[block_part(cached.id)])
                 for cached in layout.blocks]
    outline = [
        {"title": entry.title, "url": entry.url, "current": entry.current,
         "state": parts[entry_state(index)], "mark": parts[entry_mark(index)]}
        for index, entry in enumerate(layout.entries)
    ]
    return {
        "base_template": "courses/partial_base.html" if partial else "base.html",
        "course": layout.course,
        "course_url": layout.course.url if layout.course else "",
        "outline": outline,
        "position": (layout.position or 0) + 1,
        "previous_lesson": layout.entry(-1),
        "next_lesson": layout.entry(+1),
        "competencies": layout.competencies,
        "body_items": items,
        "mine": parts,
    }


def lesson_context(*, lesson: LessonPage, request, just_completed: bool = False, item: BodyItem | None = None) -> dict:
    """The lesson rendered whole on this request: previews, the answers to a post, pages with
    a message to show (every other view comes from courses.shells). `item` shows one block as
    it is (a form with its errors)."""
    user = request.user
    preview = bool(getattr(request, "is_preview", False))
    outline = getattr(lesson, "_outline", None) or lesson_outline(lesson=lesson, learner=user)
    layout = lesson_layout(lesson=lesson, outline=outline, request=request, preview=preview)
    facts = LearnerFacts(
        states=[status.state for status in outline.lessons],
        reflections=learner_reflections(lesson=lesson, learner=user, block_ids=layout.reflection_ids),
        quiz_status=quiz_status(learner=user, quiz=lesson.quiz) if lesson.quiz_id else None,
        path=request.path,
        just_completed=just_completed,
        items={item.id: item} if item is not None else {},
    )
    token = get_token(request)
    parts = {name: mark_safe(part.replace(CSRF_MARKER, token))
             for name, part in learner_parts(lesson=lesson, layout=layout, facts=facts).items()}
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    if lesson.pk and not preview:
        return lesson_template_context(layout=layout, parts=parts, partial=partial)
    items, competencies = _preview_items(lesson)
    context = lesson_template_context(layout=layout, parts=parts, partial=partial, items=items)
    context["competencies"] = competencies
    return context


# --- assignments ----------------------------------------------------------------------------
def assignable_teams(*, user) -> QuerySet[Team]:
    return access.teams_led_by(user).order_by("name")


def assignable_learners(*, user) -> QuerySet[User]:
    """Trainees of the teams the user leads (whom a course can be assigned to one by one)."""
    return User.objects.filter(
        memberships__role=Role.TRAINEE, memberships__team__in=access.teams_led_by(user)
    ).distinct().order_by("last_name", "first_name", "username")


def team_trainee_pairs(*, teams) -> set[tuple[int, int]]:
    return set(
        Membership.objects.filter(team__in=teams, role=Role.TRAINEE).values_list("team_id", "user_id")
    )


@dataclass
class AssignmentRow:
    assignment: CourseAssignment
    course: CoursePage | None
    learners: int = 0
    completed: int = 0


def assignments_for(*, user, language: str | None = None, team_trainees=None) -> list[AssignmentRow]:
    """Assignments in the teams the user leads, with how many assignees finished the course.

    `team_trainees`: the (team id, trainee id) pairs of those teams when the caller has them.
    """
    assignments = list(
        CourseAssignment.objects.filter(team__in=access.teams_led_by(user)).select_related("team", "learner")
    )
    if not assignments:
        return []
    keys = {a.course_key for a in assignments}
    courses = {c.translation_key: c for c in live_courses(language=language).filter(translation_key__in=keys)}
    lessons = _lessons_by_course(list(courses.values()))
    lesson_keys = {key: {lesson.translation_key for lesson in lessons[c.pk]} for key, c in courses.items()}
    trainees = defaultdict(set)
    if team_trainees is None:
        team_trainees = team_trainee_pairs(teams={a.team_id for a in assignments})
    for team_id, user_id in team_trainees:
        trainees[team_id].add(user_id)
    done = defaultdict(set)  # course key -> {(learner, lesson key)}
    for learner_id, course_key, lesson_key in LessonProgress.objects.filter(
        course_key__in=keys, completed_at__isnull=False
    ).values_list("learner_id", "course_key", "lesson_key"):
        done[course_key].add((learner_id, lesson_key))
    rows = []
    for assignment in assignments:
        people = {assignment.learner_id} if assignment.learner_id else trainees[assignment.team_id]
        required = lesson_keys.get(assignment.course_key, set())
        finished = sum(
            1 for person in people
            if required and all((person, key) in done[assignment.course_key] for key in required)
        )
        rows.append(
            AssignmentRow(
                assignment=assignment, course=courses.get(assignment.course_key),
                learners=len(people), completed=finished,
            )
        )
    return rows


# --- reflections ----------------------------------------------------------------------------
@dataclass
class ReflectionRow:
    answer: ReflectionAnswer
    lesson: Page | None
    course: Page | None


def reflections_visible_to(*, user) -> QuerySet[ReflectionAnswer]:
    """Reflection answers of the learners the user may see (their own, or their teams' trainees)."""
    return ReflectionAnswer.objects.filter(learner__in=access.learners_visible_to(user))


def reflection_rows(*, answers, language: str | None = None) -> list[ReflectionRow]:
    answers = list(answers)
    keys = {a.lesson_key for a in answers} | {a.course_key for a in answers}
    pages = {}
    if keys:
        pages = {
            page.translation_key: page
            for page in Page.objects.filter(
                translation_key__in=keys, locale__language_code=language or current_language()
            )
        }
    return [
        ReflectionRow(answer=a, lesson=pages.get(a.lesson_key), course=pages.get(a.course_key)) for a in answers
    ]


# --- search ---------------------------------------------------------------------------------
@dataclass
class SearchHit:
    lesson: LessonPage
    course: Page | None


def lesson_search(*, query: str, language: str | None = None, limit: int = 30) -> list[SearchHit]:
    """Live lessons in one language matching the query, best first, with their courses."""
    query = (query or "").strip()
    if not query:
        return []
    locale = Locale.objects.filter(language_code=language or current_language()).first()
    if locale is None:
        return []
    lessons = list(LessonPage.objects.live().filter(locale=locale).search(query)[:limit])
    parent_paths = {lesson.path[: -Page.steplen] for lesson in lessons}
    parents = {page.path: page for page in Page.objects.filter(path__in=parent_paths)} if parent_paths else {}
    return [SearchHit(lesson=lesson, course=parents.get(lesson.path[: -Page.steplen])) for lesson in lessons]
