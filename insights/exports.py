"""CSV exports of a whole team: the competency matrix with verdicts, and course progress.

Each export reads the team in a fixed number of queries (one for the trainees, one for all their
evidence or progress) and computes levels with the same functions as the dashboard, so the file
and the screen always agree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import Membership, Role

from .levels import fetch_rows
from .readiness import CourseState, Judge, kept_verdict
from .selectors import all_competencies, live_courses, team_course_states, team_levels, team_rules

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


@dataclass
class Member:
    user_id: int
    username: str
    display_name: str
    joined_at: object


def _members(team) -> list[Member]:
    """The team's trainees in name order (one query; plain rows, not model instances, which
    cost more than the rest of an export of 5,000)."""
    rows = fetch_rows(
        Membership.objects.filter(team=team, role=Role.TRAINEE)
        .order_by("user__last_name", "user__first_name", "user__username", "pk"),
        ("user_id", "user__username", "user__first_name", "user__last_name", "joined_at"), ("joined_at",),
    )
    return [Member(user_id, username, f"{first} {last}".strip() or username, joined_at)
            for user_id, username, first, last, joined_at in rows]


def _local_date(moment, zone) -> str:
    """The calendar date of a moment in the zone (`timezone.localtime`, with the current zone
    looked up once for a whole export rather than once per row), ISO."""
    return moment.astimezone(zone).date().isoformat()


def _writer():
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the Polish letters as UTF-8
    return buffer, csv.writer(buffer)


def matrix_csv(*, team, now=None) -> str:
    """One row per trainee: each competency's level, evidence count, verdict and its reasons.

    The levels, course states and verdicts are the dashboard's: levels and their history kept in
    LevelSummary (computed by group_cells), course states in ProgressSummary (computed by
    progress_totals), verdicts by the same rules (readiness.kept_verdict). What is said
    the same way for many trainees — a verdict's sentences, a level's digits — is built once.
    """
    now = now or timezone.now()
    competencies = all_competencies()
    courses = {c.key: c for c in live_courses()}
    rules, _stale = team_rules(team=team, competencies={c.pk: c for c in competencies}, courses=courses)
    members = _members(team)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    ids = [m.user_id for m in members]
    rule_courses = [r.course.key for r in rules if r.kind == "course"]
    progress = team_course_states(trainees=trainees, learner_ids=ids, courses=list(courses.values()),
                                  wanted=rule_courses) if rule_courses else {}
    no_levels: dict = {}
    judge = Judge(rules)
    kept = team_levels(trainees=trainees, learner_ids=ids, now=now, steps=bool(rules))
    buffer, writer = _writer()
    writer.writerow(
        [_("Trainee"), _("Username"), _("Team"), _("Joined")]
        + [c.name for c in competencies]
        + [_("Evidence"), _("Readiness"), _("Unmet rules"), _("Days to readiness")]
    )
    statuses = {"ready": _("ready"), "not_ready": _("not ready"), "no_rules": _("no rules")}
    team_name = _safe(team.name)
    competency_ids = [c.pk for c in competencies]
    texts = _LevelTexts()
    zone = timezone.get_current_timezone()
    rows = []
    for member in members:
        learner_levels = kept.levels.get(member.user_id, no_levels)
        result = kept_verdict(judge, levels=learner_levels, courses=progress.get(member.user_id, no_levels),
                              history=kept.steps.get(member.user_id), joined_at=member.joined_at)
        rows.append(
            [_safe(member.display_name), _safe(member.username), team_name, _local_date(member.joined_at, zone)]
            + [texts[kept_level[0]] if kept_level else "" for kept_level in map(learner_levels.get, competency_ids)]
            + [sum(count for _level_, count in learner_levels.values()), statuses[result.status],
               "; ".join(result.reasons), "" if result.days_to_ready is None else result.days_to_ready]
        )
    writer.writerows(rows)
    return buffer.getvalue()


def progress_csv(*, team) -> str:
    """One row per trainee and live course: lessons completed, percent, completion date, minutes."""
    courses = live_courses()
    members = _members(team)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    progress = team_course_states(trainees=trainees, learner_ids=[m.user_id for m in members], courses=courses)
    buffer, writer = _writer()
    writer.writerow([_("Trainee"), _("Username"), _("Course"), _("Lessons completed"), _("Lessons"), _("Percent"),
                     _("Completed on"), _("Minutes spent")])
    zone = timezone.get_current_timezone()
    titles = [_safe(course.title) for course in courses]
    # What a course nobody started says (most rows of a large team); the state is the same as ever.
    untouched = [[title, state.done, state.total, state.percent, "", round(state.seconds / 60)]
                 for title, state in zip(titles, (CourseState(info=course) for course in courses), strict=True)]
    rows = []
    for member in members:
        name, username = _safe(member.display_name), _safe(member.username)
        states = progress.get(member.user_id)
        if states is None:
            rows.extend([name, username, *tail] for tail in untouched)
            continue
        for course, title, tail in zip(courses, titles, untouched, strict=True):
            state = states.get(course.key)
            if state is None:
                rows.append([name, username, *tail])
                continue
            rows.append([
                name, username, title, state.done, state.total, state.percent,
                _local_date(state.completed_at, zone) if state.completed_at else "",
                round(state.seconds / 60),
            ])
    writer.writerows(rows)
    return buffer.getvalue()
