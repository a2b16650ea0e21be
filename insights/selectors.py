"""Reads for managers: the team dashboard, its trends, a trainee's profile and the
service-environment results.

Every function runs a fixed number of queries whatever the size of the team (tests assert the
budgets): the dashboard reads one page of trainees and, for that page, one query each for
evidence, progress and roleplays; levels are aggregated in Python with the formula of
`assessments.selectors` (see insights.levels).
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import json
import statistics
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from operator import itemgetter

from django.db.models import CharField, Count, Max, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from wagtail.models import Page

from academy import access
from academy.i18n import current_language
from academy.models import Membership, Role, Team
from academy.statements import upsert
from assessments.models import Answer, Competency, Evidence
from assessments.selectors import level_history
from courses.models import LessonProgress, ReflectionAnswer
from roleplay.models import RoleplaySession, SessionEvent, TraitScore

from .environment import ELEMENTS
from .levels import (
    EPOCH,
    MICROSECOND,
    Cell,
    decode_steps,
    encode_steps,
    evidence_rows,
    evidence_shares,
    fetch_rows,
    flat_steps,
    group_cells,
    history_cells,
)
from .models import (
    EnvironmentLevel,
    EnvironmentResponse,
    EnvironmentSurvey,
    ExportRow,
    LevelSummary,
    ProgressSummary,
    ReadinessRule,
)
from .readiness import (
    CourseInfo,
    CourseState,
    Judge,
    Rule,
    Verdict,
    course_states,
    kept_verdict,
    verdict,
)

MANAGER_ROLES = (Role.MANAGER,)
PER_PAGE = 50
SOURCE_LANGUAGE = "pl"
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD = "90"


# --- teams and the curriculum -----------------------------------------------------------------
def managed_teams(*, user):
    """The teams the user manages (an admin: every team), each with its number of trainees (one query)."""
    trainees = Count("memberships", filter=Q(memberships__role=Role.TRAINEE))
    return list(
        Team.objects.filter(pk__in=access.teams_led_by(user, roles=MANAGER_ROLES).values("pk"))
        .annotate(trainee_count=trainees).order_by("name")
    )


def live_courses(*, language: str | None = None) -> list[CourseInfo]:
    """Live courses with their live lessons in order, in one language (one query).

    A course not translated into that language is given in Polish, the source language, so
    progress and rules never disappear because a manager reads the page in English.
    """
    language = language or current_language()
    rows = (
        Page.objects.live()
        .filter(locale__language_code__in={language, SOURCE_LANGUAGE}, content_type__app_label="courses",
                content_type__model__in=("coursepage", "lessonpage"))
        .order_by("path")
        .values_list("pk", "title", "path", "translation_key", "content_type__model", "locale__language_code")
    )
    by_path: dict[str, CourseInfo] = {}
    chosen: dict[uuid.UUID, tuple[str, CourseInfo]] = {}
    lessons = []
    for pk, title, path, key, model, code in rows:
        if model == "coursepage":
            course = by_path[path] = CourseInfo(key=key, title=title, page_id=pk)
            if key not in chosen or code == language:
                chosen[key] = (code, course)
        else:
            lessons.append((path, key, title))
    for path, key, title in lessons:
        course = by_path.get(path[: -Page.steplen])
        if course is not None:
            course.lesson_keys.append(key)
            course.lesson_titles.append(title)
    return [course for _code, course in chosen.values()]


def team_rules(*, team, competencies: dict[int, Competency], courses: dict[uuid.UUID, CourseInfo]):
    """The team's rules as verdict rules (one query); a rule naming a course that is no longer
    published is left out of verdicts and returned separately so the editor can say so."""
    rules, stale = [], []
    for row in ReadinessRule.objects.filter(team=team).order_by("kind", "id"):
        if row.kind == ReadinessRule.Kind.COURSE:
            course = courses.get(row.course_key)
            if course is None:
                stale.append(row)
            else:
                rules.append(Rule(kind="course", course=course))
        elif row.competency_id in competencies:
            rules.append(Rule(kind="level", competency=competencies[row.competency_id], minimum=float(row.minimum)))
    rules.sort(key=rule_order)
    return rules, stale


def rule_order(rule: Rule):
    """Courses first (by title), then levels in the order of the competencies."""
    if rule.kind == "course":
        return (0, rule.course.title, 0)
    return (1, rule.competency.kind != Competency.Kind.TRAIT, rule.competency.order)


def all_competencies() -> list[Competency]:
    """The ten traits first, then the knowledge areas (one query)."""
    competencies = Competency.objects.only("id", "slug", "kind", "order", "is_key", "name_pl", "name_en")
    return sorted(competencies, key=lambda c: (c.kind != Competency.Kind.TRAIT, c.order, c.slug))


# --- the dashboard --------------------------------------------------------------------------
def period_start(period: str, now: datetime.datetime) -> datetime.datetime | None:
    days = PERIODS.get(period)
    return now - datetime.timedelta(days=days) if days else None


@dataclass
class HeatCell:
    competency: Competency
    cell: Cell | None
    minimum: float | None = None

    @property
    def level(self) -> float | None:
        return self.cell.level if self.cell else None

    @property
    def band(self) -> int:
        """1–5 for the colour; 0 without evidence."""
        level = self.level
        return 0 if level is None else max(1, min(5, int(level + 0.5)))

    @property
    def below(self) -> bool:
        return self.minimum is not None and (self.level is None or self.level + 1e-9 < self.minimum)


@dataclass
class TraineeRow:
    membership: Membership
    cells: list[HeatCell]
    courses: list[CourseState]
    verdict: Verdict
    roleplays: dict = field(default_factory=dict)

    @property
    def user(self):
        return self.membership.user

    @property
    def lessons_done(self) -> int:
        return sum(state.done for state in self.courses)

    @property
    def lessons_total(self) -> int:
        return sum(state.total for state in self.courses)

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


@dataclass
class Heatmap:
    team: Team
    competencies: list[Competency]
    rules: list[Rule]
    rows: list[TraineeRow]
    courses: list[CourseInfo]  # every live course (for the filter)
    shown_courses: list[CourseInfo]  # the courses in the progress column
    course_key: uuid.UUID | None
    period: str
    since: datetime.datetime | None
    page: int
    pages: int
    total: int
    stale_rules: list = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * PER_PAGE, self.total)


def trainee_page(*, team, page: int, per_page: int = PER_PAGE) -> list[Membership]:
    start = (page - 1) * per_page
    return list(
        Membership.objects.filter(team=team, role=Role.TRAINEE).select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")[start:start + per_page]
    )


def page_evidence(learner_ids) -> list:
    """Every piece of evidence of the learners (a list of ids or a subquery), in one query, in
    the order group_cells takes it."""
    return evidence_rows(Evidence.objects.filter(learner_id__in=learner_ids))


def page_progress(learner_ids, course_keys) -> dict[int, list]:
    """learner id → [(lesson key, completed_at, seconds)] in the given courses (one query)."""
    progress = defaultdict(list)
    if course_keys:
        rows = fetch_rows(
            LessonProgress.objects.filter(learner_id__in=learner_ids, course_key__in=list(course_keys)).order_by(),
            ("learner_id", "lesson_key", "completed_at", "seconds_spent"), ("completed_at",), ("lesson_key",),
        )
        for learner_id, lesson_key, completed_at, seconds in rows:
            progress[learner_id].append((lesson_key, completed_at, seconds))
    return progress


def progress_totals(learner_ids, courses: list[CourseInfo]) -> dict[int, dict[uuid.UUID, CourseState]]:
    """learner id → course key → CourseState, summed in the database: lessons completed, when
    the last of them was, seconds spent.

    The states course_states makes of page_progress's rows, for a whole team: one row per
    learner and course instead of one per lesson (one query). A state here does not list its
    lessons. A learner without progress in a course has no state there.

    The sums are per course named in the progress row; a lesson counts for the course it is a
    live lesson of now, so a learner with progress recorded under another course (a lesson
    moved since) is read lesson by lesson instead (one more query, only then).
    """
    states: dict[int, dict[uuid.UUID, CourseState]] = defaultdict(dict)
    if not courses:
        return states
    by_key = {course.key: course for course in courses}
    in_its_course = Q()
    for course in courses:
        in_its_course |= Q(course_key=course.key, lesson_key__in=course.lesson_keys)
    queryset = (
        LessonProgress.objects.filter(learner_id__in=learner_ids, course_key__in=list(by_key),
                                      lesson_key__in=[key for course in courses for key in course.lesson_keys])
        .order_by().values("learner_id", "course_key")
        .annotate(done=Count("completed_at"), last=Max("completed_at"), seconds=Sum("seconds_spent"),
                  moved=Count("id", filter=~in_its_course))
    )
    rows = fetch_rows(queryset, ("learner_id", "course_key", "done", "last", "seconds", "moved"), ("last",),
                      ("course_key",))
    by_hex = {_hex(course.key): course for course in courses}
    moved = set()
    for learner_id, course_hex, done, last, seconds, moved_lessons in rows:
        if moved_lessons:
            moved.add(learner_id)
            continue
        course = by_hex[course_hex]
        complete = done == len(course.lesson_keys) and done > 0
        states[learner_id][course.key] = CourseState(info=course, done=done, completed_at=last if complete else None,
                                                     seconds=seconds or 0)
    if moved:
        progress = page_progress(list(moved), by_key)
        lesson_ids = {course.key: course.lesson_ids for course in courses}
        for learner_id in moved:
            states[learner_id] = course_states(courses, progress.get(learner_id, []), lesson_ids)
    return states


def _hex(key) -> str:
    return key.hex if isinstance(key, uuid.UUID) else str(key)


def page_roleplays(learner_ids, since) -> dict[int, dict]:
    led = Q(kind=RoleplaySession.Kind.TRAINER_LED)
    in_period = led & Q(ended_at__gte=since) if since else led
    rows = (
        RoleplaySession.objects.filter(trainee_id__in=learner_ids, status=RoleplaySession.Status.ENDED)
        .values("trainee_id")
        .annotate(led=Count("id", filter=led), led_in_period=Count("id", filter=in_period),
                  practice=Count("id", filter=~led), last=Max("ended_at"))
    )
    return {row["trainee_id"]: row for row in rows}


def team_heatmap(*, team, trainee_count: int, page: int = 1, course_key=None, period: str = DEFAULT_PERIOD,
                 courses: list[CourseInfo] | None = None, now=None) -> Heatmap:
    """One page of the team's trainees × competencies with progress, roleplays and verdicts.

    Seven queries whatever the size of the team (competencies, courses unless given, rules, the
    page of trainees, and the page's evidence, progress and roleplays).
    """
    now = now or timezone.now()
    since = period_start(period, now)
    competencies = all_competencies()
    by_id = {c.pk: c for c in competencies}
    courses = live_courses() if courses is None else courses
    courses_by_key = {c.key: c for c in courses}
    rules, stale = team_rules(team=team, competencies=by_id, courses=courses_by_key)
    if course_key in courses_by_key:
        shown = [courses_by_key[course_key]]
    else:
        course_key = None
        shown = [r.course for r in rules if r.kind == "course"] or courses
    pages = max(1, -(-trainee_count // PER_PAGE))
    page = min(max(1, page), pages)
    members = trainee_page(team=team, page=page) if trainee_count else []
    ids = [m.user_id for m in members]
    minimums = {r.competency.pk: r.minimum for r in rules if r.kind == "level"}
    rows = []
    if ids:
        cells = group_cells(page_evidence(ids), now=now, since=since)
        wanted = {c.key: c for c in shown} | {r.course.key: r.course for r in rules if r.kind == "course"}
        progress = page_progress(ids, wanted)
        roleplays = page_roleplays(ids, since)
        judge = Judge(rules)
        for member in members:
            learner_cells = cells.get(member.user_id, {})
            states = course_states(list(wanted.values()), progress.get(member.user_id, []))
            rows.append(TraineeRow(
                membership=member,
                cells=[HeatCell(competency=c, cell=learner_cells.get(c.pk), minimum=minimums.get(c.pk))
                       for c in competencies],
                courses=[states[c.key] for c in shown],
                verdict=verdict(rules, cells=learner_cells, courses=states, joined_at=member.joined_at, judge=judge),
                roleplays=roleplays.get(member.user_id, {}),
            ))
    return Heatmap(
        team=team, competencies=competencies, rules=rules, rows=rows, courses=courses, shown_courses=shown,
        course_key=course_key, period=period, since=since, page=page, pages=pages, total=trainee_count,
        stale_rules=stale,
    )


# --- a whole team's levels, kept ------------------------------------------------------------------
BY_NAME = 500  # beyond this many learners to read, the whole team's evidence is read instead


@dataclass
class TeamLevels:
    levels: dict[int, dict[int, tuple[float, int]]]  # learner → competency → (level, evidence count)
    # learner → their level history as kept (insights.levels.flat_steps); with team_levels(steps=True)
    steps: dict[int, list[int]] = field(default_factory=dict)
    # learners with evidence dated after `now`, computed but not kept: their levels may still change
    provisional: set[int] = field(default_factory=set)


def _read_kept(model, version_field: str, payloads: dict, trainees):
    """A summary table's rows for the trainees: (learner id → version, [(learner id, payload, …)]
    for the learners whose kept payloads are current). `payloads`: column → a function decoding
    all the column's values at once."""
    versions: dict[int, int] = {}
    current = []
    columns: list[list] = [[] for _name in payloads]
    for learner_id, version, computed_version, *values in fetch_rows(
        model.objects.filter(learner_id__in=trainees), ("learner_id", version_field, "computed_version", *payloads),
    ):
        versions[learner_id] = version
        if version == computed_version:
            current.append(learner_id)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
    decoded = [decode(column) for decode, column in zip(payloads.values(), columns, strict=True)]
    return versions, list(zip(current, *decoded, strict=True))


def team_levels(*, trainees, learner_ids: list[int], now, steps: bool = False, levels: bool = True) -> TeamLevels:
    """Every learner's level and evidence count in each competency, and with `steps` their level
    history: from the level summary where it is current, from the evidence (group_cells, as on
    every page) where it is not, and then kept (see LevelSummary). `trainees`: the same learners
    as a subquery.

    Three queries at most whatever the size: the summaries, the evidence of the learners out of
    date (by name when few, else the whole team's), and the new summaries. The versions are read
    before the evidence, so levels are never kept under a version newer than the evidence they
    come from; a learner with evidence dated after `now` (whose level may still change with
    time) is computed but not kept. Without `levels`, only the histories of those whose levels
    were kept are returned (and the levels of those computed now).
    """
    columns = {name: decode for name, decode, wanted in (("levels", _parse_all, levels), ("steps", decode_steps, steps))
               if wanted}
    versions, kept = _read_kept(LevelSummary, "evidence_version", columns, trainees)
    learner_levels: dict[int, dict[int, tuple[float, int]]] = {}
    histories: dict[int, list[int]] = {}
    current = set()
    for learner_id, *payloads in kept:
        current.add(learner_id)
        payload = dict(zip(columns, payloads, strict=True))
        if levels:
            flat = payload["levels"]
            learner_levels[learner_id] = dict(zip(flat[0::3], zip(flat[1::3], flat[2::3], strict=True), strict=True))
        if steps:
            histories[learner_id] = payload["steps"]
    stale = [learner_id for learner_id in learner_ids if learner_id not in current]
    if not stale:
        return TeamLevels(levels=learner_levels, steps=histories)
    cells = group_cells(evidence_rows(Evidence.objects.filter(learner_id__in=stale if len(stale) <= BY_NAME
                                                              else trainees)), now=now)
    rows, provisional = [], set()
    for learner_id in stale:
        read = cells.get(learner_id, {})
        learner_levels[learner_id] = {competency_id: (cell.level, len(cell.rows)) for competency_id, cell in read.items()}
        history = flat_steps(read)
        if steps:
            histories[learner_id] = history.tolist()
        if any(cell.last_at > now for cell in read.values()):
            provisional.add(learner_id)
            continue
        flat = [value for competency_id, (level, count) in learner_levels[learner_id].items()
                for value in (competency_id, level, count)]
        version = versions.get(learner_id, 0)
        rows.append((learner_id, version, version, json.dumps(flat, separators=(",", ":")), encode_steps(history)))
    # An update never touches evidence_version: only the triggers raise it.
    upsert(LevelSummary, rows, fields=("learner", "evidence_version", "computed_version", "levels", "steps"),
           unique=("learner",), update=("computed_version", "levels", "steps"))
    return TeamLevels(levels=learner_levels, steps=histories, provisional=provisional)


def _parse_all(texts: list[str]) -> list:
    """Many JSON texts parsed in one call (one JSON array), not one call each."""
    return json.loads("[" + ",".join(texts) + "]") if texts else []


def lessons_fingerprint(course: CourseInfo) -> str:
    """What a kept course state was computed against: the course's live lessons, in order."""
    return hashlib.blake2b(",".join(course.lesson_ids).encode(), digest_size=8).hexdigest()


def team_course_states(*, trainees, learner_ids: list[int], courses: list[CourseInfo],
                       wanted=None) -> dict[int, dict[uuid.UUID, CourseState]]:
    """learner id → course key → CourseState, as progress_totals sums them: from the progress
    summary where it is current, from progress_totals where it is not, and then kept (see
    ProgressSummary). `courses`: every live course (all are kept); `wanted`: the keys of those
    to return, all by default. `trainees`: the learners as a subquery.

    Three queries at most whatever the size, on the terms of team_levels. A learner without
    progress in a course has no state there.
    """
    prints = {_hex(course.key): lessons_fingerprint(course) for course in courses}
    by_hex = {_hex(course.key): course for course in courses}
    returned = list(by_hex) if wanted is None else [_hex(key) for key in wanted]
    states: dict[int, dict[uuid.UUID, CourseState]] = {}
    parse = datetime.datetime.fromisoformat
    versions, current = _read_kept(ProgressSummary, "progress_version", {"courses": _parse_all}, trainees)
    for learner_id, kept in current:
        entries = {entry[0]: entry for entry in kept}
        if any(key not in entries or entries[key][1] != prints[key] for key in returned):
            continue  # a course published, withdrawn or with other lessons since
        learner_states = states[learner_id] = {}
        for key in returned:
            _key, _print, done, last, seconds = entries[key]
            if done or seconds:
                course = by_hex[key]
                learner_states[course.key] = CourseState(info=course, done=done, seconds=seconds,
                                                         completed_at=parse(last) if last else None)
    stale = [learner_id for learner_id in learner_ids if learner_id not in states]
    if not stale:
        return states
    totals = progress_totals(stale if len(stale) <= BY_NAME else trainees, courses)
    kept = []
    for learner_id in stale:
        learner_totals = totals.get(learner_id, {})
        entries = []
        for course in courses:
            state = learner_totals.get(course.key)
            done, seconds = (state.done, state.seconds) if state else (0, 0)
            last = state.completed_at.isoformat() if state and state.completed_at else None
            entries.append([_hex(course.key), prints[_hex(course.key)], done, last, seconds])
        states[learner_id] = {course.key: learner_totals[course.key] for course in courses
                              if course.key in learner_totals and _hex(course.key) in returned}
        version = versions.get(learner_id, 0)
        kept.append((learner_id, version, version, json.dumps(entries, separators=(",", ":")), 0))
    # A new row starts its completions at 0; an update never touches the versions (the triggers' own).
    upsert(ProgressSummary, kept,
           fields=("learner", "progress_version", "computed_version", "courses", "completions_version"),
           unique=("learner",), update=("computed_version", "courses"))
    return states


def summaries_rebuild(*, chunk: int = 1000) -> int:
    """Recompute and keep the levels and course states of every learner with evidence,
    progress or a summary, a chunk of learners at a time; the number of learners."""
    now = timezone.now()
    LevelSummary.objects.update(computed_version=-1)
    ProgressSummary.objects.update(computed_version=-1)
    ExportRow.objects.all().delete()  # written again from the new summaries on the next read
    learners = sorted(set(Evidence.objects.order_by().values_list("learner_id", flat=True).distinct())
                      | set(LessonProgress.objects.order_by().values_list("learner_id", flat=True).distinct())
                      | set(LevelSummary.objects.values_list("learner_id", flat=True))
                      | set(ProgressSummary.objects.values_list("learner_id", flat=True)))
    courses = live_courses()
    for start in range(0, len(learners), chunk):
        ids = learners[start:start + chunk]
        team_levels(trainees=ids, learner_ids=ids, now=now)
        team_course_states(trainees=ids, learner_ids=ids, courses=courses)
    return len(learners)


# --- the whole team, cached -----------------------------------------------------------------------
TEAM_CACHE_SECONDS = 600


def team_stamp(*, team, evidence: bool = True) -> str:
    """A fingerprint of everything a whole-team read depends on (one query; without
    `evidence` for a read that does not use it).

    Any new, changed or removed evidence, completed lesson, trainee joining or leaving, or rule
    change gives a new fingerprint, so a cached trend or export is never stale for those; a
    renamed person or course, or time spent in a lesson, shows within TEAM_CACHE_SECONDS.
    """
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE)
    ids = trainees.values("user_id")
    rules = ReadinessRule.objects.filter(team=team)
    # The database raises a learner's versions with every change to their evidence and every
    # completed lesson (LevelSummary, ProgressSummary), so their sums change with any of them:
    # a row per learner is read, not every piece of evidence or progress.
    parts = {
        "members": _scalar(trainees, Count("id")),
        "last_member": _scalar(Membership.objects.filter(team=team), Max("id")),
        "rules": _scalar(rules, Concat(Cast(Count("id"), CharField()), Value("|"),
                                       Cast(Max("updated_at"), CharField()), output_field=CharField())),
        "completions": _scalar(ProgressSummary.objects.filter(learner_id__in=ids), Sum("completions_version")),
    }
    if evidence:
        parts["evidence"] = _scalar(LevelSummary.objects.filter(learner_id__in=ids), Sum("evidence_version"))
    values = Team.objects.filter(pk=team.pk).values(**parts).get()
    return "|".join(str(value) for value in values.values())


def _scalar(queryset, aggregate) -> Subquery:
    """One aggregate over a whole queryset, as a subquery of one value."""
    return Subquery(queryset.order_by().annotate(everything=Value(1)).values("everything")
                    .annotate(value=aggregate).values("value"))


@contextmanager
def collector_paused():
    """Python's cycle collector off for a whole-team read, back on after.

    Reading a team of 5,000 builds a few hundred thousand rows, cells and states that all live
    until the read ends and are in no reference cycle; the collector walked them again and again
    as they piled up, a third of the time of an export. Only turned back on if it was on, so
    overlapping reads in other threads leave it as they found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cached_team_read(*, team, name: str, compute, evidence: bool = True, **key):
    """`compute()` cached under the team's fingerprint (see team_stamp) and the language;
    `evidence=False` for a read that does not depend on evidence (course progress)."""
    from django.core.cache import cache

    parts = [name, str(team.pk), team.created_at.isoformat(), current_language(),
             team_stamp(team=team, evidence=evidence)]
    parts += [f"{k}={v}" for k, v in sorted(key.items())]
    cache_key = "insights:" + hashlib.sha256("/".join(parts).encode()).hexdigest()
    value = cache.get(cache_key)
    if value is None:
        with collector_paused():
            value = compute()
        cache.set(cache_key, value, TEAM_CACHE_SECONDS)
    return value


# --- trends over the whole team ---------------------------------------------------------------
TREND_POINTS = 12
READY_BUCKETS = ((0, 7), (8, 14), (15, 30), (31, 60), (61, None))


@dataclass
class Trends:
    labels: list[str]
    moments: list[datetime.datetime]
    series: list[dict]  # {"competency": Competency, "values": [level | None per moment]}
    trainees: int
    ready: int
    not_ready: int
    has_rules: bool
    days: list[int]
    buckets: list[dict]

    @property
    def median_days(self):
        return statistics.median(self.days) if self.days else None

    @property
    def mean_days(self):
        return round(statistics.fmean(self.days), 1) if self.days else None


def trend_moments(since: datetime.datetime | None, first: datetime.datetime | None, now) -> list:
    start = since or first or now
    if start >= now:
        return [now]
    step = (now - start) / TREND_POINTS
    return [start + step * i for i in range(TREND_POINTS + 1)]


def team_trends(*, team, period: str = DEFAULT_PERIOD, now=None) -> Trends:
    """The team's mean level per competency over the period, and readiness across the whole team.

    The mean at a moment is over the trainees with evidence of that competency by then. Reads
    the level histories kept per learner (team_levels) and each trainee's kept verdict
    (team_readiness), recomputed only where out of date, so a cold read of 5,000 trainees walks
    their 100,000 level steps once instead of weighing all their evidence again; the view caches
    the result.
    """
    now = now or timezone.now()
    since = period_start(period, now)
    competencies = all_competencies()
    by_id = {c.pk: c for c in competencies}
    courses_by_key = {c.key: c for c in live_courses()}
    rules, _stale = team_rules(team=team, competencies=by_id, courses=courses_by_key)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    ids = list(trainees.values_list("user_id", flat=True))
    histories = team_levels(trainees=trainees, learner_ids=ids, now=now, steps=True, levels=False).steps
    series, moments = _trend_series(histories.values(), competencies, since=since, now=now)
    verdicts = [member.kept_text for member in team_readiness(team=team, rules=rules, courses=courses_by_key, now=now)]
    days = [int(text.split()[1]) for text in verdicts if text.startswith("ready ")]
    ready, not_ready = sum(text.startswith("ready") for text in verdicts), verdicts.count("not_ready")
    buckets = [
        {"low": low, "high": high, "count": sum(1 for d in days if d >= low and (high is None or d <= high))}
        for low, high in READY_BUCKETS
    ]
    return Trends(
        labels=[timezone.localtime(m).date().isoformat() for m in moments], moments=moments, series=series,
        trainees=len(ids), ready=ready, not_ready=not_ready, has_rules=bool(rules), days=days, buckets=buckets,
    )


def rules_print(rules: list[Rule]) -> list:
    """What verdicts take from a team's rules, for the fingerprints of kept texts (insights.kept)."""
    return [(r.kind, r.course.key if r.course else None, r.competency.id if r.competency else None, r.minimum)
            for r in rules]


def standing(*, team, learner_ids: list[int], rules: list[Rule], courses: dict, now) -> tuple[dict, TeamLevels]:
    """What these trainees' verdicts are made of: their states in the rules' courses and their
    kept levels with their history (the team's rows read by name when few, else all)."""
    trainees = learner_ids if len(learner_ids) <= BY_NAME else Membership.objects.filter(
        team=team, role=Role.TRAINEE).values("user_id")
    rule_courses = [r.course.key for r in rules if r.kind == "course"]
    progress = team_course_states(trainees=trainees, learner_ids=learner_ids, courses=list(courses.values()),
                                  wanted=rule_courses) if rule_courses else {}
    return progress, team_levels(trainees=trainees, learner_ids=learner_ids, now=now, steps=bool(rules))


def team_readiness(*, team, rules: list[Rule], courses: dict, now) -> list:
    """Every trainee's verdict as a kept text (insights.kept): "ready <days to readiness>",
    "ready" (since when unknown), "not_ready" or "no_rules"; computed with `kept_verdict` only
    for the trainees whose evidence, progress or joining changed, or when the rules did."""
    from .kept import kept_lines

    context = (rules_print(rules), [(c.key, c.lesson_ids) for c in courses.values()],
               str(timezone.get_current_timezone()))

    def write(members):
        progress, kept = standing(team=team, learner_ids=[m.user_id for m in members], rules=rules, courses=courses,
                                  now=now)
        judge, no_states, texts = Judge(rules), {}, {}
        for member in members:
            result = kept_verdict(judge, levels=kept.levels.get(member.user_id, no_states),
                                  courses=progress.get(member.user_id, no_states),
                                  history=kept.steps.get(member.user_id), joined_at=member.joined_at)
            text = result.status if result.days_to_ready is None else f"ready {result.days_to_ready}"
            texts[member.user_id] = (text, member.user_id not in kept.provisional)
        return texts

    return kept_lines(team=team, kind="readiness", context=context, write=write)


def _trend_series(histories, competencies, *, since, now) -> tuple[list[dict], list[datetime.datetime]]:
    """Each competency's mean level at each moment of the trend, from kept level histories
    (insights.levels.flat_steps), and the moments.

    A level holds from its step until the next one, so each step adds the change of level to
    the first moment at or after it (difference arrays: one pass over the steps, not one per
    moment); the moments are evenly spaced, so that moment is found by arithmetic, exactly, in
    whole microseconds.
    """
    histories = list(histories)
    first = None
    if since is None:  # the period "all": it starts at the first moment anyone had a level
        first = min((flat[begin] for flat in histories for _competency, begin, end in history_cells(flat)
                     if begin < end), default=None)
    moments = trend_moments(since, None if first is None else EPOCH + first * MICROSECOND, now)
    size = len(moments)
    start = (moments[0] - EPOCH) // MICROSECOND
    step = (moments[1] - moments[0]) // MICROSECOND if size > 1 else 1
    sums = {c.pk: [0] * (size + 1) for c in competencies}  # levels × 10, whole numbers
    counts = {c.pk: [0] * (size + 1) for c in competencies}
    for flat in histories:
        # history_cells written out: at 5,000 trainees (70,000 cells) its calls were a third of the walk
        index, length = 0, len(flat)
        while index < length:
            competency_id, begin = flat[index], index + 2
            index = begin + 2 * flat[index + 1]
            column = sums.get(competency_id)
            if column is None or begin == index:
                continue
            # the first moment at or after a step: ceil((at - start) / step), or 0
            at = flat[begin]
            moment = -((start - at) // step) if at > start else 0
            if moment >= size:
                continue  # after the last moment (evidence dated in the future)
            counts[competency_id][moment] += 1
            previous = flat[begin + 1]
            column[moment] += previous
            for k in range(begin + 2, index, 2):  # indexing: faster here than zip over two slices
                at = flat[k]
                moment = -((start - at) // step) if at > start else 0
                if moment >= size:
                    break
                level = flat[k + 1]
                column[moment] += level - previous
                previous = level
    series = []
    for c in competencies:
        totals, numbers = accumulate(sums[c.pk][:size]), accumulate(counts[c.pk][:size])
        series.append({"competency": c, "values": [round(total / 10 / number, 2) if number else None
                                                   for total, number in zip(totals, numbers, strict=True)]})
    return series, moments


# --- a trainee's profile ------------------------------------------------------------------------
@dataclass
class EvidenceItem:
    evidence: Evidence
    share: float
    link: str | None = None
    label: str = ""

    @property
    def level(self) -> float:
        return round(self.evidence.level, 1)

    @property
    def share_percent(self) -> int:
        return round(self.share * 100)


@dataclass
class CompetencyStory:
    competency: Competency
    cell: Cell | None
    items: list[EvidenceItem]
    history: list[tuple[datetime.datetime, float]]
    minimum: float | None = None

    @property
    def level(self):
        return self.cell.level if self.cell else None

    @property
    def band(self) -> int:
        return 0 if self.level is None else max(1, min(5, int(self.level + 0.5)))

    @property
    def below(self) -> bool:
        return self.minimum is not None and (self.level is None or self.level + 1e-9 < self.minimum)


def _evidence_links(evidence: list[Evidence]) -> dict[str, tuple[str, str]]:
    """reference → (url, label) for the quiz attempts and roleplay sessions evidence points at."""
    from django.urls import reverse

    answer_ids, session_ids = set(), set()
    for ev in evidence:
        kind, _sep, rest = ev.reference.partition(":")
        number = rest.split(":")[0]
        if not number.isdigit():
            continue
        if kind == "answer":
            answer_ids.add(int(number))
        elif kind == "roleplay":
            session_ids.add(int(number))
    links = {}
    if answer_ids:
        for answer_id, attempt_id, title_pl, title_en in Answer.objects.filter(pk__in=answer_ids).values_list(
            "pk", "attempt_id", "attempt__quiz__title_pl", "attempt__quiz__title_en"
        ):
            title = title_en if current_language() == "en" and title_en else title_pl
            links[f"answer:{answer_id}"] = (reverse("assessments:attempt_result", args=[attempt_id]), title)
    if session_ids:
        for session_id, title_pl, title_en in RoleplaySession.objects.filter(pk__in=session_ids).values_list(
            "pk", "scenario__title_pl", "scenario__title_en"
        ):
            title = title_en if current_language() == "en" and title_en else title_pl
            links[f"roleplay:{session_id}"] = (reverse("roleplay:debrief", args=[session_id]), title)
    return links


def competency_stories(*, learner, competencies: list[Competency], minimums: dict, now=None) -> list[CompetencyStory]:
    """Each competency with the learner's level, its history and every piece of evidence behind
    it with the share it has in today's level (three queries)."""
    now = now or timezone.now()
    evidence = list(Evidence.objects.filter(learner=learner).select_related("recorded_by", "competency")
                    .order_by("created_at", "id"))
    links = _evidence_links(evidence)
    by_competency = defaultdict(list)
    for ev in evidence:
        by_competency[ev.competency_id].append(ev)
    rows = sorted(((ev.score, ev.weight, ev.created_at, learner.pk, ev.competency_id) for ev in evidence),
                  key=itemgetter(4))  # by competency, in time order within each (a stable sort)
    cells = group_cells(rows, now=now).get(learner.pk, {})
    stories = []
    for competency in competencies:
        items = by_competency.get(competency.pk, [])
        rows = [(ev.score, ev.weight, ev.created_at) for ev in items]
        shares = evidence_shares(rows, now)
        story_items = []
        for ev, share in zip(items, shares, strict=True):
            base = ":".join(ev.reference.split(":")[:2])
            url, label = links.get(base, (None, ""))
            story_items.append(EvidenceItem(evidence=ev, share=share, link=url, label=label))
        story_items.reverse()  # newest first
        stories.append(CompetencyStory(
            competency=competency, cell=cells.get(competency.pk), items=story_items, history=level_history(rows),
            minimum=minimums.get(competency.pk),
        ))
    return stories


def learner_teams(*, learner, viewer) -> list[Membership]:
    """The learner's trainee memberships in teams the viewer may see them in (one query)."""
    memberships = Membership.objects.filter(user=learner, role=Role.TRAINEE).select_related("team")
    if viewer.pk != learner.pk and not access.is_admin(viewer):
        memberships = memberships.filter(team__in=access.teams_led_by(viewer))
    return list(memberships.order_by("team__name"))


def learner_roleplays(*, learner) -> list[dict]:
    """The learner's ended sessions, newest first, with the mean trainer score (two queries)."""
    sessions = list(
        RoleplaySession.objects.filter(trainee=learner, status=RoleplaySession.Status.ENDED)
        .select_related("scenario", "trainer").order_by("-ended_at", "-id")
    )
    scores = defaultdict(list)
    for session_id, score in TraitScore.objects.filter(
        session__in=sessions, role=TraitScore.Role.TRAINER
    ).values_list("session_id", "score"):
        scores[session_id].append(score)
    return [
        {"session": s, "average": round(sum(scores[s.pk]) / len(scores[s.pk]), 1) if scores[s.pk] else None,
         "scored": len(scores[s.pk])}
        for s in sessions
    ]


def trainer_notes(*, learner) -> list[dict]:
    """Notes trainers wrote in the learner's trainer-led sessions, newest first (one query)."""
    events = (
        SessionEvent.objects.filter(session__trainee=learner, type="note",
                                    session__kind=RoleplaySession.Kind.TRAINER_LED)
        .select_related("actor", "session__scenario").order_by("-created_at", "-id")[:50]
    )
    return [{"event": e, "text": e.payload.get("text", ""), "session": e.session} for e in events]


def learner_reflections(*, learner, limit: int = 20):
    from courses.selectors import reflection_rows

    return reflection_rows(answers=ReflectionAnswer.objects.filter(learner=learner)[:limit])


def learner_course_states(*, learner, courses: list[CourseInfo]) -> dict[uuid.UUID, CourseState]:
    progress = page_progress([learner.pk], {c.key: c for c in courses})
    return course_states(courses, progress.get(learner.pk, []))


def trainee_profile(*, learner, viewer, now=None) -> dict:
    """Everything the trainee profile shows, in a fixed number of queries."""
    from assessments.selectors import learner_attempts

    now = now or timezone.now()
    competencies = all_competencies()
    by_id = {c.pk: c for c in competencies}
    courses = live_courses()
    memberships = learner_teams(learner=learner, viewer=viewer)
    states = learner_course_states(learner=learner, courses=courses)
    verdicts = []
    minimums: dict[int, float] = {}
    courses_by_key = {c.key: c for c in courses}
    rules_by_team = _rules_for_teams([m.team for m in memberships], by_id, courses_by_key)
    stories = None
    for membership in memberships:
        rules = rules_by_team.get(membership.team_id, [])
        for rule in rules:
            if rule.kind == "level":
                minimums[rule.competency.pk] = max(minimums.get(rule.competency.pk, 0), rule.minimum)
        verdicts.append({"membership": membership, "rules": rules})
    stories = competency_stories(learner=learner, competencies=competencies, minimums=minimums, now=now)
    cells = {s.competency.pk: s.cell for s in stories if s.cell}
    for item in verdicts:
        item["verdict"] = verdict(item["rules"], cells=cells, courses=states, joined_at=item["membership"].joined_at)
    return {
        "learner": learner,
        "verdicts": verdicts,
        "stories": stories,
        "courses": [states[c.key] for c in courses],
        "attempts": list(learner_attempts(learner=learner)[:20]),
        "roleplays": learner_roleplays(learner=learner),
        "notes": trainer_notes(learner=learner),
        "reflections": learner_reflections(learner=learner),
    }


def _rules_for_teams(teams, competencies, courses) -> dict[int, list[Rule]]:
    result = defaultdict(list)
    if not teams:
        return result
    for row in ReadinessRule.objects.filter(team__in=teams).order_by("kind", "id"):
        if row.kind == ReadinessRule.Kind.COURSE and row.course_key in courses:
            result[row.team_id].append(Rule(kind="course", course=courses[row.course_key]))
        elif row.kind == ReadinessRule.Kind.LEVEL and row.competency_id in competencies:
            result[row.team_id].append(Rule(kind="level", competency=competencies[row.competency_id],
                                            minimum=float(row.minimum)))
    for rules in result.values():
        rules.sort(key=rule_order)
    return result


# --- the service-environment self-assessment ------------------------------------------------------
LEVELS = list(EnvironmentLevel)


@dataclass
class ElementResult:
    element: object
    means: dict  # level -> mean rating or None
    spread: float | None

    @property
    def ordered_means(self) -> list:
        return [self.means.get(level) for level in LEVELS]

    @property
    def highest(self):
        known = [(v, level) for level, v in self.means.items() if v is not None]
        return max(known, key=lambda pair: pair[0]) if known else None

    @property
    def lowest(self):
        known = [(v, level) for level, v in self.means.items() if v is not None]
        return min(known, key=lambda pair: pair[0]) if known else None


def environment_results(*, survey: EnvironmentSurvey) -> dict:
    """Mean rating of each element at each level and where the levels diverge most (one query).

    Divergence of an element is the gap between the highest and the lowest mean among the
    levels that answered; individual answers are never shown.
    """
    responses = list(EnvironmentResponse.objects.filter(survey=survey).values_list("level", "ratings"))
    counts = {level: 0 for level in LEVELS}
    sums = {level: defaultdict(float) for level in LEVELS}
    for level, ratings in responses:
        if level not in counts:
            continue
        counts[level] += 1
        for slug, value in ratings.items():
            sums[level][slug] += value
    elements = []
    for element in ELEMENTS:
        means = {level: (round(sums[level][element.slug] / counts[level], 2) if counts[level] else None)
                 for level in LEVELS}
        known = [v for v in means.values() if v is not None]
        spread = round(max(known) - min(known), 2) if len(known) >= 2 else None
        elements.append(ElementResult(element=element, means=means, spread=spread))
    diverging = sorted((e for e in elements if e.spread), key=lambda e: -e.spread)[:3]
    return {
        "elements": elements,
        "counts": counts,
        "respondents": len(responses),
        "levels_answered": sum(1 for n in counts.values() if n),
        "diverging": diverging,
    }


def environment_surveys(*, user):
    """Surveys the user manages and surveys they may answer (two queries)."""
    from .access import surveys_answerable_by, surveys_managed_by

    managed = list(surveys_managed_by(user).select_related("team").annotate(answers=Count("responses")))
    answerable = list(
        surveys_answerable_by(user).filter(closed_at__isnull=True).select_related("team")
        .annotate(mine=Count("responses", filter=Q(responses__respondent=user)))
    )
    return {"managed": managed, "answerable": answerable}


def survey_level_default(*, user, survey) -> str:
    roles = access.team_roles(user, survey.team)
    if Role.MANAGER in roles:
        return EnvironmentLevel.MANAGER
    if access.is_admin(user) and not roles:
        return EnvironmentLevel.DIRECTOR
    return EnvironmentLevel.EMPLOYEE

