"""Competency levels of many learners at once, with the formula of `assessments.selectors`.

`assessments.selectors.learner_competency_levels` reads one learner; a dashboard page needs fifty
in a fixed number of queries. The caller fetches the page's evidence in one query and these
functions group it and apply the same `weighted_score` (recency-weighted mean, half-life
60 days) and the same rounding (`score_to_level`), so a number on the dashboard is always the
number on the trainee's profile, on the assessments results page and in the exports.

One property of that formula is used throughout: every weight decays by the same factor as time
passes, so a level changes only when new evidence arrives. The level "as it stood on day D" is
therefore the level right after the last evidence before D, which makes history and
time-to-readiness exact without re-reading anything.
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from assessments.selectors import recency_weight, score_to_level, weighted_score

# (score, weight, created_at, learner_id, competency_id): the first three as weighted_score takes them
EvidenceRow = tuple[float, float, datetime, int, int]


def fetch_rows(queryset, fields: tuple[str, ...], datetime_fields: tuple[str, ...] = (),
               uuid_fields: tuple[str, ...] = ()) -> list[tuple]:
    """`queryset.values_list(*fields)` as a list, read fast: datetimes aware (UTC), UUIDs as
    32-character hex strings.

    On SQLite Django turns each stored datetime text into an aware datetime with a regular
    expression and each UUID text into a UUID object, per value; at 5,000 trainees (100,000
    evidence rows, as many progress rows) that was most of the time of an export. Read as text
    instead (a CAST in the same query), `datetime.fromisoformat` parses the stored ISO 8601 UTC
    time directly and a UUID stays the hex text it is stored as; the rows come straight from the
    cursor, as SQLite gives integers, floats and text (no field here needs Django's converters).
    Other databases return datetimes and UUIDs already; only the UUIDs are turned into hex.
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
    rows = _sqlite_rows(queryset.annotate(**casts).values_list(*names))
    positions = [fields.index(name) for name in datetime_fields]
    if not positions:
        return rows
    parse = datetime.fromisoformat
    result = []
    for row in rows:
        row = list(row)
        for i in positions:
            if row[i] is not None:
                row[i] = parse(row[i] + "+00:00")
        result.append(tuple(row))
    return result


def _sqlite_rows(queryset) -> list[tuple]:
    """The queryset's rows as the cursor returns them (no per-row converters)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


EVIDENCE_FIELDS = ("score", "weight", "created_at", "learner_id", "competency_id")


def evidence_rows(queryset) -> list[EvidenceRow]:
    """Evidence rows as group_cells takes them: (score, weight, created_at, learner_id,
    competency_id), sorted by learner, competency and time.

    The order costs nothing: it is the order of the (learner, competency, created_at) index
    the query reads anyway, and it spares sorting each cell in Python. The tuples are kept as
    the database returns them (weighted_score reads the first three items of longer rows), as
    building 100,000 new ones was a noticeable part of an export.
    """
    queryset = queryset.order_by("learner_id", "competency_id", "created_at", "id")
    if connection.vendor != "sqlite":
        return list(queryset.values_list(*EVIDENCE_FIELDS))
    rows = _sqlite_rows(queryset.annotate(created_at_as_text=Cast("created_at", output_field=CharField()))
                        .values_list("score", "weight", "created_at_as_text", "learner_id", "competency_id"))
    parse = datetime.fromisoformat
    return [(score, weight, parse(at + "+00:00"), learner_id, competency_id)
            for score, weight, at, learner_id, competency_id in rows]


@dataclass(slots=True)
class Cell:
    """One learner × competency: the level now, where it came from, and its change in a period."""

    competency_id: int
    rows: list = field(default_factory=list)  # evidence rows (score, weight, created_at, …), oldest first
    score: float | None = None
    level: float | None = None  # score_to_level(score), set with it
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


_CELL_OF_ROW = itemgetter(3, 4)


def group_cells(rows, *, now: datetime, since: datetime | None = None) -> dict[int, dict[int, Cell]]:
    """learner id → competency id → Cell, from evidence rows in the order evidence_rows reads
    them (by learner, competency and time).

    With `since`, each cell also carries the level as it stood at that moment (for "change in
    the period").
    """
    cells: dict[int, dict[int, Cell]] = {}
    by_competency: dict[int, Cell] = {}
    current = None
    for (learner_id, competency_id), group in groupby(rows, key=_CELL_OF_ROW):
        if learner_id != current:
            current = learner_id
            by_competency = cells.setdefault(learner_id, {})
        if competency_id in by_competency:
            raise ValueError("evidence rows must come sorted by learner, competency and time")
        cell_rows = list(group)
        score = weighted_score(cell_rows, now)
        cell = by_competency[competency_id] = Cell(competency_id, cell_rows, score, score_to_level(score))
        if since is not None:
            before = [row for row in cell_rows if row[2] <= since]
            cell.level_then = score_to_level(weighted_score(before, since)) if before else None
    return cells


def cell_steps(rows, final: float | None = None) -> list[tuple[datetime, float]]:
    """(moment, level from then on) for each piece of evidence (rows sorted by time) after which
    the cell has a level, rounded as shown. `final`: the level now, when the caller has it
    (group_cells computed it): levels change only with new evidence, so it is the level after the
    last row and need not be computed again."""
    steps = []
    last = len(rows) - 1
    for index, row in enumerate(rows):
        level = final if index == last and final is not None else score_to_level(
            weighted_score(rows[: index + 1], row[2]))
        if level is not None:
            steps.append((row[2], level))
    return steps


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def flat_steps(cells: dict[int, Cell]) -> array:
    """A learner's level history as LevelSummary keeps it: 64-bit integers [competency id, n,
    moment, level × 10, … (n pairs), competency id, …], each moment in microseconds since 1970,
    each level the one shown from that moment on (cell_steps), which has one decimal.

    Integers, stored as their bytes: exact, and read back for a team of 5,000 (100,000 steps) in
    about 10 ms, where the same as JSON took 50 ms to parse.
    """
    flat = array("q")
    for competency_id, cell in cells.items():
        history = cell_steps(cell.rows, cell.level)
        flat.append(competency_id)
        flat.append(len(history))
        for at, level in history:
            flat.append((at - EPOCH) // MICROSECOND)
            flat.append(round(level * 10))
    return flat


def encode_steps(flat: array) -> bytes:
    if sys.byteorder != "little":
        flat = array("q", flat)
        flat.byteswap()
    return flat.tobytes()


def decode_steps(values: list) -> list[list[int]]:
    """Kept histories (bytes, or memoryviews from PostgreSQL) as lists of integers (a list, as
    walking an array makes a new integer object for every item read)."""
    histories = []
    for value in values:
        flat = array("q")
        flat.frombytes(value)
        if sys.byteorder != "little":
            flat.byteswap()
        histories.append(flat.tolist())
    return histories


def history_cells(flat):
    """(competency id, where its steps begin, where they end) for each competency of a kept
    history (flat_steps): the moments stand at begin, begin + 2, … and each level right after."""
    index, length = 0, len(flat)
    while index < length:
        begin = index + 2
        index = begin + 2 * flat[index + 1]
        yield flat[begin - 2], begin, index


def steps_of(flat, competency_ids) -> dict[int, list[tuple[datetime, float]]]:
    """competency id → [(moment, level)] from a kept history, for the competencies named."""
    wanted = set(competency_ids)
    return {competency_id: [(EPOCH + flat[k] * MICROSECOND, flat[k + 1] / 10) for k in range(begin, end, 2)]
            for competency_id, begin, end in history_cells(flat) if competency_id in wanted}


def evidence_shares(rows, now: datetime) -> list[float]:
    """How much each piece of evidence counts in today's level (shares sum to 1)."""
    weights = [recency_weight(row[1], row[2], now) for row in rows]
    total = sum(weights)
    return [w / total if total > 0 else 0.0 for w in weights]
