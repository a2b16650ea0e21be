"""A roleplay room spread over two server processes, joined through a real Redis."""

import json
import re

import pytest
from websockets.sync.client import connect

from ..servers import browser_like, daphne, login, post_form, prepare_database, redis_server

pytestmark = pytest.mark.servers


def start_practice(base: str) -> tuple[str, int]:
    opener, cookies = browser_like(base, "trainee", "demo-academy")
    response = post_form(opener, cookies, base, "/pl/roleplay/practice/refund-delay/",
                         {"difficulty": "easy", "language": "pl"})
    return cookies()["sessionid"], int(re.search(r"/roleplay/(\d+)/", response.url).group(1))


def test_room_events_cross_processes_in_order(tmp_path):
    url = prepare_database(tmp_path)
    with redis_server() as redis_url, daphne(url, REDIS_URL=redis_url) as first, \
            daphne(url, REDIS_URL=redis_url) as second:
        trainee, session_id = start_practice(first)
        manager = login(second, "trainer", "demo-academy")
        path = f"/ws/roleplay/{session_id}/"
        with connect(second.replace("http", "ws") + path, origin=second,
                     additional_headers={"Cookie": f"sessionid={manager}"}) as watcher, \
                connect(first.replace("http", "ws") + path, origin=first,
                        additional_headers={"Cookie": f"sessionid={trainee}"}) as writer:
            history = [json.loads(watcher.recv(timeout=10)) for _ in range(4)]  # welcome + opening events
            last = max(e.get("seq", 0) for e in history)
            writer.send(json.dumps({"type": "message", "text": "Przepraszam, sprawdzę to dziś.", "client_id": "a1"}))
            seen = []
            while not any(e["type"] == "customer_message" and e["seq"] > last for e in seen):
                seen.append(json.loads(watcher.recv(timeout=40)))  # first use loads the Polish lexicon
            seqs = [e["seq"] for e in seen]
            assert seqs == list(range(last + 1, last + 1 + len(seqs)))
            assert [e["type"] for e in seen][:3] == ["trainee_message", "analysis", "customer_message"]
