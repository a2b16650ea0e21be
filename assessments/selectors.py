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
from math import fsum
from typing import TYPE_CHECKING

from django.utils import timezone

from academy.statements import select

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
        return score_to_level(self.score)


def score_to_level(score: float | None) -> float | None:
    """A 0–1 score on the rubric's 1–5 scale, rounded to one decimal as it is shown everywhere."""
    return None if score is None else round(1 + 4 * score, 1)


def recency_weight(weight: float, created_at: datetime, now: datetime) -> float:
    age_days = max(0.0, (now - created_at).total_seconds() / 86400)
    return weight * 0.5 ** (age_days / HALF_LIFE_DAYS)


def weighted_score(rows, now: datetime) -> float | None:
    """The recency-weighted mean of evidence rows as it stands at `now`: rows whose first three
    items are score, weight and created_at (more may follow).

    Every weight decays by the same factor as time passes, so the mean does not depend on
    `now`, only on the ages relative to the newest evidence; the ages are counted from there
    (from `now` if evidence is dated later, which counts as new, as in `recency_weight`). With
    exact sums (`fsum`) the result is one number whatever the moment and the order of the
    rows, so the dashboard, the profile, this app's results page and the exports, which read
    the evidence at different moments and in different orders, show the same level.

    It runs for every learner × competency of a team (70,000 at 5,000 trainees), hence the
    shortcut for a single record.
    """
    if len(rows) == 1:  # what the sums below make of one row: score × (weight × 1) / (weight × 1)
        score, weight = rows[0][0], rows[0][1]
        return score * weight / weight if weight > 0 else None
    if not rows:
        return None
    newest = min(max([row[2] for row in rows]), now)
    weights = [recency_weight(row[1], row[2], newest) for row in rows]
    weighted = [row[0] * weight for row, weight in zip(rows, weights, strict=True)]
    total = fsum(weights)
    if total <= 0:
        return None
    return fsum(weighted) / total


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
    return level_history(list(Evidence.objects.filter(learner=learner, competency=competency)
                              .order_by("created_at", "id").values_list("score", "weight", "created_at")))


def level_history(rows) -> list[tuple[datetime, float]]:
    """The level (two decimals, for charts) right after each of the evidence rows (score, weight,
    created_at, …), sorted by time, oldest first."""
    points = []
    for index, row in enumerate(rows):
        value = weighted_score(rows[: index + 1], row[2])
        if value is not None:
            points.append((row[2], round(1 + 4 * value, 2)))
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
    status.attempts = select(Attempt, where={"learner": learner.pk, "quiz": quiz.pk}, order_by="-number")
    for attempt in status.attempts:
        Attempt.quiz.field.set_cached_value(attempt, quiz)
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


# --- grading --------------------------------------------------------------------------------
def grading_queue(*, answers):
    """Open answers waiting for a grade, oldest first, from an already access-filtered queryset."""
    return (answers.filter(status="pending")
            .select_related("question", "attempt__quiz", "attempt__learner")
            .order_by("answered_at", "id"))


def recently_graded(*, answers, limit: int = 20):
    return (answers.filter(status="graded", graded_by__isnull=False)
            .select_related("question", "attempt__quiz", "attempt__learner", "graded_by")
            .order_by("-graded_at", "-id")[:limit])


# --- item analysis --------------------------------------------------------------------------
MIN_ATTEMPTS_FOR_FLAGS = 5
FACILITY_TOO_HARD = 0.2
FACILITY_TOO_EASY = 0.95
DISCRIMINATION_LOW = 0.2


@dataclass
class ItemStats:
    question: object
    responses: int = 0
    facility: float | None = None  # mean score 0–1 ("share correct" with partial credit)
    discrimination: float | None = None  # correlation of the item with the rest of the attempt
    flags: list = field(default_factory=list)

    @property
    def facility_percent(self):
        return None if self.facility is None else round(self.facility * 100)

    @property
    def discrimination_percent(self):
        return None if self.discrimination is None else round(self.discrimination * 100)


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sxx * syy) ** 0.5


def quiz_item_analysis(*, quiz, learners) -> tuple[int, list[ItemStats]]:
    """Per question facility and discrimination over the graded attempts of `learners`.

    As in Moodle's quiz statistics: facility is the mean score on the item (share correct, with
    partial credit); discrimination is the correlation between the item score and the score on
    the rest of the attempt (item left out), so a good item is answered better by those who do
    well overall. An item is flagged, once at least MIN_ATTEMPTS_FOR_FLAGS attempts answered it,
    when it is too hard (facility < 20 %), too easy (> 95 %) or discriminates poorly (< 0.2 or
    negative). Two queries whatever the size.
    """
    from .models import Answer, Question

    rows = list(Answer.objects.filter(
        attempt__quiz=quiz, attempt__state="graded", attempt__learner__in=learners
    ).values_list("attempt_id", "question_id", "score"))
    by_attempt: dict[int, dict[int, float]] = defaultdict(dict)
    for attempt_id, question_id, score in rows:
        by_attempt[attempt_id][question_id] = score or 0.0
    totals = {a: sum(scores.values()) for a, scores in by_attempt.items()}
    question_ids = {q for _a, q, _s in rows}
    questions = Question.objects.in_bulk(question_ids)
    stats = []
    for question_id in sorted(question_ids, key=lambda q: questions[q].slug):
        item_scores, rest_scores = [], []
        for attempt_id, scores in by_attempt.items():
            if question_id in scores:
                item_scores.append(scores[question_id])
                rest_scores.append(totals[attempt_id] - scores[question_id])
        item = ItemStats(question=questions[question_id], responses=len(item_scores))
        item.facility = sum(item_scores) / len(item_scores) if item_scores else None
        item.discrimination = _pearson(item_scores, rest_scores)
        if item.responses >= MIN_ATTEMPTS_FOR_FLAGS and item.facility is not None:
            if item.facility < FACILITY_TOO_HARD:
                item.flags.append("too_hard")
            elif item.facility > FACILITY_TOO_EASY:
                item.flags.append("too_easy")
            if item.discrimination is not None and item.discrimination < DISCRIMINATION_LOW:
                item.flags.append("negative" if item.discrimination < 0 else "low_discrimination")
        stats.append(item)
    return len(by_attempt), stats


def quizzes_with_attempt_counts(*, learners):
    from django.db.models import Count, Q

    from .models import Quiz

    return Quiz.objects.annotate(
        graded=Count("attempts", filter=Q(attempts__state="graded", attempts__learner__in=learners), distinct=True)
    ).order_by("slug")


# --- banks ----------------------------------------------------------------------------------
def bank_names() -> list[tuple[str, int]]:
    from django.db.models import Count

    from .models import Question

    return list(Question.objects.values_list("bank").annotate(n=Count("id")).order_by("bank"))


def bank_export(*, bank_name: str) -> list[dict]:
    """A bank in the exchange format, ready for json.dumps (two queries)."""
    from .bank import question_to_exchange
    from .models import Question, QuestionCompetency

    questions = list(Question.objects.filter(bank=bank_name).order_by("category", "slug"))
    tags: dict[int, dict[str, float]] = defaultdict(dict)
    for question_id, slug, weight in QuestionCompetency.objects.filter(
        question__in=questions
    ).values_list("question_id", "competency__slug", "weight"):
        tags[question_id][slug] = weight
    return [question_to_exchange(q, tags[q.pk]) for q in questions]


# --- consistency check ----------------------------------------------------------------------
SPLIT_BELOW = 0.6


@dataclass
class OptionShare:
    key: str
    text: str
    count: int
    share: float

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class ItemAgreement:
    item: object
    options: list
    respondents: int
    agreement: float | None

    @property
    def percent(self):
        return None if self.agreement is None else round(self.agreement * 100)

    @property
    def split(self) -> bool:
        return self.agreement is not None and self.agreement < SPLIT_BELOW


def consistency_summary(*, run) -> dict:
    """Agreement per item and overall, never who answered what.

    Agreement on an item is the share of respondents who chose its most common option (1.0 =
    everyone agrees; with four options and an even split it falls to 0.25). An item where fewer
    than 60 % agree is where the team splits. Overall agreement is the mean over items answered.
    Three queries.
    """
    from django.db.models import Count

    from academy.i18n import current_language

    from .models import ConsistencyAnswer

    language = current_language()
    items = list(run.questionnaire.items.all())
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, key, n in ConsistencyAnswer.objects.filter(run=run).values_list(
        "item_id", "option_key"
    ).annotate(n=Count("id")):
        counts[item_id][key] = n
    respondents = ConsistencyAnswer.objects.filter(run=run).values("member").distinct().count()
    result = []
    for item in items:
        item_counts = counts.get(item.pk, {})
        total = sum(item_counts.values())
        options = [OptionShare(key=o["key"], text=o.get(language) or o.get("pl", ""),
                               count=item_counts.get(o["key"], 0),
                               share=(item_counts.get(o["key"], 0) / total) if total else 0.0)
                   for o in item.options]
        agreement = max(item_counts.values()) / total if total else None
        result.append(ItemAgreement(item=item, options=options, respondents=total, agreement=agreement))
    answered = [r.agreement for r in result if r.agreement is not None]
    overall = sum(answered) / len(answered) if answered else None
    return {
        "items": result,
        "respondents": respondents,
        "overall": overall,
        "overall_percent": None if overall is None else round(overall * 100),
        "splits": sorted((r for r in result if r.split), key=lambda r: r.agreement),
    }
