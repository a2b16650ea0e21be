import pytest

from academy.models import Announcement
from academy.realtime import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, MAX_FRAME_BYTES

from .realtime import connect, receive, send

pytestmark = pytest.mark.django_db(transaction=True)


async def test_unauthenticated_socket_is_refused(team_a):
    communicator, connected, code = await connect(f"/ws/teams/{team_a.pk}/")
    assert not connected and code == CLOSE_UNAUTHENTICATED
    await communicator.disconnect()


async def test_cross_origin_socket_is_refused(trainee, team_a):
    communicator, connected, _ = await connect(f"/ws/teams/{team_a.pk}/", trainee, origin=b"http://evil.example")
    assert not connected
    await communicator.disconnect()


async def test_socket_of_another_team_is_refused(other_trainee, team_a):
    communicator, connected, code = await connect(f"/ws/teams/{team_a.pk}/", other_trainee)
    assert not connected and code == CLOSE_FORBIDDEN
    await communicator.disconnect()


async def test_trainer_announcement_reaches_trainee(trainer, trainee, team_a):
    trainee_ws, ok, _ = await connect(f"/ws/teams/{team_a.pk}/", trainee)
    trainer_ws, ok2, _ = await connect(f"/ws/teams/{team_a.pk}/", trainer)
    assert ok and ok2
    await send(trainer_ws, {"type": "announce", "text": "Roleplay o 14:00", "client_id": "c1"})
    event = await receive(trainee_ws)
    assert event["type"] == "announcement" and event["text"] == "Roleplay o 14:00"
    assert (await receive(trainer_ws))["client_id"] == "c1"
    await trainee_ws.disconnect()
    await trainer_ws.disconnect()


async def test_resent_frame_is_stored_once(trainer, team_a):
    ws, ok, _ = await connect(f"/ws/teams/{team_a.pk}/", trainer)
    for _ in range(2):
        await send(ws, {"type": "announce", "text": "Raz", "client_id": "same"})
        assert (await receive(ws))["type"] == "announcement"
    assert await Announcement.objects.acount() == 1
    await ws.disconnect()


async def test_bad_frames_get_errors_and_the_socket_goes_on(trainee, trainer, team_a):
    ws, ok, _ = await connect(f"/ws/teams/{team_a.pk}/", trainee)
    await send(ws, "{not json")
    assert (await receive(ws))["code"] == "malformed"
    await send(ws, "x" * (MAX_FRAME_BYTES + 1))
    assert (await receive(ws))["code"] == "too_large"
    await send(ws, {"type": "explode"})
    assert (await receive(ws))["code"] == "unknown_type"
    await send(ws, {"type": "announce", "text": "I am not a trainer", "client_id": "t1"})
    error = await receive(ws)
    assert error["code"] == "forbidden" and error["client_id"] == "t1"
    # still connected and still receiving
    trainer_ws, _, _ = await connect(f"/ws/teams/{team_a.pk}/", trainer)
    await send(trainer_ws, {"type": "announce", "text": "Still here?"})
    assert (await receive(ws))["text"] == "Still here?"
    assert await Announcement.objects.acount() == 1
    await ws.disconnect()
    await trainer_ws.disconnect()


async def test_flood_is_rate_limited(trainer, team_a):
    ws, ok, _ = await connect(f"/ws/teams/{team_a.pk}/", trainer)
    codes = []
    for i in range(12):
        await send(ws, {"type": "announce", "text": "", "client_id": f"f{i}"})
        codes.append((await receive(ws))["code"])
    assert "rate_limited" in codes and codes[0] == "invalid"
    await ws.disconnect()


async def test_an_unexpected_failure_costs_one_frame_not_the_connection(trainer, team_a):
    from unittest import mock

    ws, ok, _ = await connect(f"/ws/teams/{team_a.pk}/", trainer)
    with mock.patch("academy.consumers.announcement_post", side_effect=RuntimeError("database went away")):
        await send(ws, {"type": "announce", "text": "Hej", "client_id": "boom"})
        error = await receive(ws)
    assert error["code"] == "server_error" and error["client_id"] == "boom"
    await send(ws, {"type": "announce", "text": "Hej", "client_id": "boom"})
    assert (await receive(ws))["type"] == "announcement"
    await ws.disconnect()


async def test_a_reconnected_page_catches_up_on_what_it_missed(trainer, trainee, team_a, team_b, make_user):
    """The page asks for what came after the last announcement it shows; only its team's, in order."""
    from asgiref.sync import sync_to_async

    from academy.services import announcement_post

    post = sync_to_async(announcement_post)
    seen, _ = await post(team=team_a, author=trainer, text="Widziane", client_id="a1")
    missed = [(await post(team=team_a, author=trainer, text=f"Przegapione {n}", client_id=f"m{n}"))[0]
              for n in range(2)]
    b_trainer = await sync_to_async(make_user)("trainer_b", team=team_b, role="trainer")
    await post(team=team_b, author=b_trainer, text="Inny zespół", client_id="b1")
    ws, ok, _ = await connect(f"/ws/teams/{team_a.pk}/", trainee)
    await send(ws, {"type": "catch_up", "after": seen.pk})
    events = [await receive(ws), await receive(ws)]
    assert [e["id"] for e in events] == [a.pk for a in missed] and all(e["type"] == "announcement" for e in events)
    assert await ws.receive_nothing(timeout=0.3)
    # (five frames in all: the socket's burst)
    for bad in ({"type": "catch_up", "after": "7"}, {"type": "catch_up", "after": -1},
                {"type": "catch_up", "after": True}):
        await send(ws, bad)
        assert (await receive(ws))["code"] == "invalid"
    await send(ws, {"type": "catch_up", "after": missed[-1].pk})
    assert await ws.receive_nothing(timeout=0.3)  # nothing new: nothing sent, and still connected
    await ws.disconnect()
