"""Readiness verdicts: which of a team's rules a trainee meets, in words, and since when.

Pure functions over data the selectors have already read. A rule is met when

- a course rule: every live lesson of the course is completed (the same test as the course's
  own progress bar, `courses.selectors.CourseSummary.is_complete`);
- a level rule: the competency's level, rounded to one decimal as it is shown, is at least the
  minimum. No evidence is never a pass.

Time to readiness is computed from history, not recorded: the first moment at which every
current rule was met — the completion of the last required lesson and the evidence after which
each level stood at its minimum — minus the day the trainee joined the team. Levels change only
when evidence arrives (see insights.levels), so walking the evidence in time order is exact.
Because it is recomputed from the current rules, changing the rules changes it too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from .levels import Cell, cell_steps, steps_of


@dataclass
class CourseInfo:
    key: uuid.UUID
    title: str
    lesson_keys: list = field(default_factory=list)
    lesson_titles: list = field(default_factory=list)
    page_id: int | None = None

    @property
    def lesson_ids(self) -> list[str]:
        """The lessons' keys as progress rows carry them (32-character hex, see fetch_rows)."""
        return [key.hex if isinstance(key, uuid.UUID) else str(key) for key in self.lesson_keys]


@dataclass
class CourseState:
    """A learner's progress in one course: lessons done out of the live ones, and when the
    last of them was completed (None until all are)."""

    info: CourseInfo
    done: int = 0
    completed_at: datetime | None = None
    seconds: int = 0
    lesson_done: dict = field(default_factory=dict)  # lesson key -> completed_at

    @property
    def lessons(self) -> list[tuple[str, datetime | None]]:
        """(title, completed_at or None) for each live lesson, in order."""
        return [(title, self.lesson_done.get(key))
                for key, title in zip(self.info.lesson_ids, self.info.lesson_titles, strict=True)]

    @property
    def total(self) -> int:
        return len(self.info.lesson_keys)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


def course_states(courses: list[CourseInfo], progress, lesson_ids: dict | None = None) -> dict[uuid.UUID, CourseState]:
    """One learner's states from their progress rows (lesson id as hex, completed_at, seconds).

    `lesson_ids`: course key → its lessons' ids, when the caller computed them once for many
    learners.
    """
    by_lesson = {lesson_key: (completed_at, seconds) for lesson_key, completed_at, seconds in progress}
    states = {}
    for course in courses:
        state = CourseState(info=course)
        last = None
        ids = lesson_ids[course.key] if lesson_ids is not None else course.lesson_ids
        for lesson_key in ids:
            completed_at, seconds = by_lesson.get(lesson_key, (None, 0))
            state.seconds += seconds or 0
            if completed_at is not None:
                state.done += 1
                state.lesson_done[lesson_key] = completed_at
                last = completed_at if last is None or completed_at > last else last
        if state.is_complete:
            state.completed_at = last
        states[course.key] = state
    return states


@dataclass
class Rule:
    kind: str  # "course" | "level"
    course: CourseInfo | None = None
    competency: object = None  # assessments.Competency
    minimum: float | None = None

    @property
    def label(self) -> str:
        if self.kind == "course":
            return _("Course “%(course)s” completed") % {"course": self.course.title}
        return _("%(competency)s at least %(minimum)s") % {
            "competency": self.competency.name, "minimum": _number(self.minimum),
        }


@dataclass
class Verdict:
    status: str  # "ready" | "not_ready" | "no_rules"
    reasons: list[str] = field(default_factory=list)
    met: list[str] = field(default_factory=list)
    ready_at: datetime | None = None
    days_to_ready: int | None = None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def _number(value: float) -> str:
    """One decimal in the active language's notation (3,5 in Polish)."""
    return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))


class Wording:
    """The sentences of verdicts in the active language (a Judge keeps each one it has said)."""

    def label(self, rule: Rule) -> str:
        return rule.label

    def course_not_completed(self, course: CourseInfo, done: int, total: int) -> str:
        return _("Course “%(course)s” not completed (%(done)s of %(total)s lessons)") % {
            "course": course.title, "done": done, "total": total}

    def no_evidence(self, competency) -> str:
        return _("No evidence for %(competency)s") % {"competency": competency.name}

    def below(self, competency, level: float, minimum: float) -> str:
        return _("%(competency)s %(level)s < %(minimum)s required") % {
            "competency": competency.name, "level": _number(level), "minimum": _number(minimum)}


class Judge:
    """A team's rules prepared once for judging many learners in one language.

    Judging a rule is one or two lookups; an export judges 5,000 learners, where calling a
    function per rule and building each sentence's key cost more than the judging (profiled:
    half of a cold matrix export). Each rule's sentences are kept here by what they say (lessons
    done, the level), built by the Wording on first use. Every verdict is judged by a Judge, so
    there is one test of a rule.
    """

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self.wording = Wording()
        self._labels: dict[int, str] = {}  # rule position → its label, for the met rules
        self.level_ids = [rule.competency.id for rule in rules if rule.kind == "level"]
        self._checks = [
            (True, rule.course.key, len(rule.course.lesson_keys), rule, {}) if rule.kind == "course"
            else (False, rule.competency.id, rule.minimum, rule, {})
            for rule in rules
        ]

    def outcomes(self, levels: dict, courses: dict) -> list[str | None]:
        """For each rule in order, the sentence saying why it is not met, or None when it is.

        `levels`: competency id → level (rounded, as shown; None or absent without evidence);
        `courses`: course key → CourseState.
        """
        outcomes = []
        for is_course, key, bound, rule, said in self._checks:
            if is_course:
                state = courses.get(key)
                if state is not None and state.is_complete:
                    outcomes.append(None)
                    continue
                fact = (state.done, state.total) if state is not None else (0, bound)
                text = said.get(fact)
                if text is None:
                    text = said[fact] = self.wording.course_not_completed(rule.course, *fact)
            else:
                level = levels.get(key)
                if level is not None and level + 1e-9 >= bound:
                    outcomes.append(None)
                    continue
                text = said.get(level)
                if text is None:
                    text = said[level] = (self.wording.no_evidence(rule.competency) if level is None
                                          else self.wording.below(rule.competency, level, bound))
            outcomes.append(text)
        return outcomes

    def reasons(self, levels: dict, courses: dict) -> list[str]:
        """The unmet rules in words, in the rules' order (empty: every rule is met)."""
        return [text for text in self.outcomes(levels, courses) if text is not None]

    def met(self, outcomes: list[str | None]) -> list[str]:
        """The labels of the rules `outcomes` says are met, in the rules' order."""
        labels = []
        for index, (rule, text) in enumerate(zip(self.rules, outcomes, strict=True)):
            if text is None:
                if index not in self._labels:
                    self._labels[index] = self.wording.label(rule)
                labels.append(self._labels[index])
        return labels

    def since(self, result: Verdict, *, steps: dict, courses: dict, joined_at: datetime | None) -> Verdict:
        """A ready verdict with since when and the days from joining to then."""
        result.ready_at = first_ready_at(self.rules, steps=steps, courses=courses)
        if result.ready_at is not None and joined_at is not None:
            result.days_to_ready = days_between(joined_at, result.ready_at)
        return result


def kept_verdict(judge: Judge, *, levels: dict, courses: dict, history: list[int] | None,
                 joined_at: datetime | None) -> Verdict:
    """`verdict` for a learner read from the kept summaries (insights.selectors.team_levels):
    `levels` competency id → (level, evidence count), `history` the kept level history
    (insights.levels.flat_steps), read only when every rule is met. No met rules' labels."""
    if not judge.rules:
        return Verdict(status="no_rules")
    reasons = judge.reasons({pk: levels[pk][0] for pk in judge.level_ids if pk in levels}, courses)
    if reasons:
        return Verdict(status="not_ready", reasons=reasons)
    return judge.since(Verdict(status="ready"), steps=steps_of(history or [], judge.level_ids), courses=courses,
                       joined_at=joined_at)


def verdict(rules: list[Rule], *, cells: dict[int, Cell], courses: dict, joined_at: datetime | None = None,
            judge: Judge | None = None) -> Verdict:
    """The verdict for one learner, with every unmet rule in words and, if ready, since when.

    `judge`: one Judge of these rules for many verdicts in one language, so each sentence is
    built once.
    """
    if not rules:
        return Verdict(status="no_rules")
    judge = judge or Judge(rules)
    outcomes = judge.outcomes({pk: cell.level for pk, cell in cells.items()}, courses)
    reasons = [text for text in outcomes if text is not None]
    result = Verdict(status="not_ready" if reasons else "ready", reasons=reasons, met=judge.met(outcomes))
    if reasons:
        return result
    steps = {pk: cell_steps(cells[pk].rows, cells[pk].level) for pk in judge.level_ids if pk in cells}
    return judge.since(result, steps=steps, courses=courses, joined_at=joined_at)


def days_between(start: datetime, end: datetime) -> int:
    """Whole calendar days from start to end in local time; evidence from before joining counts
    as day 0."""
    return max(0, (timezone.localtime(end).date() - timezone.localtime(start).date()).days)


def first_ready_at(rules: list[Rule], *, steps: dict[int, list[tuple[datetime, float]]], courses: dict) -> datetime | None:
    """The first moment at which every rule was met, from the history: `steps` is competency id →
    [(moment, level from then on)], oldest first (insights.levels.cell_steps), for the rules'
    competencies; `courses` the course states with their completion times."""
    moment = None  # every course rule is met from the last required course's completion on
    for rule in rules:
        if rule.kind == "course":
            state = courses.get(rule.course.key)
            if state is None or state.completed_at is None:
                return None
            moment = state.completed_at if moment is None or state.completed_at > moment else moment
    level_rules = [rule for rule in rules if rule.kind == "level"]
    if not level_rules:
        return moment
    events = sorted(
        (at, rule_index, order, level)
        for rule_index, rule in enumerate(level_rules)
        for order, (at, level) in enumerate(steps.get(rule.competency.id, ()))
    )
    levels: list[float | None] = [None] * len(level_rules)

    def all_met() -> bool:
        return all(level is not None and level + 1e-9 >= rule.minimum
                   for level, rule in zip(levels, level_rules, strict=True))

    index = 0
    checked_moment = moment is None
    while index < len(events):
        at = events[index][0]
        if not checked_moment and at >= moment:
            # The state as it stood when the last required course was completed.
            checked_moment = True
            if all_met():
                return moment
        # Take every piece of evidence recorded at this same moment before judging.
        while index < len(events) and events[index][0] == at:
            _at, rule_index, _order, level = events[index]
            levels[rule_index] = level
            index += 1
        if checked_moment and all_met():
            return at
    if not checked_moment and all_met():
        return moment
    return None
