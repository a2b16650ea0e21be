"""A trainee's finished text of a whole-team read, kept under a fingerprint of its inputs.

The team CSV exports and the trends panel's readiness read every trainee of a team; what one
trainee contributes depends only on their names, joining date, evidence and progress (whose
versions the database raises, see LevelSummary) and on what the whole team shares (rules,
competencies, courses, language). It is kept in ExportRow under a fingerprint of all of it, so a
read after a change computes again only the trainees whose fingerprint moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection

from academy.fingerprints import code_fingerprint
from academy.models import Membership, Role, User
from academy.statements import column, quote, upsert

from .models import ExportRow, LevelSummary, ProgressSummary


@dataclass
class Member:
    user_id: int
    username: str
    display_name: str
    joined_at: object
    versions: tuple = ()  # of their evidence and progress (LevelSummary, ProgressSummary)
    kept_key: str | None = None  # their kept lines (ExportRow) and the fingerprint they were made under
    kept_text: str | None = None


@cache
def _members_statement() -> str:
    """Written out (see academy.statements): as the ORM builds it, with a subquery per kept
    column, PostgreSQL ran four lookups per trainee (111 ms of a cold trends panel at 5,000);
    joined, it reads each table once."""
    m, u, ls, ps, e = (quote(model._meta.db_table) for model in (Membership, User, LevelSummary, ProgressSummary,
                                                                   ExportRow))
    user = f"m.{column(Membership, 'user')}"
    return (
        f"SELECT {user}, u.{column(User, 'username')}, u.{column(User, 'first_name')}, "
        f"u.{column(User, 'last_name')}, m.{column(Membership, 'joined_at')}, "
        f"ls.{column(LevelSummary, 'evidence_version')}, ps.{column(ProgressSummary, 'progress_version')}, "
        f"e.{column(ExportRow, 'key')}, e.{column(ExportRow, 'text')} "
        f"FROM {m} m JOIN {u} u ON u.{column(User, 'id')} = {user} "
        f"LEFT JOIN {ls} ls ON ls.{column(LevelSummary, 'learner')} = {user} "
        f"LEFT JOIN {ps} ps ON ps.{column(ProgressSummary, 'learner')} = {user} "
        f"LEFT JOIN {e} e ON e.{column(ExportRow, 'learner')} = {user} "
        f"AND e.{column(ExportRow, 'team')} = %s AND e.{column(ExportRow, 'kind')} = %s "
        f"WHERE m.{column(Membership, 'team')} = %s AND m.{column(Membership, 'role')} = %s "
        f"ORDER BY u.{column(User, 'last_name')}, u.{column(User, 'first_name')}, u.{column(User, 'username')}, "
        f"m.{column(Membership, 'id')}"
    )


def team_members(team, kind: str) -> list[Member]:
    """The team's trainees in name order with the versions of their evidence and progress and
    their kept text of `kind` (one query; plain rows, not model instances, which cost more than
    the rest of an export of 5,000)."""
    with connection.cursor() as cursor:
        cursor.execute(_members_statement(), [team.pk, kind, team.pk, Role.TRAINEE])
        rows = cursor.fetchall()
    members = []
    for user_id, username, first, last, joined_at, evidence, progress, key, text in rows:
        if joined_at.tzinfo is None:  # SQLite: the stored UTC time, without its zone
            joined_at = joined_at.replace(tzinfo=UTC)
        members.append(Member(
            user_id, username, f"{first} {last}".strip() or username, joined_at,
            versions=(evidence or 0, progress or 0),  # no summary yet: version 0, as it is kept
            kept_key=key, kept_text=text,
        ))
    return members


@cache
def _code_version() -> str:
    """What makes the texts besides the data: the exports', verdicts' and levels' code (with the
    level formula in assessments.selectors) and the compiled translations."""
    here = Path(__file__)
    return code_fingerprint([here, here.with_name("exports.py"), here.with_name("readiness.py"),
                             here.with_name("levels.py"), settings.BASE_DIR / "assessments" / "selectors.py"])


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def kept_lines(*, team, kind: str, context: tuple, write) -> list[Member]:
    """The team's trainees in name order, each with their text of `kind` (`kept_text`): kept
    where the trainee's fingerprint is the one it was made under, else written again by
    `write(members)` (learner id → (text, whether it may be kept)) and kept. A trainee's
    fingerprint covers their names, joining date and the versions of their evidence and
    progress; `context`, what is the same for the whole team (rules, competencies, courses,
    language, zone)."""
    members = team_members(team, kind)
    shared = _digest(kind, _code_version(), context)
    keys = {m.user_id: _digest(shared, m.user_id, m.username, m.display_name, m.joined_at.isoformat(), m.versions)
            for m in members}
    stale = [m for m in members if m.kept_key != keys[m.user_id]]
    if stale:
        written = write(stale)
        keep = []
        for member in stale:
            text, kept = written[member.user_id]
            member.kept_text = text
            if kept:
                keep.append((team.pk, member.user_id, kind, keys[member.user_id], text))
        upsert(ExportRow, keep, fields=("team", "learner", "kind", "key", "text"), unique=("team", "kind", "learner"),
               update=("key", "text"))
    # the lines of those who left the team (one statement)
    ExportRow.objects.filter(team=team, kind=kind).exclude(
        learner_id__in=Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")).delete()
    return members
