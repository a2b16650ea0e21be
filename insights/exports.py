"""CSV exports of a whole team: the competency matrix with verdicts, and course progress.

Each export reads the team in a fixed number of queries and computes levels and verdicts with the
same functions as the dashboard, so the file and the screen always agree. Each trainee's lines
are kept (ExportRow) under a fingerprint of everything they are made from; an export after a
change writes again only the lines of the trainees it touched.
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from academy.i18n import current_language
from academy.models import Membership, Role

from .kept import kept_lines
from .readiness import CourseState, Judge, kept_verdict
from .selectors import (
    BY_NAME,
    all_competencies,
    live_courses,
    rules_print,
    standing,
    team_course_states,
    team_rules,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    """Text a spreadsheet will not run as a formula (names typed by people)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _level(value) -> str:
    return "" if value is None else f"{value:.1f}"


class _LevelTexts(dict):
    """level → its digits in the file, each written once (a level has 41 values, a team 70,000 cells)."""

    def __missing__(self, level):
        text = self[level] = _level(level)
        return text


def _local_date(moment, zone) -> str:
    """The calendar date of a moment in the zone (`timezone.localtime`, with the current zone
    looked up once for a whole export rather than once per row), ISO."""
    return moment.astimezone(zone).date().isoformat()


def _csv(rows: list[list]) -> str:
    """Rows as CSV text (the lines of one trainee, or the header)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _export(*, team, kind: str, header: list, context: tuple, write) -> str:
    """The export's header and each trainee's lines, kept per language (insights.kept)."""
    members = kept_lines(team=team, kind=f"{kind}-{current_language()}", context=context, write=write)
    return "\ufeff" + _csv([header]) + "".join(m.kept_text for m in members)  # BOM: spreadsheets read UTF-8


def matrix_csv(*, team, now=None) -> str:
    """One row per trainee: each competency's level, evidence count, verdict and its reasons.

    The levels, course states and verdicts are the dashboard's: levels and their history kept in
    LevelSummary (computed by group_cells), course states in ProgressSummary (computed by
    progress_totals), verdicts by the same rules (readiness.kept_verdict). What is said the same
    way for many trainees — a verdict's sentences, a level's digits — is built once; a trainee
    whose evidence, progress and names have not changed keeps their row (_export).
    """
    now = now or timezone.now()
    competencies = all_competencies()
    courses = {c.key: c for c in live_courses()}
    rules, _stale = team_rules(team=team, competencies={c.pk: c for c in competencies}, courses=courses)
    zone = timezone.get_current_timezone()
    context = (
        current_language(), str(zone), team.name, [(c.pk, c.name) for c in competencies],
        rules_print(rules),
        [(c.key, c.title, c.lesson_ids) for c in courses.values()],
    )
    header = ([_("Trainee"), _("Username"), _("Team"), _("Joined")] + [c.name for c in competencies]
              + [_("Evidence"), _("Readiness"), _("Unmet rules"), _("Days to readiness")])

    def write(members):
        progress, kept = standing(team=team, learner_ids=[m.user_id for m in members], rules=rules,
                                  courses=courses, now=now)
        judge = Judge(rules)
        no_levels: dict = {}
        statuses = {"ready": _("ready"), "not_ready": _("not ready"), "no_rules": _("no rules")}
        team_name = _safe(team.name)
        competency_ids = [c.pk for c in competencies]
        texts = _LevelTexts()
        rows = {}
        for member in members:
            learner_levels = kept.levels.get(member.user_id, no_levels)
            result = kept_verdict(judge, levels=learner_levels, courses=progress.get(member.user_id, no_levels),
                                  history=kept.steps.get(member.user_id), joined_at=member.joined_at)
            row = (
                [_safe(member.display_name), _safe(member.username), team_name, _local_date(member.joined_at, zone)]
                + [texts[level[0]] if level else "" for level in map(learner_levels.get, competency_ids)]
                + [sum(count for _level_, count in learner_levels.values()), statuses[result.status],
                   "; ".join(result.reasons), "" if result.days_to_ready is None else result.days_to_ready]
            )
            rows[member.user_id] = ([row], member.user_id not in kept.provisional)
        return {user_id: (_csv(lines), keep) for user_id, (lines, keep) in rows.items()}

    return _export(team=team, kind="matrix", header=header, context=context, write=write)


def progress_csv(*, team) -> str:
    """One row per trainee and live course: lessons completed, percent, completion date, minutes."""
    courses = live_courses()
    zone = timezone.get_current_timezone()
    header = [_("Trainee"), _("Username"), _("Course"), _("Lessons completed"), _("Lessons"), _("Percent"),
              _("Completed on"), _("Minutes spent")]
    context = (current_language(), str(zone), [(c.key, c.title, c.lesson_ids) for c in courses])

    def write(members):
        ids = [m.user_id for m in members]
        trainees = ids if len(ids) <= BY_NAME else Membership.objects.filter(team=team, role=Role.TRAINEE).values(
            "user_id")
        progress = team_course_states(trainees=trainees, learner_ids=ids, courses=courses)
        titles = [_safe(course.title) for course in courses]
        # What a course nobody started says (most rows of a large team); the state is the same as ever.
        untouched = [[title, state.done, state.total, state.percent, "", round(state.seconds / 60)]
                     for title, state in zip(titles, (CourseState(info=course) for course in courses), strict=True)]
        rows = {}
        for member in members:
            name, username = _safe(member.display_name), _safe(member.username)
            states = progress.get(member.user_id) or {}
            learner_rows = []
            for course, title, tail in zip(courses, titles, untouched, strict=True):
                state = states.get(course.key)
                if state is None:
                    learner_rows.append([name, username, *tail])
                    continue
                learner_rows.append([
                    name, username, title, state.done, state.total, state.percent,
                    _local_date(state.completed_at, zone) if state.completed_at else "",
                    round(state.seconds / 60),
                ])
            rows[member.user_id] = (learner_rows, True)
        return {user_id: (_csv(lines), keep) for user_id, (lines, keep) in rows.items()}

    return _export(team=team, kind="progress", header=header, context=context, write=write)
