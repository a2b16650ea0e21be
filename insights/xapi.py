"""xAPI 1.0.3 statements for quiz attempts and roleplay sessions (docs/xapi.md).

Statement and registration ids are UUID 5 of the thing described, so the JSON download and the
statements sent to an LRS carry the same ids and a resend is recognised as the same statement.
Building statements for any number of attempts and sessions takes a fixed number of queries.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.conf import settings
from django.db.models import QuerySet

from assessments.models import Answer, Attempt, QuestionCompetency
from roleplay.models import RoleplaySession, TraitScore

VERSION = "1.0.3"
PLATFORM = "Service Academy"
LANGUAGE_TAGS = {"pl": "pl-PL", "en": "en-US"}

VERB_PASSED = {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}}
VERB_FAILED = {"id": "http://adlnet.gov/expapi/verbs/failed", "display": {"en-US": "failed"}}
VERB_COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
TYPE_SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
TYPE_GROUP = "http://id.tincanapi.com/activitytype/group"


def base_iri() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def iri(*parts) -> str:
    return "/".join([base_iri(), "xapi", *[str(p) for p in parts]])


def stable_uuid(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri(*parts)))


def agent(user) -> dict:
    """An Agent identified by an account on this platform (never by e-mail address)."""
    return {
        "objectType": "Agent",
        "name": user.get_full_name() or user.username,
        "account": {"homePage": base_iri() + "/", "name": str(user.pk)},
    }


def _names(pl: str, en: str) -> dict:
    names = {}
    if pl:
        names["pl-PL"] = pl
    if en:
        names["en-US"] = en
    return names or {"en-US": "untitled"}


def _duration(start, end) -> str | None:
    if not start or not end or end < start:
        return None
    total = int((end - start).total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{seconds}S" if seconds or text == "PT" else "")


def _team_activity(team) -> dict:
    return {"objectType": "Activity", "id": iri("teams", team.slug),
            "definition": {"type": TYPE_GROUP, "name": {"pl-PL": team.name}}}


def _iso(moment) -> str:
    return moment.isoformat()


# --- quiz attempts --------------------------------------------------------------------------------
def attempt_statement(attempt: Attempt, *, answers: list, tags: dict, team=None, language: str = "pl") -> dict:
    """A graded attempt: passed or failed, scaled score, per-competency results, the trainer who
    graded an open answer as instructor, the attempt as registration."""
    quiz = attempt.quiz
    points = sum(a["score"] or 0.0 for a in answers)
    total = len(answers)
    by_competency: dict[str, list] = defaultdict(lambda: [0.0, 0.0])
    grader = None
    for answer in answers:
        for slug, weight in tags.get(answer["question_id"], []):
            by_competency[slug][0] += (answer["score"] or 0.0) * weight
            by_competency[slug][1] += weight
        if answer["grader"] is not None:
            grader = answer["grader"]
    result = {
        "score": {"scaled": round(attempt.score or 0.0, 4), "raw": round(points, 2), "min": 0, "max": total},
        "success": bool(attempt.passed),
        "completion": True,
        "extensions": {
            iri("extensions", "competency-results"): {
                slug: round(total_score / weight, 4) for slug, (total_score, weight) in sorted(by_competency.items())
                if weight > 0
            },
        },
    }
    duration = _duration(attempt.started_at, attempt.submitted_at)
    if duration:
        result["duration"] = duration
    context = {
        "registration": stable_uuid("registrations", "attempt", attempt.pk),
        "platform": PLATFORM,
        "language": LANGUAGE_TAGS.get(language, "pl-PL"),
        "extensions": {iri("extensions", "attempt-number"): attempt.number},
    }
    if grader is not None:
        context["instructor"] = agent(grader)
    if team is not None:
        context["contextActivities"] = {"grouping": [_team_activity(team)]}
    return {
        "id": stable_uuid("statements", "attempt", attempt.pk),
        "version": VERSION,
        "actor": agent(attempt.learner),
        "verb": VERB_PASSED if attempt.passed else VERB_FAILED,
        "object": {
            "objectType": "Activity",
            "id": iri("activities", "quiz", quiz.slug),
            "definition": {"type": TYPE_ASSESSMENT, "name": _names(quiz.title_pl, quiz.title_en)},
        },
        "result": result,
        "context": context,
        "timestamp": _iso(attempt.graded_at or attempt.submitted_at or attempt.started_at),
    }


def attempt_statements(attempts: QuerySet[Attempt], *, team=None, language: str = "pl") -> list[dict]:
    """Statements for graded attempts (three queries whatever their number)."""
    return [statement for _pk, statement in attempt_statement_pairs(attempts, team=team, language=language)]


def attempt_statement_pairs(attempts: QuerySet[Attempt], *, team=None, language: str = "pl") -> list[tuple]:
    """(attempt id, statement) for each graded attempt."""
    attempts = list(attempts.filter(state=Attempt.State.GRADED).select_related("quiz", "learner")
                    .order_by("graded_at", "id"))
    if not attempts:
        return []
    answers = defaultdict(list)
    graders = {}
    for row in Answer.objects.filter(attempt__in=attempts).select_related("graded_by").only(
        "attempt_id", "question_id", "score", "graded_by"
    ).order_by("id"):
        grader = row.graded_by
        if grader is not None:
            graders[grader.pk] = grader
        answers[row.attempt_id].append({"question_id": row.question_id, "score": row.score, "grader": grader})
    question_ids = {a["question_id"] for rows in answers.values() for a in rows}
    tags = defaultdict(list)
    for question_id, slug, weight in QuestionCompetency.objects.filter(question_id__in=question_ids).values_list(
        "question_id", "competency__slug", "weight"
    ):
        tags[question_id].append((slug, weight))
    return [(a.pk, attempt_statement(a, answers=answers[a.pk], tags=tags, team=team, language=language))
            for a in attempts]


# --- roleplay sessions ---------------------------------------------------------------------------
OUTCOME_SUCCESS = {"resolved": True, "escalated": False, "abandoned": False, "timeout": False}


def session_statement(session: RoleplaySession, *, scores: list) -> dict:
    """An ended trainer-led session: completed, the mean trainer score scaled 0–1, each trait's
    trainer level and peer mean, the trainer as instructor, the session as registration."""
    trainer_levels = {slug: score for slug, role, score in scores if role == TraitScore.Role.TRAINER}
    peers = defaultdict(list)
    for slug, role, score in scores:
        if role == TraitScore.Role.PEER:
            peers[slug].append(score)
    traits = {}
    for slug in sorted(set(trainer_levels) | set(peers)):
        entry = {}
        if slug in trainer_levels:
            entry["trainer"] = trainer_levels[slug]
            entry["scaled"] = round((trainer_levels[slug] - 1) / 4, 4)
        if peers.get(slug):
            entry["peers"] = round(sum(peers[slug]) / len(peers[slug]), 2)
        traits[slug] = entry
    result = {"completion": True, "extensions": {iri("extensions", "trait-results"): traits}}
    if trainer_levels:
        mean = sum(trainer_levels.values()) / len(trainer_levels)
        result["score"] = {"scaled": round((mean - 1) / 4, 4), "raw": round(mean, 2), "min": 1, "max": 5}
    if session.outcome in OUTCOME_SUCCESS:
        result["success"] = OUTCOME_SUCCESS[session.outcome]
    duration = _duration(session.started_at, session.ended_at)
    if duration:
        result["duration"] = duration
    scenario = session.scenario
    context = {
        "registration": stable_uuid("registrations", "roleplay", session.pk),
        "platform": PLATFORM,
        "language": LANGUAGE_TAGS.get(session.language, "pl-PL"),
        "contextActivities": {"grouping": [_team_activity(session.team)]},
        "extensions": {
            iri("extensions", "difficulty"): session.difficulty,
            iri("extensions", "outcome"): session.outcome or "",
        },
    }
    if session.trainer is not None:
        context["instructor"] = agent(session.trainer)
    return {
        "id": stable_uuid("statements", "roleplay", session.pk),
        "version": VERSION,
        "actor": agent(session.trainee),
        "verb": VERB_COMPLETED,
        "object": {
            "objectType": "Activity",
            "id": iri("activities", "roleplay", scenario.slug),
            "definition": {"type": TYPE_SIMULATION, "name": _names(scenario.title_pl, scenario.title_en)},
        },
        "result": result,
        "context": context,
        "timestamp": _iso(session.ended_at or session.last_activity_at),
    }


def session_statements(sessions: QuerySet[RoleplaySession]) -> list[dict]:
    """Statements for ended trainer-led sessions (two queries whatever their number)."""
    return [statement for _pk, statement in session_statement_pairs(sessions)]


def session_statement_pairs(sessions: QuerySet[RoleplaySession]) -> list[tuple]:
    """(session id, statement) for each ended trainer-led session."""
    sessions = list(
        sessions.filter(status=RoleplaySession.Status.ENDED, kind=RoleplaySession.Kind.TRAINER_LED)
        .select_related("scenario", "trainee", "trainer", "team").order_by("ended_at", "id")
    )
    if not sessions:
        return []
    scores = defaultdict(list)
    for session_id, slug, role, score in TraitScore.objects.filter(session__in=sessions).values_list(
        "session_id", "competency__slug", "role", "score"
    ):
        scores[session_id].append((slug, role, score))
    return [(s.pk, session_statement(s, scores=scores[s.pk])) for s in sessions]


def team_statements(*, team, since=None, language: str = "pl") -> list[dict]:
    """Every statement about the team's trainees: graded attempts and the team's sessions."""
    from academy.models import Membership, Role

    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    attempts = Attempt.objects.filter(learner_id__in=trainees)
    sessions = RoleplaySession.objects.filter(team=team)
    if since is not None:
        attempts = attempts.filter(graded_at__gte=since)
        sessions = sessions.filter(ended_at__gte=since)
    statements = attempt_statements(attempts, team=team, language=language) + session_statements(sessions)
    statements.sort(key=lambda s: s["timestamp"])
    return statements
