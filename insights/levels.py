"""Competency levels of many learners at once, with the formula of `assessments.selectors`.

`assessments.selectors.learner_competency_levels` reads one learner; a dashboard page needs fifty
in a fixed number of queries. The caller fetches the page's evidence in one query and these
functions group it and apply the same `weighted_score` (recency-weighted mean, half-life
60 days) and the same rounding (`CompetencyLevelView.level`), so a number on the dashboard is
always the number on the trainee's profile and on the assessments results page.

One property of that formula is used throughout: every weight decays by the same factor as time
passes, so a level changes only when new evidence arrives. The level "as it stood on day D" is
therefore the level right after the last evidence before D, which makes history and
time-to-readiness exact without re-reading anything.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from assessments.selectors import CompetencyLevelView, recency_weight, weighted_score

# (learner_id, competency_id, score, weight, created_at, source)
EvidenceRow = tuple[int, int, float, float, datetime, str]


def fetch_rows(queryset, fields: tuple[str, ...], datetime_fields: tuple[str, ...] = (),
               uuid_fields: tuple[str, ...] = ()) -> list[tuple]:
    """`queryset.values_list(*fields)` as a list, read fast: datetimes aware (UTC), UUIDs as
    32-character hex strings.

    On SQLite Django turns each stored datetime text into an aware datetime with a regular
    expression and each UUID text into a UUID object, per value; at 5,000 trainees (100,000
    evidence rows, as many progress rows) that was most of the time of an export. Read as text
    instead (a CAST in the same query), `datetime.fromisoformat` parses the stored ISO 8601 UTC
    time directly and a UUID stays the hex text it is stored as. Other databases return
    datetimes and UUIDs already; only the UUIDs are turned into hex.
    """
    if connection.vendor != "sqlite":
        positions = [fields.index(name) for name in uuid_fields]
        rows = list(queryset.values_list(*fields))
        if positions:
            rows = [tuple(v.hex if i in positions and v is not None else v for i, v in enumerate(row)) for row in rows]
        return rows
    cast = set(datetime_fields) | set(uuid_fields)
    casts = {f"{name}_as_text": Cast(name, output_field=CharField()) for name in cast}
    names = [f"{name}_as_text" if name in cast else name for name in fields]
    positions = [fields.index(name) for name in datetime_fields]
    rows = queryset.annotate(**casts).values_list(*names)
    if not positions:
        return list(rows)
    parse = datetime.fromisoformat
    result = []
    for row in rows:
        row = list(row)
        for i in positions:
            if row[i] is not None:
                row[i] = parse(row[i] + "+00:00")
        result.append(tuple(row))
    return result


EVIDENCE_FIELDS = ("learner_id", "competency_id", "score", "weight", "created_at", "source")


def evidence_rows(queryset) -> list[EvidenceRow]:
    """Evidence rows (learner, competency, score, weight, created_at, source) for group_cells."""
    return fetch_rows(queryset, EVIDENCE_FIELDS, ("created_at",))


def to_level(score: float | None) -> float | None:
    """A 0–1 score on the rubric's 1–5 scale, rounded as everywhere else (one decimal)."""
    return CompetencyLevelView(competency=None, score=score).level


@dataclass(slots=True)
class Cell:
    """One learner × competency: the level now, where it came from, and its change in a period."""

    competency_id: int
    rows: list = field(default_factory=list)  # (score, weight, created_at), oldest first
    score: float | None = None
    level: float | None = None  # to_level(score), set with it
    level_then: float | None = None

    @property
    def evidence_count(self) -> int:
        return len(self.rows)

    @property
    def last_at(self) -> datetime | None:
        return self.rows[-1][2] if self.rows else None

    @property
    def delta(self) -> float | None:
        if self.level is None or self.level_then is None:
            return None
        return round(self.level - self.level_then, 1)


def group_cells(rows, *, now: datetime, since: datetime | None = None) -> dict[int, dict[int, Cell]]:
    """learner id → competency id → Cell, from evidence rows in any order.

    With `since`, each cell also carries the level as it stood at that moment (for "change in
    the period").
    """
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    for learner_id, competency_id, score, weight, created_at, _source in rows:
        cell = cells[learner_id].get(competency_id)
        if cell is None:
            cell = cells[learner_id][competency_id] = Cell(competency_id=competency_id)
        cell.rows.append((score, weight, created_at))
    for by_competency in cells.values():
        for cell in by_competency.values():
            if len(cell.rows) > 1:
                cell.rows.sort(key=itemgetter(2))
            cell.score = weighted_score(cell.rows, now)
            cell.level = to_level(cell.score)
            if since is not None:
                before = [row for row in cell.rows if row[2] <= since]
                cell.level_then = to_level(weighted_score(before, since)) if before else None
    return cells


def level_history(rows) -> list[tuple[datetime, float]]:
    """The level right after each piece of evidence, oldest first (rows sorted by time).

    The same computation as `assessments.selectors.learner_competency_history`, for rows
    already in memory.
    """
    points, seen = [], []
    for score, weight, created_at in rows:
        seen.append((score, weight, created_at))
        value = weighted_score(seen, created_at)
        if value is not None:
            points.append((created_at, round(1 + 4 * value, 2)))
    return points


def level_steps(rows, final: float | None = None) -> tuple[list[datetime], list[float | None]]:
    """Times and the (rounded) level from each time on, for `level_at` lookups.

    `final`: the level now, when the caller has it (group_cells computed it): levels change
    only with new evidence, so it is the level after the last row and need not be recomputed.
    """
    times, levels, seen = [], [], []
    last = len(rows) - 1
    for index, (score, weight, created_at) in enumerate(rows):
        seen.append((score, weight, created_at))
        times.append(created_at)
        if index == last and final is not None:
            levels.append(final)
        else:
            levels.append(to_level(weighted_score(seen, created_at)))
    return times, levels


def level_at(steps, moment: datetime) -> float | None:
    times, levels = steps
    index = bisect_right(times, moment)
    return levels[index - 1] if index else None


def evidence_shares(rows, now: datetime) -> list[float]:
    """How much each piece of evidence counts in today's level (shares sum to 1)."""
    weights = [recency_weight(weight, at, now) for _score, weight, at in rows]
    total = sum(weights)
    return [w / total if total > 0 else 0.0 for w in weights]
