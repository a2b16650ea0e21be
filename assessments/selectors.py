"""Reads: a learner's level per competency and its history.

The level is a recency-weighted mean of the evidence: each record counts with
`weight × 0.5 ** (age_days / HALF_LIFE_DAYS)`, so what a person did last week says more than
what they did three months ago, and one bad quiz fades as newer evidence arrives. The mean
score (0–1) is shown on the rubric's 1–5 scale (`1 + 4 × score`). A competency without evidence
has no level (None), never a zero.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Competency, Evidence

if TYPE_CHECKING:
    from .models import Attempt, Quiz

HALF_LIFE_DAYS = 60.0


@dataclass
class CompetencyLevelView:
    competency: Competency
    score: float | None = None
    evidence_count: int = 0
    last_at: datetime | None = None
    sources: dict = field(default_factory=dict)

    @property
    def level(self) -> float | None:
        return None if self.score is None else round(1 + 4 * self.score, 1)


def recency_weight(weight: float, created_at: datetime, now: datetime) -> float:
    age_days = max(0.0, (now - created_at).total_seconds() / 86400)
    return weight * 0.5 ** (age_days / HALF_LIFE_DAYS)


def weighted_score(rows, now: datetime) -> float | None:
    total = sum(recency_weight(w, at, now) for _, w, at in rows)
    if total <= 0:
        return None
    return sum(s * recency_weight(w, at, now) for s, w, at in rows) / total


def learner_competency_levels(*, learner, now: datetime | None = None) -> list[CompetencyLevelView]:
    """Every competency with the learner's current level (two queries)."""
    now = now or timezone.now()
    rows = defaultdict(list)
    views = {c.pk: CompetencyLevelView(competency=c) for c in Competency.objects.all()}
    for ev in Evidence.objects.filter(learner=learner).values_list(
        "competency_id", "score", "weight", "created_at", "source"
    ):
        competency_id, score, weight, created_at, source = ev
        rows[competency_id].append((score, weight, created_at))
        view = views[competency_id]
        view.evidence_count += 1
        view.sources[source] = view.sources.get(source, 0) + 1
        if view.last_at is None or created_at > view.last_at:
            view.last_at = created_at
    for competency_id, competency_rows in rows.items():
        views[competency_id].score = weighted_score(competency_rows, now)
    return list(views.values())


def learner_competency_history(*, learner, competency: Competency) -> list[tuple[datetime, float]]:
    """The level as it stood after each piece of evidence, oldest first (for charts)."""
    points = []
    seen = []
    for score, weight, created_at in Evidence.objects.filter(
        learner=learner, competency=competency
    ).order_by("created_at", "id").values_list("score", "weight", "created_at"):
        seen.append((score, weight, created_at))
        value = weighted_score(seen, created_at)
        if value is not None:
            points.append((created_at, round(1 + 4 * value, 2)))
    return points


# --- quizzes and attempts -------------------------------------------------------------------
@dataclass
class QuizStatus:
    """What a learner sees on a quiz panel: start, continue or their result."""

    quiz: "Quiz"
    attempts: list = field(default_factory=list)
    open_attempt: "Attempt | None" = None
    best: "Attempt | None" = None
    passed: bool = False
    awaiting: bool = False

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int | None:
        if not self.quiz.attempt_limit:
            return None
        return max(0, self.quiz.attempt_limit - self.used)

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and (self.attempts_left is None or self.attempts_left > 0)

    @property
    def last(self):
        return self.attempts[0] if self.attempts else None


def quiz_status(*, learner, quiz) -> QuizStatus:
    """The learner's attempts at one quiz, newest first (one query)."""
    from .models import Attempt

    status = QuizStatus(quiz=quiz)
    if not learner.is_authenticated:
        return status
    status.attempts = list(Attempt.objects.filter(learner=learner, quiz=quiz).order_by("-number"))
    _fill_status(status)
    return status


def quizzes_for_learner(*, learner):
    """Listed quizzes with the learner's status for each (two queries)."""
    from .models import Attempt, Quiz

    quizzes = list(Quiz.objects.filter(is_active=True))
    by_quiz: dict[int, list] = defaultdict(list)
    for attempt in Attempt.objects.filter(learner=learner).order_by("-number"):
        by_quiz[attempt.quiz_id].append(attempt)
    result = []
    for quiz in quizzes:
        status = QuizStatus(quiz=quiz)
        for attempt in by_quiz.get(quiz.pk, []):
            status.attempts.append(attempt)
        _fill_status(status)
        result.append(status)
    return result


def _fill_status(status: QuizStatus) -> None:
    from .models import Attempt

    for attempt in status.attempts:
        if attempt.state == Attempt.State.IN_PROGRESS:
            status.open_attempt = attempt
        elif attempt.state == Attempt.State.AWAITING:
            status.awaiting = True
        elif attempt.score is not None and (status.best is None or attempt.score > status.best.score):
            status.best = attempt
        if attempt.passed:
            status.passed = True


def learner_attempts(*, learner):
    """Every finished or running attempt of a learner with its quiz (one query)."""
    from .models import Attempt

    return Attempt.objects.filter(learner=learner).select_related("quiz").order_by("-started_at", "-id")
