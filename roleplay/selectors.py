"""Reads for roleplay rooms, consoles and debriefs."""

from collections import Counter, defaultdict

from django.core.cache import cache
from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from assessments.models import Competency

from .events import event_dict, visible
from .models import RoleplaySession, Scenario, SessionEvent, TraitScore


def events_for(*, session: RoleplaySession, role: str, user_id: int, after: int = 0,
               until: int | None = None) -> list[dict]:
    """The stored events a participant may see, after a sequence number, in order."""
    events = SessionEvent.objects.filter(session_id=session.pk, seq__gt=after)
    if until is not None:
        events = events.filter(seq__lte=until)
    return [event_dict(e) for e in events.order_by("seq")
            if sees(session, e.type, e.payload, role=role, user_id=user_id)]


def sees(session: RoleplaySession, event_type: str, payload: dict, *, role: str, user_id: int) -> bool:
    """May this participant see the event, given the session's score setting and status now?"""
    return visible(
        event_type, payload, role=role, user_id=user_id,
        scores_live=session.score_visibility == RoleplaySession.ScoreVisibility.LIVE,
        ended=session.status == RoleplaySession.Status.ENDED,
    )


INVITATION_CACHE_SECONDS = 60


def invitation_scenario(slug: str) -> Scenario | None:
    """The active scenario a lesson invites to, cached briefly: every lesson view asks, and an
    edit in the admin may take up to a minute to show on lessons."""
    key = f"roleplay:invitation:{slug}"
    found = cache.get(key)
    if found is None:
        found = Scenario.objects.filter(slug=slug, is_active=True).first() or False
        cache.set(key, found, INVITATION_CACHE_SECONDS)
    return found or None


def current_scores(events: list[dict], *, role: str, user_id: int) -> dict[str, int]:
    """The latest score per trait that this viewer gave (or, for the trainee, was given)."""
    kind = "peer_score" if role == "observer" else "score"
    scores = {}
    for event in events:
        if event["type"] == kind and (kind == "score" or event.get("observer") == user_id):
            scores[event["trait"]] = event["score"]
    return scores


def pending_suggestion(events: list[dict]) -> dict | None:
    """The engine's last suggestion if no customer line was sent after it (approve mode)."""
    pending = None
    for event in events:
        if event["type"] == "suggestion":
            pending = event
        elif event["type"] == "customer_message":
            pending = None
    return pending


def live_sessions_for_trainer(*, trainer) -> QuerySet[RoleplaySession]:
    """Open sessions with their latest line, so a trainer can follow several at a glance."""
    latest = SessionEvent.objects.filter(
        session=OuterRef("pk"), type__in=("trainee_message", "customer_message")
    ).order_by("-seq")
    return (
        RoleplaySession.objects.filter(trainer=trainer)
        .exclude(status=RoleplaySession.Status.ENDED)
        .select_related("scenario", "trainee", "team")
        .annotate(last_line=Subquery(latest.values("payload")[:1], output_field=JSONField()),
                  last_speaker=Subquery(latest.values("type")[:1]))
        .order_by("-last_activity_at")
    )


# Which trait a behaviour code speaks for, and in which direction (analyser hints only).
BEHAVIOUR_TRAITS = {
    "greeting": [("communication", 1)],
    "apology": [("kindness", 1)],
    "empathy": [("empathy", 1)],
    "information": [("information", 1)],
    "timeline": [("information", 1)],
    "proactive_update": [("information", 1)],
    "ownership": [("responsibility", 1)],
    "next_step": [("agency", 1)],
    "humour": [("humour", 1)],
    "admits_error": [("courage", 1)],
    "unnecessary_question": [("communication", -1)],
    "jargon": [("communication", -1)],
    "blame_shifting": [("responsibility", -1), ("courage", -1)],
    "helplessness": [("agency", -1)],
    "rudeness": [("kindness", -1), ("communication", -1)],
    "discretion_breach": [("discretion", -1)],
}


def analyser_hints(events: list[dict]) -> dict[str, dict]:
    """Per trait: positive and negative behaviour counts and a suggested level (3 ± balance)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for event in events:
        if event["type"] != "analysis":
            continue
        for behaviour in event["behaviours"]:
            for trait, sign in BEHAVIOUR_TRAITS.get(behaviour["code"], []):
                counts[trait]["+" if sign > 0 else "-"] += 1
    return {
        trait: {"plus": c["+"], "minus": c["-"], "level": max(1, min(5, 3 + c["+"] - c["-"]))}
        for trait, c in counts.items()
    }


def debrief(*, session: RoleplaySession, role: str, user_id: int) -> dict:
    """Everything the debrief page shows, from the event log and the current scores."""
    events = events_for(session=session, role=role, user_id=user_id)
    traits = list(Competency.objects.filter(kind=Competency.Kind.TRAIT).order_by("order"))
    trainer_scores, peer_scores = {}, defaultdict(list)
    for score in TraitScore.objects.filter(session=session).values("competency__slug", "role", "score"):
        if score["role"] == TraitScore.Role.TRAINER:
            trainer_scores[score["competency__slug"]] = score["score"]
        else:
            peer_scores[score["competency__slug"]].append(score["score"])
    hints = analyser_hints(events)
    tags, notes = defaultdict(list), defaultdict(list)
    for event in events:
        if event["type"] == "tag":
            tags[event["message_seq"]].append(event)
        elif event["type"] == "note":
            notes[event.get("message_seq")].append(event)
    transcript = []
    for event in events:
        if event["type"] in ("trainee_message", "customer_message"):
            transcript.append({**event, "tags": tags.get(event["seq"], []), "notes": notes.get(event["seq"], [])})
    rows = [
        {
            "trait": t,
            "trainer": trainer_scores.get(t.slug),
            "peers": round(sum(peer_scores[t.slug]) / len(peer_scores[t.slug]), 1) if peer_scores.get(t.slug) else None,
            "peer_count": len(peer_scores.get(t.slug, [])),
            "hint": hints.get(t.slug),
        }
        for t in traits
    ]
    mood = [{"seq": e["seq"], "mood": e["mood"]} for e in events if e["type"] == "mood"]
    return {
        "transcript": transcript,
        "rows": rows,
        "mood": mood,
        "general_notes": notes.get(None, []),
        "attempts": attempts_comparison(session=session),
    }


def _average(scores: list[int]) -> float | None:
    return round(sum(scores) / len(scores), 2) if scores else None


def attempts_comparison(*, session: RoleplaySession) -> dict:
    """The trainee's trainer-led attempts at the same scenario: first, best and latest."""
    attempts = list(
        RoleplaySession.objects.filter(
            trainee_id=session.trainee_id, scenario_id=session.scenario_id,
            kind=RoleplaySession.Kind.TRAINER_LED, status=RoleplaySession.Status.ENDED,
        ).order_by("created_at", "id")
    )
    scores = defaultdict(list)
    for row in TraitScore.objects.filter(session__in=attempts, role=TraitScore.Role.TRAINER).values(
        "session_id", "score"
    ):
        scores[row["session_id"]].append(row["score"])
    summary = [
        {"session": a, "average": _average(scores[a.pk]), "outcome": a.outcome, "current": a.pk == session.pk}
        for a in attempts
    ]
    if not summary:
        return {}
    scored = [s for s in summary if s["average"] is not None]
    return {
        "count": len(summary),
        "first": summary[0],
        "best": max(scored, key=lambda s: s["average"]) if scored else None,
        "latest": summary[-1],
    }
