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
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import OuterRef, Subquery

from academy.fingerprints import code_fingerprint
from academy.models import Membership, Role
from academy.statements import upsert

from .levels import fetch_rows
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


def team_members(team, kind: str) -> list[Member]:
    """The team's trainees in name order with the versions of their evidence and progress and
    their kept text of `kind` (one query; plain rows, not model instances, which cost more than
    the rest of an export of 5,000)."""
    learner = OuterRef("user_id")
    kept = ExportRow.objects.filter(team=team, kind=kind, learner_id=learner)
    queryset = (
        Membership.objects.filter(team=team, role=Role.TRAINEE)
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
        .annotate(
            evidence_version=Subquery(LevelSummary.objects.filter(learner_id=learner).values("evidence_version")),
            progress_version=Subquery(ProgressSummary.objects.filter(learner_id=learner).values("progress_version")),
            kept_key=Subquery(kept.values("key")), kept_text=Subquery(kept.values("text")),
        )
    )
    fields = ("user_id", "user__username", "user__first_name", "user__last_name", "joined_at",
              "evidence_version", "progress_version", "kept_key", "kept_text")
    members = []
    for user_id, username, first, last, joined_at, evidence, progress, key, text in fetch_rows(
            queryset, fields, ("joined_at",)):
        member = Member(user_id, username, f"{first} {last}".strip() or username, joined_at,
                        versions=(evidence or 0, progress or 0),  # no summary yet: version 0, as it is kept
                        kept_key=key, kept_text=text)
        members.append(member)
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
