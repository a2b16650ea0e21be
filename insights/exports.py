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

from .levels import group_cells
from .readiness import course_states, verdict
from .selectors import all_competencies, live_courses, page_evidence, page_progress, team_rules

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    """Text a spreadsheet will not run as a formula (names typed by people)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _level(value) -> str:
    return "" if value is None else f"{value:.1f}"


@dataclass
class Member:
    user_id: int
    username: str
    display_name: str
    joined_at: object


def _members(team) -> list[Member]:
    """The team's trainees in name order (one query; plain rows, not model instances, which
    cost more than the rest of an export of 5,000)."""
    rows = (Membership.objects.filter(team=team, role=Role.TRAINEE)
            .order_by("user__last_name", "user__first_name", "user__username", "pk")
            .values_list("user_id", "user__username", "user__first_name", "user__last_name", "joined_at"))
    return [Member(user_id, username, f"{first} {last}".strip() or username, joined_at)
            for user_id, username, first, last, joined_at in rows]


def _writer():
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the Polish letters as UTF-8
    return buffer, csv.writer(buffer)


def matrix_csv(*, team, now=None) -> str:
    """One row per trainee: each competency's level, evidence count, verdict and its reasons."""
    now = now or timezone.now()
    competencies = all_competencies()
    courses = {c.key: c for c in live_courses()}
    rules, _stale = team_rules(team=team, competencies={c.pk: c for c in competencies}, courses=courses)
    members = _members(team)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    cells = group_cells(page_evidence(trainees), now=now)
    rule_courses = {r.course.key: r.course for r in rules if r.kind == "course"}
    progress = page_progress(trainees, rule_courses) if rule_courses else {}
    buffer, writer = _writer()
    writer.writerow(
        [_("Trainee"), _("Username"), _("Team"), _("Joined")]
        + [c.name for c in competencies]
        + [_("Evidence"), _("Readiness"), _("Unmet rules"), _("Days to readiness")]
    )
    courses_of_rules = list(rule_courses.values())
    lesson_ids = {c.key: c.lesson_ids for c in courses_of_rules}
    for member in members:
        learner_cells = cells.get(member.user_id, {})
        states = course_states(courses_of_rules, progress.get(member.user_id, []), lesson_ids)
        result = verdict(rules, cells=learner_cells, courses=states, joined_at=member.joined_at)
        status = {"ready": _("ready"), "not_ready": _("not ready"), "no_rules": _("no rules")}[result.status]
        writer.writerow(
            [_safe(member.display_name), _safe(member.username), _safe(team.name),
             timezone.localtime(member.joined_at).date().isoformat()]
            + [_level(learner_cells[c.pk].level) if c.pk in learner_cells else "" for c in competencies]
            + [sum(cell.evidence_count for cell in learner_cells.values()), status, "; ".join(result.reasons),
               "" if result.days_to_ready is None else result.days_to_ready]
        )
    return buffer.getvalue()


def progress_csv(*, team) -> str:
    """One row per trainee and live course: lessons completed, percent, completion date, minutes."""
    courses = live_courses()
    members = _members(team)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    progress = page_progress(trainees, {c.key: c for c in courses})
    buffer, writer = _writer()
    writer.writerow([_("Trainee"), _("Username"), _("Course"), _("Lessons completed"), _("Lessons"), _("Percent"),
                     _("Completed on"), _("Minutes spent")])
    lesson_ids = {c.key: c.lesson_ids for c in courses}
    for member in members:
        states = course_states(courses, progress.get(member.user_id, []), lesson_ids)
        for course in courses:
            state = states[course.key]
            writer.writerow([
                _safe(member.display_name), _safe(member.username), _safe(course.title),
                state.done, state.total, state.percent,
                timezone.localtime(state.completed_at).date().isoformat() if state.completed_at else "",
                round(state.seconds / 60),
            ])
    return buffer.getvalue()
