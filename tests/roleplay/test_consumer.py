import json
from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from academy.realtime import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, MAX_FRAME_BYTES
from roleplay.models import SessionEvent

from ..realtime import connect, receive, send

pytestmark = pytest.mark.django_db(transaction=True)


async def room(session, user, after=None, origin=b"http://127.0.0.1:8000"):
    path = f"/ws/roleplay/{session.pk}/" + (f"?after={after}" if after is not None else "")
    ws, ok, code = await connect(path, user, origin=origin)
    if ok:
        welcome = await receive(ws)
        assert welcome["type"] == "welcome"
    return ws, ok, code


async def drain(ws, until_type=None, timeout=2):
    """Collect events until `until_type` arrives (inclusive) or nothing more comes.

    Waits with receive_nothing: a timed-out receive_output would cancel the consumer itself.
    """
    events = []
    while True:
        if await ws.receive_nothing(timeout=timeout, interval=0.01):
            return events
        events.append(await receive(ws))
        if until_type and events[-1]["type"] == until_type:
            return events


async def new_session(make_session, **kwargs):
    return await sync_to_async(make_session)(**kwargs)


async def test_refusals(make_session, other_trainee, trainee):
    session = await new_session(make_session)
    ws, ok, code = await room(session, None)
    assert not ok and code == CLOSE_UNAUTHENTICATED
    ws, ok, code = await room(session, other_trainee)
    assert not ok and code == CLOSE_FORBIDDEN
    ws, ok, _ = await room(session, trainee, origin=b"http://evil.example")
    assert not ok
    await ws.disconnect()


async def test_trainee_writes_customer_answers_trainer_scores_trainee_sees_it(make_session, trainer, trainee):
    session = await new_session(make_session, visibility="live")
    t_ws, _, _ = await room(session, trainer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start", "client_id": "c1"})
    assert "customer_message" in [e["type"] for e in await drain(t_ws, "mood")]
    trainee_seen = await drain(s_ws, "customer_message")
    assert [e["type"] for e in trainee_seen] == ["status", "customer_message"]  # no mood for the trainee
    await send(s_ws, {"type": "message", "text": "Przepraszam, sprawdzę to i oddzwonię do 15:00.", "client_id": "m1"})
    trainee_seen = await drain(s_ws, "customer_message")
    assert "analysis" not in [e["type"] for e in trainee_seen]
    assert {"ack", "trainee_message", "customer_message"} <= {e["type"] for e in trainee_seen}
    trainer_seen = await drain(t_ws, "mood")
    assert {"analysis", "trainee_message", "customer_message"} <= {e["type"] for e in trainer_seen}
    await send(t_ws, {"type": "score", "trait": "empathy", "score": 4, "client_id": "s1"})
    score = [e for e in await drain(s_ws, "score") if e["type"] == "score"][0]
    assert score["trait"] == "empathy" and score["score"] == 4
    await t_ws.disconnect()
    await s_ws.disconnect()


async def test_scores_hidden_from_trainee_until_debrief(make_session, trainer, trainee):
    session = await new_session(make_session, visibility="debrief")
    t_ws, _, _ = await room(session, trainer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start"})
    await send(t_ws, {"type": "score", "trait": "empathy", "score": 4})
    await send(t_ws, {"type": "hint", "text": "Zaproponuj termin"})
    seen = await drain(s_ws, "hint")
    assert "score" not in [e["type"] for e in seen]
    await send(t_ws, {"type": "control", "action": "end"})
    ended = await drain(s_ws, "status", timeout=2)
    assert ended[-1]["status"] == "ended" or any(e["type"] == "debrief_ready" for e in ended)
    # at the debrief a fresh connection shows the trainee everything but suggestions
    again, _, _ = await room(session, trainee)
    history = await drain(again, timeout=1)
    assert "score" in [e["type"] for e in history]
    for ws in (t_ws, s_ws, again):
        await ws.disconnect()


async def test_bad_frames_get_errors_and_the_room_goes_on(make_session, trainer, trainee):
    session = await new_session(make_session)
    s_ws, _, _ = await room(session, trainee)
    await send(s_ws, "not json")
    assert (await receive(s_ws))["code"] == "malformed"
    await send(s_ws, json.dumps({"type": "message", "text": "x" * MAX_FRAME_BYTES}))
    assert (await receive(s_ws))["code"] == "too_large"
    await send(s_ws, {"type": "teleport"})
    assert (await receive(s_ws))["code"] == "unknown_type"
    await send(s_ws, {"type": "score", "trait": "empathy", "score": 5, "client_id": "x"})
    error = await receive(s_ws)
    assert error["code"] == "forbidden" and error["client_id"] == "x"
    await send(s_ws, {"type": "control", "action": "start"})
    assert (await receive(s_ws))["code"] == "forbidden"
    t_ws, _, _ = await room(session, trainer)
    await send(t_ws, {"type": "control", "action": "start"})
    seen = await drain(s_ws, "customer_message")
    assert seen[-1]["type"] == "customer_message"
    await send(s_ws, {"type": "message", "text": "Dzień dobry, w czym mogę pomóc?"})
    assert any(e["type"] == "trainee_message" for e in await drain(s_ws, "customer_message"))
    await s_ws.disconnect()
    await t_ws.disconnect()


async def test_flood_is_rate_limited_and_the_socket_stays(make_session, trainee):
    session = await new_session(make_session)
    s_ws, _, _ = await room(session, trainee)
    codes = []
    for _ in range(30):
        await send(s_ws, {"type": "ping"})
    for _ in range(30):
        event = await receive(s_ws)
        codes.append(event.get("code") or event["type"])
    assert "rate_limited" in codes and "pong" in codes
    await s_ws.disconnect()


async def test_reconnect_receives_exactly_what_it_missed(make_session, trainer, trainee):
    session = await new_session(make_session)
    t_ws, _, _ = await room(session, trainer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start"})
    seen = await drain(s_ws, "customer_message")
    last = max(e["seq"] for e in seen if "seq" in e)
    await s_ws.disconnect()  # the trainee's connection drops
    await send(t_ws, {"type": "hint", "text": "Pierwsza podpowiedź"})
    await send(t_ws, {"type": "hint", "text": "Druga podpowiedź"})
    await drain(t_ws, timeout=0.5)
    back, _, _ = await room(session, trainee, after=last)
    missed = await drain(back, timeout=1)
    assert [e["text"] for e in missed if e["type"] == "hint"] == ["Pierwsza podpowiedź", "Druga podpowiedź"]
    seqs = [e["seq"] for e in missed if "seq" in e]
    assert seqs == sorted(set(seqs)) and min(seqs) > last
    await back.disconnect()
    await t_ws.disconnect()


async def test_dropped_channel_messages_are_recovered_from_the_database(make_session, trainer, trainee):
    session = await new_session(make_session)
    t_ws, _, _ = await room(session, trainer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start"})
    await drain(s_ws, "customer_message")
    # The channel layer silently loses the next two hints ...
    with mock.patch("roleplay.services.publish"):
        await send(t_ws, {"type": "hint", "text": "zgubiona 1"})
        await send(t_ws, {"type": "hint", "text": "zgubiona 2"})
        await drain(t_ws, timeout=0.5)
    assert await SessionEvent.objects.filter(session=session, type="hint").acount() == 2
    # ... and the next one that does arrive reveals the gap: all three arrive, in order, once.
    await send(t_ws, {"type": "hint", "text": "dotarła"})
    hints = [e["text"] for e in await drain(s_ws, timeout=1) if e["type"] == "hint"]
    assert hints == ["zgubiona 1", "zgubiona 2", "dotarła"]
    await s_ws.disconnect()
    await t_ws.disconnect()


async def test_a_ping_recovers_a_lost_last_message(make_session, trainer, trainee):
    session = await new_session(make_session)
    t_ws, _, _ = await room(session, trainer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start"})
    await drain(s_ws, "customer_message")
    with mock.patch("roleplay.services.publish"):
        await send(t_ws, {"type": "hint", "text": "ostatnia"})
        await drain(t_ws, timeout=0.5)
    await send(s_ws, {"type": "ping"})
    events = await drain(s_ws, "pong")
    assert [e["type"] for e in events] == ["hint", "pong"]
    await s_ws.disconnect()
    await t_ws.disconnect()


async def test_observer_peer_scores_reach_the_trainer_not_the_trainee(make_session, trainer, trainee, observer):
    session = await new_session(make_session, observers=[observer], visibility="live")
    t_ws, _, _ = await room(session, trainer)
    o_ws, _, _ = await room(session, observer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start"})
    await drain(o_ws, "mood")
    await drain(s_ws, "customer_message")
    await send(o_ws, {"type": "score", "trait": "kindness", "score": 5})
    peer = [e for e in await drain(t_ws, "peer_score") if e["type"] == "peer_score"]
    assert peer and peer[0]["score"] == 5
    assert "peer_score" not in [e["type"] for e in await drain(s_ws, timeout=0.5)]
    for ws in (t_ws, o_ws, s_ws):
        await ws.disconnect()


async def test_every_trainer_frame_through_the_socket(make_session, trainer, trainee):
    session = await new_session(make_session, mode="approve", visibility="live")
    t_ws, _, _ = await room(session, trainer)
    s_ws, _, _ = await room(session, trainee)
    await send(t_ws, {"type": "control", "action": "start"})
    await drain(t_ws, "mood")
    await send(s_ws, {"type": "message", "text": "Przepraszam za kłopot, sprawdzę to jeszcze dziś."})
    suggestion = [e for e in await drain(t_ws, "suggestion") if e["type"] == "suggestion"][0]
    await send(t_ws, {"type": "customer_message", "text": suggestion["text"], "suggestion_seq": suggestion["seq"]})
    sent = await drain(t_ws, "mood")
    assert [e["type"] for e in sent if "seq" in e] == ["customer_message", "mood"]
    message_seq = sent[-2]["seq"]
    await send(t_ws, {"type": "pressure"})
    assert "suggestion" in [e["type"] for e in await drain(t_ws, "suggestion")]
    await send(t_ws, {"type": "tag", "message_seq": message_seq, "trait": "empathy", "polarity": "+"})
    await send(t_ws, {"type": "note", "text": "Dobre tempo", "message_seq": message_seq})
    seen = await drain(t_ws, "note")
    assert {"tag", "note"} <= {e["type"] for e in seen}
    assert "tag" in [e["type"] for e in await drain(s_ws, "tag")]  # scores shown live: the trainee sees tags
    await send(t_ws, {"type": "sync", "after": 0})
    replay = [e for e in await drain(t_ws) if "seq" in e]
    assert [e["seq"] for e in replay] == list(range(1, len(replay) + 1))
    await send(t_ws, {"type": "sync", "after": "yesterday"})
    assert (await receive(t_ws))["code"] == "invalid"
    await t_ws.disconnect()
    await s_ws.disconnect()


@pytest.mark.parametrize("frame", [
    {"type": "customer_message", "text": "Jestem klientem"},
    {"type": "pressure"},
    {"type": "hint", "text": "podpowiedź"},
    {"type": "tag", "message_seq": 2, "trait": "empathy", "polarity": "+"},
    {"type": "note", "text": "notatka"},
    {"type": "control", "action": "end"},
])
async def test_trainee_is_refused_every_trainer_frame(make_session, trainer, trainee, frame):
    session = await new_session(make_session)
    t_ws, _, _ = await room(session, trainer)
    await send(t_ws, {"type": "control", "action": "start"})
    await drain(t_ws, "mood")
    s_ws, _, _ = await room(session, trainee)
    await drain(s_ws)
    await send(s_ws, {**frame, "client_id": "try"})
    error = await receive(s_ws)
    assert error["type"] == "error" and error["code"] == "forbidden" and error["client_id"] == "try"
    assert await SessionEvent.objects.filter(session=session).acount() == 3
    await s_ws.disconnect()
    await t_ws.disconnect()


async def test_observer_cannot_speak_or_run_the_session(make_session, trainer, trainee, observer):
    session = await new_session(make_session, observers=[observer])
    t_ws, _, _ = await room(session, trainer)
    await send(t_ws, {"type": "control", "action": "start"})
    await drain(t_ws, "mood")
    o_ws, _, _ = await room(session, observer)
    await drain(o_ws)
    for frame in ({"type": "message", "text": "Ja też coś powiem"}, {"type": "control", "action": "pause"},
                  {"type": "customer_message", "text": "x"}):
        await send(o_ws, frame)
        assert (await receive(o_ws))["code"] == "forbidden"
    await o_ws.disconnect()
    await t_ws.disconnect()
