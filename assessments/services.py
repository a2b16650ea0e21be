"""Writes: competency evidence (and, later, quizzes, attempts and grading)."""

from django.db import transaction
from django.utils import timezone

from .models import Competency, Evidence


@transaction.atomic
def evidence_record(
    *,
    learner,
    competency: Competency | str,
    score: float,
    source: str,
    reference: str,
    weight: float = 1.0,
    recorded_by=None,
    note: str = "",
    at=None,
) -> Evidence:
    """Record (or replace) the evidence one source gives about one competency.

    The same learner + competency + source + reference is one record: a re-grade or a
    resubmitted score updates it instead of counting twice.
    """
    if isinstance(competency, str):
        competency = Competency.objects.get(slug=competency)
    if not 0.0 <= score <= 1.0:
        raise ValueError("score must be between 0 and 1")
    evidence, _ = Evidence.objects.update_or_create(
        learner=learner,
        competency=competency,
        source=source,
        reference=reference,
        defaults={
            "score": score,
            "weight": weight,
            "recorded_by": recorded_by,
            "note": note,
            "created_at": at or timezone.now(),
        },
    )
    return evidence


def level_to_score(level: float) -> float:
    """A rubric level 1–5 as a 0–1 score."""
    return max(0.0, min(1.0, (level - 1) / 4))
