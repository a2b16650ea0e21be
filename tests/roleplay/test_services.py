import pytest

from assessments.models import Evidence
from roleplay.models import RoleplaySession, SessionEvent, TraitScore
from roleplay.services import RoleplayError

KIND_REPLY = "Bardzo przepraszam za to opóźnienie, rozumiem Pana złość. Sprawdzę to od razu i oddzwonię dziś do 15:00."
BLAME = "To nie moja wina, księgowość tak ma. Nic nie mogę zrobić."


def types(events):
    return [e["type"] for e in events]


def test_start_opens_with_the_customer(make_session, trainer, act):
    session = make_session()
    events = act(session, trainer, type="control", action="start")
    assert types(events) == ["status", "customer_message", "mood"]
    assert [e["seq"] for e in events] == [1, 2, 3]
    session.refresh_from_db()
    assert session.status == "live" and session.last_seq == 3 and session.mood is not None


def test_auto_mode_customer_reacts_to_the_trainee(make_session, trainer, trainee, act):
    session = make_session()
    act(session, trainer, type="control", action="start")
    events = act(session, trainee, type="message", text=KIND_REPLY, client_id="m1")
    assert types(events)[:3] == ["trainee_message", "analysis", "customer_message"]
    codes = {b["code"] for b in events[1]["behaviours"]}
    assert {"apology", "empathy"} <= codes


def test_kindness_improves_mood_more_than_blame(make_session, trainer, trainee, act):
    moods = {}
    for label, text in (("kind", KIND_REPLY), ("blame", BLAME)):
        session = make_session(seed=11)
        act(session, trainer, type="control", action="start")
        act(session, trainee, type="message", text=text)
        session.refresh_from_db()
        moods[label] = session.mood
    assert moods["kind"] > moods["blame"]


def test_same_seed_same_customer(make_session, trainer, trainee, act):
    replies = []
    for _ in range(2):
        session = make_session(seed=99)
        act(session, trainer, type="control", action="start")
        events = act(session, trainee, type="message", text=KIND_REPLY)
        replies.append([e.get("text") for e in events if e["type"] == "customer_message"])
    assert replies[0] == replies[1]


def test_approve_mode_waits_for_the_trainer(make_session, trainer, trainee, act):
    session = make_session(mode="approve")
    act(session, trainer, type="control", action="start")
    events = act(session, trainee, type="message", text=KIND_REPLY)
    assert types(events) == ["trainee_message", "analysis", "suggestion"]
    suggestion = events[-1]
    sent = act(session, trainer, type="customer_message", text=suggestion["text"] + " (edited)",
               suggestion_seq=suggestion["seq"])
    assert sent[0]["type"] == "customer_message" and sent[0]["text"].endswith("(edited)")
    assert sent[1]["type"] == "mood" and sent[1]["mood"] == suggestion["mood"]


def test_manual_mode_the_trainer_types_the_customer(make_session, trainer, trainee, act):
    session = make_session(mode="manual")
    act(session, trainer, type="control", action="start")
    assert types(act(session, trainee, type="message", text="Dzień dobry")) == ["trainee_message", "analysis"]
    assert act(session, trainer, type="customer_message", text="Czekam już trzy tygodnie!")[0]["source"] == "trainer"


def test_roles_are_checked_for_every_action(make_session, trainer, trainee, observer, act):
    session = make_session(observers=[observer])
    refused = [
        (trainee, {"type": "control", "action": "start"}),
        (observer, {"type": "control", "action": "start"}),
        (trainee, {"type": "score", "trait": "empathy", "score": 5}),
        (trainee, {"type": "hint", "text": "psst"}),
        (observer, {"type": "note", "text": "x"}),
    ]
    for user, frame in refused:
        with pytest.raises(RoleplayError) as error:
            act(session, user, **frame)
        assert error.value.code == "forbidden"
    act(session, trainer, type="control", action="start")
    with pytest.raises(RoleplayError):
        act(session, trainer, type="message", text="I am not the trainee")
    assert SessionEvent.objects.filter(session=session).count() == 3


def test_trainee_cannot_write_before_start_or_after_end(make_session, trainer, trainee, act):
    session = make_session()
    with pytest.raises(RoleplayError) as error:
        act(session, trainee, type="message", text="Halo?")
    assert error.value.code == "not_live"
    act(session, trainer, type="control", action="start")
    act(session, trainer, type="control", action="pause")
    with pytest.raises(RoleplayError):
        act(session, trainee, type="message", text="Halo?")


def test_resent_frame_is_applied_once(make_session, trainer, trainee, act):
    session = make_session()
    act(session, trainer, type="control", action="start")
    first = act(session, trainee, type="message", text=KIND_REPLY, client_id="same-id")
    again = act(session, trainee, type="message", text=KIND_REPLY, client_id="same-id")
    assert [e["seq"] for e in again] == [first[0]["seq"]]
    assert SessionEvent.objects.filter(session=session, type="trainee_message").count() == 1


def test_invalid_values_are_refused(make_session, trainer, act):
    session = make_session()
    act(session, trainer, type="control", action="start")
    for frame in (
        {"type": "score", "trait": "empathy", "score": 6},
        {"type": "score", "trait": "empathy", "score": True},
        {"type": "score", "trait": "goals-metrics", "score": 3},
        {"type": "tag", "trait": "empathy", "polarity": "+", "message_seq": 1},
        {"type": "hint", "text": "   "},
        {"type": "hint", "text": "x" * 2001},
        {"type": "control", "action": "explode"},
    ):
        with pytest.raises(RoleplayError):
            act(session, trainer, **frame)


def test_final_trainer_scores_become_evidence(make_session, trainer, trainee, observer, act):
    session = make_session(observers=[observer])
    act(session, trainer, type="control", action="start")
    act(session, trainer, type="score", trait="empathy", score=2)
    act(session, trainer, type="score", trait="empathy", score=4)
    act(session, observer, type="score", trait="empathy", score=3)
    assert not Evidence.objects.exists()  # nothing counts until the end
    act(session, trainer, type="control", action="end")
    trainer_evidence = Evidence.objects.get(source="roleplay_trainer")
    assert trainer_evidence.learner == trainee and trainer_evidence.score == 0.75
    peer = Evidence.objects.get(source="roleplay_peer")
    assert peer.score == 0.5 and peer.weight == 0.5
    act(session, trainer, type="score", trait="empathy", score=5)  # a correction after the end
    assert Evidence.objects.filter(source="roleplay_trainer").count() == 1
    assert Evidence.objects.get(source="roleplay_trainer").score == 1.0


def test_self_practice_is_never_trainer_evidence(scenarios, trainee, team_a, act):
    from roleplay.services import practice_start

    session = practice_start(trainee=trainee, scenario=scenarios["fuel-card"], team=team_a, language="en",
                             difficulty="easy")
    assert session.status == "live" and session.kind == RoleplaySession.Kind.SELF_PRACTICE
    act(session, trainee, type="message", text="Hello, I am sorry about the card. I will send a driver with a new one within the hour.")
    act(session, trainee, type="control", action="end")
    assert not Evidence.objects.exists()
    assert not TraitScore.objects.exists()


def test_pressure_lowers_the_mood(make_session, trainer, act):
    session = make_session()
    act(session, trainer, type="control", action="start")
    session.refresh_from_db()
    before = session.mood
    act(session, trainer, type="pressure")
    session.refresh_from_db()
    assert session.mood < before


def test_trainee_cannot_talk_past_an_unsent_final_suggestion(make_session, trainer, trainee, act):
    from roleplay.engine import load_scenario

    session = make_session("fuel-card", mode="approve", language="pl")
    act(session, trainer, type="control", action="start")
    for line in load_scenario("fuel-card").examples("pl", "kind"):
        suggestion = act(session, trainee, type="message", text=line)[-1]
        if suggestion["outcome"]:
            break
    assert suggestion["type"] == "suggestion" and suggestion["outcome"] == "resolved"
    with pytest.raises(RoleplayError) as error:
        act(session, trainee, type="message", text="Halo, jest Pan tam?")
    assert error.value.code == "finished"
    act(session, trainer, type="customer_message", text=suggestion["text"], suggestion_seq=suggestion["seq"])
    session.refresh_from_db()
    assert session.outcome == "resolved"


def test_an_action_costs_a_fixed_number_of_statements(make_session, trainer, trainee, act,
                                                      django_assert_max_num_queries):
    """The database thread of a server process serves every room: a message (four events) and
    a score stay a handful of statements each."""
    session = make_session()
    act(session, trainer, type="control", action="start")
    with django_assert_max_num_queries(8):  # savepoint/lock, session, client id, events, session, commit
        events = act(session, trainee, type="message", text=KIND_REPLY, client_id="m1")
    assert len(events) >= 4
    act(session, trainer, type="score", trait="kindness", score=2)  # the process reads the ten traits once
    with django_assert_max_num_queries(9):  # … as above, with the score's update and insert
        act(session, trainer, type="score", trait="empathy", score=4, client_id="s1")
    stored = list(SessionEvent.objects.filter(session=session).order_by("seq").values_list("seq", "type"))
    assert [seq for seq, _type in stored] == list(range(1, len(stored) + 1))
    assert TraitScore.objects.get(session=session, scorer=trainer, competency__slug="empathy").score == 4


def test_a_trait_added_later_can_be_scored(make_session, trainer, act):
    from assessments.models import Competency

    session = make_session()
    act(session, trainer, type="control", action="start")
    act(session, trainer, type="score", trait="empathy", score=3)  # the process now knows the traits
    Competency.objects.create(slug="patience", kind=Competency.Kind.TRAIT, order=99, name_pl="Cierpliwość",
                              name_en="Patience")
    events = act(session, trainer, type="score", trait="patience", score=5)
    assert events[0]["trait"] == "patience"
    with pytest.raises(RoleplayError):
        act(session, trainer, type="score", trait="no-such-trait", score=5)


def test_a_room_uses_the_scenario_as_last_saved(make_session, scenarios, trainer, act):
    """Room actions keep each scenario per process and saved version (roleplay.statements): an
    edit in the admin reaches the next session at once."""
    first = make_session()
    act(first, trainer, type="control", action="start")  # the process now keeps this version
    scenario = scenarios["refund-delay"]
    new = ["Dzień dobry, to jest zupełnie nowe otwarcie.", "Dzień dobry, to drugie nowe otwarcie."]
    scenario.definition["lines"]["pl"]["opening"] = new
    scenario.save()
    second = make_session()
    events = act(second, trainer, type="control", action="start")
    assert [e["text"] for e in events if e["type"] == "customer_message"][0] in new


def test_an_action_on_a_missing_session_is_refused_like_before(trainer):
    from roleplay.services import apply_frame

    with pytest.raises(RoleplaySession.DoesNotExist):
        apply_frame(session_id=999999, user=trainer, role="trainer", frame={"type": "note", "text": "x"})
