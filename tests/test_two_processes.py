"""A frame sent through one server process reaches a client of another, through a real Redis."""

import json

import pytest
from websockets.sync.client import connect

from .servers import daphne, login, prepare_database, redis_server

pytestmark = pytest.mark.servers


def ws(base: str, path: str, session: str | None, origin: str | None = None):
    return connect(
        base.replace("http", "ws") + path,
        additional_headers={"Cookie": f"sessionid={session}"} if session else {},
        origin=origin or base,
        open_timeout=10,
    )


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    url = prepare_database(tmp_path_factory.mktemp("db"))
    with redis_server() as redis_url:
        with daphne(url, REDIS_URL=redis_url) as first, daphne(url, REDIS_URL=redis_url) as second:
            yield first, second


def team_id(base, session):
    from urllib.request import Request, urlopen

    page = urlopen(Request(base + "/pl/learning/", headers={"Cookie": f"sessionid={session}"})).read().decode()
    import re

    return int(re.search(r'data-team-ws="(\d+)"', page).group(1))


def test_announcement_crosses_processes_through_redis(two_servers):
    first, second = two_servers
    trainee_session = login(second, "trainee", "demo-academy")
    trainer_session = login(first, "trainer", "demo-academy")
    team = team_id(second, trainee_session)
    with ws(second, f"/ws/teams/{team}/", trainee_session) as trainee, ws(
        first, f"/ws/teams/{team}/", trainer_session
    ) as trainer:
        trainer.send(json.dumps({"type": "announce", "text": "Z procesu A do B", "client_id": "x-1"}))
        assert json.loads(trainer.recv(timeout=10))["client_id"] == "x-1"
        event = json.loads(trainee.recv(timeout=10))
        assert event["type"] == "announcement" and event["text"] == "Z procesu A do B"


def test_cross_origin_and_anonymous_sockets_are_refused_by_a_real_server(two_servers):
    from websockets.exceptions import InvalidStatus

    first, _ = two_servers
    session = login(first, "trainee", "demo-academy")
    team = team_id(first, session)
    with pytest.raises(InvalidStatus) as refused:
        ws(first, f"/ws/teams/{team}/", session, origin="http://evil.example")
    assert refused.value.response.status_code == 403
    with pytest.raises(Exception) as anonymous:
        with ws(first, f"/ws/teams/{team}/", None) as socket:
            socket.recv(timeout=5)
    assert "4401" in str(anonymous.value) or "403" in str(anonymous.value)
