"""Every event type a room can carry, declared once: its payload fields and who may see it.

The server (services, consumer), the browser (static/js/roleplay.js) and the tests all follow
this table; docs/roleplay-protocol.md describes it for people.
"""

from dataclasses import dataclass

# Audiences
ALL = "all"                  # trainee, trainer, observers, read-only staff
STAFF = "staff"              # trainer, observers, read-only staff
TRAINER = "trainer"          # trainer and read-only staff
TRAINEE_TRAINER = "trainee_trainer"  # the trainee and the trainer (whispered hints)
SCORES = "scores"            # trainer and staff; the trainee too when scores are shown live
PEER = "peer"                # trainer and staff, and the observer who gave it


@dataclass(frozen=True)
class EventType:
    name: str
    audience: str
    fields: tuple[str, ...]


EVENT_TYPES = {
    e.name: e
    for e in (
        EventType("status", ALL, ("status", "outcome")),
        EventType("trainee_message", ALL, ("text",)),
        EventType("customer_message", ALL, ("text", "source")),
        EventType("mood", STAFF, ("mood", "stage", "outcome")),
        EventType("analysis", TRAINER, ("message_seq", "behaviours")),
        EventType("suggestion", TRAINER, ("text", "mood", "stage", "outcome")),
        EventType("hint", TRAINEE_TRAINER, ("text",)),
        EventType("score", SCORES, ("trait", "score")),
        EventType("peer_score", PEER, ("trait", "score", "observer")),
        EventType("tag", SCORES, ("message_seq", "trait", "polarity")),
        EventType("note", TRAINER, ("text", "message_seq")),
        EventType("outcome", ALL, ("outcome",)),
    )
}

# Roles a user can have in one session.
ROLE_TRAINEE = "trainee"
ROLE_TRAINER = "trainer"
ROLE_OBSERVER = "observer"
ROLE_VIEWER = "viewer"  # a manager or trainer of the team watching without acting


def visible(event_type: str, payload: dict, *, role: str, user_id: int, scores_live: bool, ended: bool) -> bool:
    """May a participant in `role` see this event now? At the debrief (session ended) the
    trainee sees everything except the engine's unsent suggestions."""
    audience = EVENT_TYPES[event_type].audience
    if audience == ALL:
        return True
    if role in (ROLE_TRAINER, ROLE_VIEWER):
        return True
    if role == ROLE_TRAINEE:
        if ended:
            return event_type != "suggestion"
        if audience == TRAINEE_TRAINER:
            return True
        return audience == SCORES and scores_live
    if role == ROLE_OBSERVER:
        if audience == STAFF:
            return True
        return audience == PEER and payload.get("observer") == user_id
    return False


def event_dict(event) -> dict:
    """The wire form of a stored event."""
    return {
        "type": event.type,
        "seq": event.seq,
        "actor": event.actor_id,
        "client_id": event.client_id or None,
        "at": event.created_at.isoformat(),
        **event.payload,
    }
