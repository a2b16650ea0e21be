"""Writes for roleplay: creating sessions and applying every action in a room.

Each action locks the session row, checks the actor's role and the session's state, appends
numbered events (the session's `last_seq` is the counter) and, only after the transaction
commits, publishes them to the channel layer. A repeated `client_id` from the same actor
returns the events it produced the first time instead of applying it again.
"""

import logging
import random

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from academy.models import Role
from assessments.models import Competency, Evidence
from assessments.services import evidence_record, level_to_score

from . import statements
from .engine import analyse
from .engine_adapter import engine_for
from .events import EVENT_TYPES, ROLE_OBSERVER, ROLE_TRAINEE, ROLE_TRAINER, event_dict
from .models import RoleplaySession, Scenario, SessionEvent, TraitScore

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
TRAIT_KIND = Competency.Kind.TRAIT
PEER_WEIGHT = 0.5


class RoleplayError(Exception):
    """An action that is refused; `code` goes to the client in an error event."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def room_group(session_id: int) -> str:
    return f"roleplay.{session_id}"


async def publish_now(session_id: int, events: list[dict]) -> None:
    """Send stored events to the room's group (from async code, once they are committed)."""
    layer = get_channel_layer()
    if layer is None or not events:
        return
    try:
        await layer.group_send(room_group(session_id), {"type": "room.events", "events": events})
    except Exception:  # the database already has them; clients catch up on their next sync
        logger.warning("publishing roleplay events failed for session %s", session_id, exc_info=True)


def publish(session_id: int, events: list[dict]) -> None:
    async_to_sync(publish_now)(session_id, events)


# --- creating sessions ------------------------------------------------------------------------
@transaction.atomic
def session_create(
    *, trainer, trainee, scenario: Scenario, team, difficulty: str, language: str, mode: str,
    score_visibility: str, observers=(), seed: int | None = None,
) -> RoleplaySession:
    """A trainer-led session in the lobby. The caller has checked that the trainer leads the team."""
    if not trainee.memberships.filter(team=team, role=Role.TRAINEE).exists():
        raise RoleplayError("invalid", "The trainee is not in this team.")
    observers = [o for o in observers if o.pk != trainee.pk]
    session = RoleplaySession.objects.create(
        scenario=scenario, team=team, trainee=trainee, trainer=trainer, kind=RoleplaySession.Kind.TRAINER_LED,
        mode=mode, difficulty=difficulty, language=language, score_visibility=score_visibility,
        seed=seed if seed is not None else random.SystemRandom().randrange(1, 2**31),
    )
    session.observers.set(observers)
    return session


@transaction.atomic
def practice_start(*, trainee, scenario: Scenario, team, language: str, difficulty: str) -> RoleplaySession:
    """Self-practice: the trainee alone with the engine; never trainer-rated evidence."""
    session = RoleplaySession.objects.create(
        scenario=scenario, team=team, trainee=trainee, trainer=None, kind=RoleplaySession.Kind.SELF_PRACTICE,
        mode=RoleplaySession.Mode.AUTO, difficulty=difficulty, language=language,
        score_visibility=RoleplaySession.ScoreVisibility.LIVE,
        seed=random.SystemRandom().randrange(1, 2**31),
    )
    events = _start(session, trainee, "")
    _store(session)
    _save(session)
    _publish_on_commit(session.pk, [event_dict(e) for e in events])
    return session


# --- the room ---------------------------------------------------------------------------------
def _append(session: RoleplaySession, type_: str, actor, payload: dict, client_id: str = "") -> SessionEvent:
    """The next numbered event of the session, stored with the action's others by `_store`."""
    declared = EVENT_TYPES[type_]
    assert set(payload) <= set(declared.fields), (type_, payload)
    session.last_seq += 1
    event = SessionEvent(session=session, seq=session.last_seq, type=type_, actor=actor, payload=payload,
                         client_id=client_id, created_at=timezone.now())
    session.__dict__.setdefault("_unstored_events", []).append(event)
    return event


def _store(session: RoleplaySession) -> None:
    """Insert the events an action appended, in one statement (a message makes four)."""
    events = session.__dict__.pop("_unstored_events", [])
    if events:
        statements.insert_events(events)


def _publish_on_commit(session_id: int, wire: list[dict]) -> None:
    transaction.on_commit(lambda: publish(session_id, wire))


# What an action can change on the session row (the rest is fixed when the session is created).
ACTION_FIELDS = ["last_seq", "last_activity_at", "status", "outcome", "mood", "started_at", "ended_at"]


def _keep_engine(session: RoleplaySession, engine) -> None:
    session.engine_state = engine.to_dict()
    session.__dict__["_engine_moved"] = True


def _save(session: RoleplaySession) -> None:
    """Write what actions change; the customer's state (a few KiB of JSON) only when it moved."""
    session.last_activity_at = timezone.now()
    fields = ACTION_FIELDS + ["engine_state"] if session.__dict__.pop("_engine_moved", False) else ACTION_FIELDS
    statements.save_session(session, fields)


def _customer_turn(session: RoleplaySession, turn, *, approve_first: bool, actor=None,
                   client_id: str = "") -> list[SessionEvent]:
    """Store the engine's reply: sent at once (auto) or offered to the trainer (approve).
    `actor`/`client_id` mark the first event when a frame (raise the pressure) caused it."""
    events = []
    state = {"mood": turn.mood, "stage": turn.stage, "outcome": turn.outcome}
    if approve_first:
        events.append(_append(session, "suggestion", actor, {"text": turn.customer, **state}, client_id))
    else:
        events.append(_append(session, "customer_message", actor, {"text": turn.customer, "source": "engine"},
                              client_id))
        events.append(_append(session, "mood", None, state))
        events += _conclude(session, turn.outcome)
    session.mood = turn.mood
    return events


def _conclude(session: RoleplaySession, outcome: str | None) -> list[SessionEvent]:
    if not outcome or session.outcome:
        return []
    session.outcome = outcome
    events = [_append(session, "outcome", None, {"outcome": outcome})]
    if session.kind == RoleplaySession.Kind.SELF_PRACTICE:
        events += _end(session, None)
    return events


def _start(session: RoleplaySession, actor, client_id: str) -> list[SessionEvent]:
    engine = engine_for(session)
    turn = engine.opening()
    session.status = RoleplaySession.Status.LIVE
    session.started_at = timezone.now()
    events = [_append(session, "status", actor, {"status": session.status, "outcome": None}, client_id)]
    events.append(_append(session, "customer_message", None, {"text": turn.customer, "source": "engine"}))
    events.append(_append(session, "mood", None, {"mood": turn.mood, "stage": turn.stage, "outcome": None}))
    session.mood = turn.mood
    _keep_engine(session, engine)
    return events


def _end(session: RoleplaySession, actor, client_id: str = "") -> list[SessionEvent]:
    session.status = RoleplaySession.Status.ENDED
    session.ended_at = timezone.now()
    events = [_append(session, "status", actor, {"status": session.status, "outcome": session.outcome or None},
                      client_id)]
    _record_evidence(session)
    return events


def _record_evidence(session: RoleplaySession) -> None:
    """Final trainer scores (and peer scores, at half weight) become competency evidence."""
    if session.kind != RoleplaySession.Kind.TRAINER_LED or session.status != RoleplaySession.Status.ENDED:
        return
    for score in TraitScore.objects.filter(session=session).select_related("competency"):
        trainer = score.role == TraitScore.Role.TRAINER
        evidence_record(
            learner=session.trainee,
            competency=score.competency,
            score=level_to_score(score.score),
            source=Evidence.Source.ROLEPLAY_TRAINER if trainer else Evidence.Source.ROLEPLAY_PEER,
            reference=f"roleplay:{session.pk}" if trainer else f"roleplay:{session.pk}:peer:{score.scorer_id}",
            weight=1.0 if trainer else PEER_WEIGHT,
            recorded_by=score.scorer,
            at=session.ended_at,
        )


def _text(frame: dict, field: str = "text") -> str:
    value = frame.get(field)
    if not isinstance(value, str) or not value.strip():
        raise RoleplayError("invalid", f"'{field}' must be a non-empty string.")
    if len(value) > MAX_TEXT:
        raise RoleplayError("too_long", f"'{field}' is limited to {MAX_TEXT} characters.")
    return value.strip()


_traits: dict[str, Competency] = {}


def _trait(frame: dict) -> Competency:
    """The trait a frame names. The ten traits are read once per process (a score is the most
    frequent frame); a slug not among them is looked up again before it is refused."""
    slug = frame.get("trait")
    if not isinstance(slug, str):
        raise RoleplayError("invalid", "'trait' must be one of the ten service traits.")
    if slug not in _traits:
        _traits.clear()
        _traits.update((c.slug, c) for c in Competency.objects.filter(kind=TRAIT_KIND).only("pk", "slug"))
    competency = _traits.get(slug)
    if competency is None:
        raise RoleplayError("invalid", "'trait' must be one of the ten service traits.")
    return competency


def forget_traits(**kwargs) -> None:
    """Connected to Competency saves and deletes (roleplay.apps)."""
    _traits.clear()


def _require(condition: bool, code: str, message: str) -> None:
    if not condition:
        raise RoleplayError(code, message)


ENGINE_ACTIONS = {"message", "pressure", "control"}


def room_action(*, session_id: int, user, role: str, frame: dict) -> list[dict]:
    """Apply one client frame; returns the wire events it produced (already stored), which are
    published when the transaction commits."""
    events, fresh = apply_frame(session_id=session_id, user=user, role=role, frame=frame)
    if fresh:
        _publish_on_commit(session_id, events)
    return events


def apply_frame(*, session_id: int, user, role: str, frame: dict) -> tuple[list[dict], bool]:
    """Apply one client frame in its own transaction and publish nothing: (wire events, fresh).

    `fresh` is False for a resent client id, whose events were stored (and published) the
    first time. The room's socket calls this outside any transaction, so its events are
    committed when it returns, and publishes them itself from the event loop: the database
    thread, which every room of the process shares, does not wait for the channel layer.
    """
    action = frame.get("type")
    handler = ACTIONS.get(action)
    if handler is None:
        raise RoleplayError("unknown_type", f"Unknown frame type: {str(action)[:40]}")
    client_id = frame.get("client_id") or ""
    with transaction.atomic():
        # Written out (roleplay.statements): the customer's state is read only for the frames
        # that move the customer; the scenario is built once per process and version.
        session = statements.locked_session(session_id, engine_state=action in ENGINE_ACTIONS)
        if session is None:
            raise RoleplaySession.DoesNotExist(f"No roleplay session {session_id}.")
        if client_id and statements.client_id_used(session_id=session.pk, actor_id=user.pk, client_id=client_id):
            earlier = SessionEvent.objects.filter(session=session, actor=user, client_id=client_id)
            return [event_dict(e) for e in earlier], False
        events = handler(session, user, role, frame, client_id)
        _store(session)
        _save(session)  # the sequence counter and state move with every action, in one place
    return [event_dict(e) for e in events], True


def _act_message(session, user, role, frame, client_id):
    _require(role == ROLE_TRAINEE, "forbidden", "Only the trainee writes to the customer.")
    _require(session.status == RoleplaySession.Status.LIVE, "not_live", "The conversation is not live.")
    _require(not session.outcome, "finished", "The conversation with the customer has ended.")
    text = _text(frame)
    turn = None
    if session.mode != RoleplaySession.Mode.MANUAL:
        engine = engine_for(session)
        _require(engine.outcome is None, "finished",
                 "The customer has ended the conversation; the trainer decides what happens next.")
        turn = engine.respond(text)  # analyses the text itself; its behaviours are reused below
        _keep_engine(session, engine)
    behaviours = turn.behaviours if turn else analyse(text, session.language)
    message = _append(session, "trainee_message", user, {"text": text}, client_id)
    events = [message, _append(session, "analysis", None,
                               {"message_seq": message.seq, "behaviours": [b.to_dict() for b in behaviours]})]
    if turn:
        events += _customer_turn(session, turn, approve_first=session.mode == RoleplaySession.Mode.APPROVE)
    return events


def _act_customer_message(session, user, role, frame, client_id):
    _require(role == ROLE_TRAINER, "forbidden", "Only the trainer speaks for the customer.")
    _require(session.status == RoleplaySession.Status.LIVE, "not_live", "The conversation is not live.")
    text = _text(frame)
    events = [_append(session, "customer_message", user, {"text": text, "source": "trainer"}, client_id)]
    suggestion_seq = frame.get("suggestion_seq")
    if isinstance(suggestion_seq, int):
        suggestion = SessionEvent.objects.filter(session=session, seq=suggestion_seq, type="suggestion").first()
        _require(suggestion is not None, "invalid", "No such suggestion.")
        state = {k: suggestion.payload.get(k) for k in ("mood", "stage", "outcome")}
        events.append(_append(session, "mood", None, state))
        events += _conclude(session, state["outcome"])
    return events


def _act_pressure(session, user, role, frame, client_id):
    _require(role == ROLE_TRAINER, "forbidden", "Only the trainer raises the pressure.")
    _require(session.status == RoleplaySession.Status.LIVE and not session.outcome, "not_live",
             "The conversation is not live.")
    engine = engine_for(session)
    _require(engine.outcome is None, "finished", "The customer has already ended the conversation.")
    turn = engine.raise_pressure()
    _keep_engine(session, engine)
    if session.mode == RoleplaySession.Mode.MANUAL:
        session.mood = turn.mood
        events = [_append(session, "mood", user, {"mood": turn.mood, "stage": turn.stage, "outcome": turn.outcome},
                          client_id)]
        events += _conclude(session, turn.outcome)
    else:
        events = _customer_turn(session, turn, approve_first=session.mode == RoleplaySession.Mode.APPROVE,
                                actor=user, client_id=client_id)
    return events


def _act_hint(session, user, role, frame, client_id):
    _require(role == ROLE_TRAINER, "forbidden", "Only the trainer whispers hints.")
    _require(session.is_open, "ended", "The session has ended.")
    return [_append(session, "hint", user, {"text": _text(frame)}, client_id)]


def _act_score(session, user, role, frame, client_id):
    _require(role in (ROLE_TRAINER, ROLE_OBSERVER), "forbidden", "Only the trainer and observers score.")
    _require(session.status != RoleplaySession.Status.LOBBY, "not_live", "Scoring opens when the session starts.")
    competency = _trait(frame)
    score = frame.get("score")
    _require(isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5, "invalid",
             "'score' must be a whole number from 1 to 5.")
    trainer = role == ROLE_TRAINER
    # The session row is locked, so no other action of this session can insert the same score
    # between the update and the create (update_or_create would add two savepoints and a read).
    role_value = TraitScore.Role.TRAINER if trainer else TraitScore.Role.PEER
    if not statements.update_trait_score(session_id=session.pk, scorer_id=user.pk, competency_id=competency.pk,
                                         score=score, role=role_value, now=timezone.now()):
        TraitScore.objects.create(session=session, scorer=user, competency=competency, score=score, role=role_value)
    if trainer:
        event = _append(session, "score", user, {"trait": competency.slug, "score": score}, client_id)
    else:
        event = _append(session, "peer_score", user, {"trait": competency.slug, "score": score, "observer": user.pk},
                        client_id)
    _record_evidence(session)  # a change after the end updates the evidence, never duplicates it
    return [event]


def _act_tag(session, user, role, frame, client_id):
    _require(role == ROLE_TRAINER, "forbidden", "Only the trainer tags messages.")
    competency = _trait(frame)
    seq = frame.get("message_seq")
    _require(
        isinstance(seq, int) and SessionEvent.objects.filter(
            session=session, seq=seq, type__in=("trainee_message", "customer_message")).exists(),
        "invalid", "'message_seq' must name a message of this session.",
    )
    polarity = frame.get("polarity")
    _require(polarity in ("+", "-"), "invalid", "'polarity' must be '+' or '-'.")
    return [_append(session, "tag", user, {"message_seq": seq, "trait": competency.slug, "polarity": polarity},
                    client_id)]


def _act_note(session, user, role, frame, client_id):
    _require(role == ROLE_TRAINER, "forbidden", "Only the trainer writes notes.")
    seq = frame.get("message_seq")
    _require(seq is None or isinstance(seq, int), "invalid", "'message_seq' must be a number.")
    return [_append(session, "note", user, {"text": _text(frame), "message_seq": seq}, client_id)]


def _act_control(session, user, role, frame, client_id):
    controller = ROLE_TRAINEE if session.kind == RoleplaySession.Kind.SELF_PRACTICE else ROLE_TRAINER
    _require(role == controller, "forbidden", "Only the trainer runs the session.")
    action = frame.get("action")
    status = session.status
    S = RoleplaySession.Status
    if action == "start":
        _require(status == S.LOBBY, "invalid_state", "The session has already started.")
        return _start(session, user, client_id)
    if action == "pause":
        _require(status == S.LIVE, "invalid_state", "Only a live session can be paused.")
        session.status = S.PAUSED
    elif action == "resume":
        _require(status == S.PAUSED, "invalid_state", "Only a paused session can be resumed.")
        session.status = S.LIVE
    elif action == "end":
        _require(status != S.ENDED, "invalid_state", "The session has already ended.")
        return _end(session, user, client_id)
    else:
        raise RoleplayError("invalid", "'action' must be start, pause, resume or end.")
    return [_append(session, "status", user, {"status": session.status, "outcome": session.outcome or None},
                    client_id)]


ACTIONS = {
    "message": _act_message,
    "customer_message": _act_customer_message,
    "pressure": _act_pressure,
    "hint": _act_hint,
    "score": _act_score,
    "tag": _act_tag,
    "note": _act_note,
    "control": _act_control,
}
