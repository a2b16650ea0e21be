"""Writes: competency content, evidence, question banks, quizzes, attempts, grading and the
team consistency check."""

import json
import re
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import Competency, CompetencyLevel, Evidence


class ContentError(Exception):
    """A content file cannot be loaded; the message says where and why."""


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


_LEVEL_PREFIX = re.compile(r"^\s*[1-5]\s*[:.)]\s*")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise ContentError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


@transaction.atomic
def competencies_load(*, path: Path) -> tuple[int, int]:
    """Create or update competencies and their five levels by slug; (created, updated)."""
    entries = _read_json(path)
    if not isinstance(entries, list):
        raise ContentError(f"{path}: expected a list of competencies")
    created = updated = 0
    for index, entry in enumerate(entries, start=1):
        where = f"{path.name} #{index} ({entry.get('slug', '?') if isinstance(entry, dict) else '?'})"
        try:
            slug, kind = entry["slug"], entry["kind"]
            pl, en = entry["pl"], entry["en"]
            levels_pl, levels_en = pl["levels"], en["levels"]
        except (KeyError, TypeError) as exc:
            raise ContentError(f"{where}: missing {exc}") from None
        if kind not in Competency.Kind.values:
            raise ContentError(f"{where}: kind must be trait or knowledge, not {kind!r}")
        if len(levels_pl) != 5 or len(levels_en) != 5:
            raise ContentError(f"{where}: needs exactly five levels in each language")
        competency, was_created = Competency.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind, "order": entry.get("order", 0), "is_key": bool(entry.get("key", False)),
                "name_pl": pl["name"], "name_en": en["name"],
                "description_pl": pl.get("description", ""), "description_en": en.get("description", ""),
            },
        )
        created += was_created
        updated += not was_created
        for number, (text_pl, text_en) in enumerate(zip(levels_pl, levels_en, strict=True), start=1):
            CompetencyLevel.objects.update_or_create(
                competency=competency, level=number,
                defaults={"description_pl": _LEVEL_PREFIX.sub("", text_pl),
                          "description_en": _LEVEL_PREFIX.sub("", text_en)},
            )
    return created, updated
