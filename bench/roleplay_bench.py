"""Roleplay room delivery benchmark.

N concurrent rooms (trainee + trainer + 2 observers each) against real daphne processes. Each
room's trainee writes to the customer and its trainer changes a score every `--interval`
seconds. Measured on the clients' clock:
  - trainee message → both observers (and the trainer): delivery latency p50/p99;
  - trainer score → trainee (scores shown live): delivery latency p50/p99;
  - events lost: acknowledged frames whose event never reached a participant (must be 0).
The same room layout and pacing runs against a bare Channels group-echo consumer
(bench/echo_asgi.py, no auth, no database, no engine) as the baseline, in the same run: the two
take turns (`--rounds` phases each, both servers up throughout), so a slower moment of a shared
machine falls on both and not on one side of the ratio.

    .venv/bin/python bench/roleplay_bench.py --rooms 200
    .venv/bin/python bench/roleplay_bench.py --rooms 200 --processes 2    # Redis channel layer
"""

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import PYTHON, _wait_for_http, free_port, redis_server, server_env  # noqa: E402

TRAITS = ["communication", "empathy", "information", "extraversion", "responsibility",
          "discretion", "kindness", "humour", "agency", "courage"]
LINES = [
    "Przepraszam, że tyle to trwa. Sprawdzę to od razu i oddzwonię dziś do 15:00.",
    "Rozumiem Pana złość. Zajmę się tym osobiście i jutro rano dam znać, co ustaliłam.",
    "Dziękuję za cierpliwość. Mam już odpowiedź z działu zwrotów: przelew wyjdzie dziś.",
]


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- data ---------------------------------------------------------------------------------------
def prepare(directory: Path, rooms: int) -> tuple[str, list[dict]]:
    url = f"sqlite:///{directory / 'bench.sqlite3'}"
    env = server_env(url)
    for command in (["migrate", "--noinput", "-v0"], ["load_competencies", "-v0"], ["load_scenarios", "-v0"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)
    os.environ.update(DJANGO_SETTINGS_MODULE="academy.settings.test", DATABASE_URL=url)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from academy.models import Membership, Role, Team, User
    from roleplay.models import Scenario
    from roleplay.services import room_action, session_create

    def cookie_for(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    team = Team.objects.create(name="Bench", slug="bench")
    trainer = User.objects.create_user("bench-trainer", password="x")
    Membership.objects.create(team=team, user=trainer, role=Role.TRAINER)
    scenarios = list(Scenario.objects.all())
    trainer_cookie = cookie_for(trainer)
    layout = []
    for i in range(rooms):
        people = []
        for who in ("trainee", "obs1", "obs2"):
            user = User.objects.create_user(f"bench-{who}-{i}", password="x")
            Membership.objects.create(team=team, user=user, role=Role.TRAINEE)
            people.append(user)
        session = session_create(
            trainer=trainer, trainee=people[0], scenario=scenarios[i % len(scenarios)], team=team,
            difficulty="easy", language="pl", mode="auto", score_visibility="live", observers=people[1:],
            seed=i + 1,
        )
        room_action(session_id=session.pk, user=trainer, role="trainer", frame={"type": "control", "action": "start"})
        layout.append({"session": session.pk, "trainee": cookie_for(people[0]), "trainer": trainer_cookie,
                       "obs1": cookie_for(people[1]), "obs2": cookie_for(people[2])})
    return url, layout


# --- clients ------------------------------------------------------------------------------------
class Stats:
    def __init__(self):
        self.message_latency, self.score_latency = [], []
        self.sent_messages, self.sent_scores = {}, {}
        self.received = set()
        self.acked: set | None = None
        self.refused: dict[str, int] = {}

    def expected(self) -> int:
        # Only frames the server acknowledged count: a message refused because the customer has
        # ended the conversation was never an event, so it cannot be lost.
        acked = self.acked if self.acked is not None else set(self.sent_messages) | set(self.sent_scores)
        return sum(3 for m in self.sent_messages if m in acked) + sum(1 for m in self.sent_scores if m in acked)

    def merge(self, other: "Stats") -> None:
        self.message_latency += other.message_latency
        self.score_latency += other.score_latency
        self.sent_messages.update(other.sent_messages)
        self.sent_scores.update(other.sent_scores)
        self.received |= other.received
        if other.acked is not None:
            self.acked = (self.acked or set()) | other.acked
        for code, count in other.refused.items():
            self.refused[code] = self.refused.get(code, 0) + count

    def summary(self, rooms):
        expected = self.expected()
        return {
            "message_p50": percentile(self.message_latency, 50) * 1000,
            "message_p99": percentile(self.message_latency, 99) * 1000,
            "score_p50": percentile(self.score_latency, 50) * 1000,
            "score_p99": percentile(self.score_latency, 99) * 1000,
            "frames": len(self.sent_messages) + len(self.sent_scores),
            "deliveries": len(self.received),
            "lost": expected - len(self.received),
            "refused": ", ".join(f"{k}: {v}" for k, v in sorted(self.refused.items())) or "none",
        }


async def run_load(urls, layout, *, seconds, interval, echo: bool, phase: int = 0) -> Stats:
    import websockets

    stats = Stats()
    if not echo:
        stats.acked = set()
    gate = asyncio.Semaphore(32)
    sockets = {}

    async def open_socket(room_index, who, cookie, url):
        origin = url.replace("ws://", "http://").split("/", 3)
        origin = origin[0] + "//" + origin[2]
        path = f"/echo/{room_index}/" if echo else f"/ws/roleplay/{layout[room_index]['session']}/"
        # daphne listens with a backlog of 50: open at most 32 handshakes at a time and retry
        # one that the listener dropped (only the connection phase; nothing is measured here).
        for attempt in range(5):
            try:
                async with gate:
                    ws = await websockets.connect(url + path, origin=origin, max_size=2**20, open_timeout=60,
                                                  additional_headers={"Cookie": f"sessionid={cookie}"})
                break
            except (OSError, websockets.exceptions.InvalidMessage):
                if attempt == 4:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
        sockets[(room_index, who)] = ws

    tasks = []
    for i, room in enumerate(layout):
        for j, who in enumerate(("trainee", "trainer", "obs1", "obs2")):
            tasks.append(open_socket(i, who, room[who], urls[(i + j) % len(urls)]))
    await asyncio.gather(*tasks)

    async def reader(key):
        room_index, who = key
        ws = sockets[key]
        async for raw in ws:
            now = time.perf_counter()
            event = json.loads(raw)
            if echo:
                kind, marker = event["kind"], event["marker"]
            elif event.get("type") == "ack":
                stats.acked.add(event["client_id"])
                continue
            elif event.get("type") == "error":
                stats.refused[event["code"]] = stats.refused.get(event["code"], 0) + 1
                continue
            else:
                kind = {"trainee_message": "message", "score": "score"}.get(event.get("type"))
                if kind is None:
                    continue
                marker = event["text"].rsplit("#", 1)[1] if kind == "message" else event.get("client_id")
            if kind == "message" and who != "trainee" and marker in stats.sent_messages:
                if (marker, who) not in stats.received:
                    stats.received.add((marker, who))
                    stats.message_latency.append(now - stats.sent_messages[marker])
            elif kind == "score" and who == "trainee" and marker in stats.sent_scores:
                if (marker, who) not in stats.received:
                    stats.received.add((marker, who))
                    stats.score_latency.append(now - stats.sent_scores[marker])

    readers = [asyncio.create_task(reader(key)) for key in sockets]
    deadline = time.perf_counter() + seconds

    async def room_loop(i):
        rng = random.Random(i)
        await asyncio.sleep(rng.random() * interval)
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            marker = f"m{phase}.{i}-{n}"  # unique across phases: a client id is applied once
            if echo:
                frame = {"kind": "message", "marker": marker}
            else:
                frame = {"type": "message", "text": f"{LINES[n % len(LINES)]} #{marker}", "client_id": marker}
            stats.sent_messages[marker] = time.perf_counter()
            await sockets[(i, "trainee")].send(json.dumps(frame))
            await asyncio.sleep(interval / 2)
            score_id = f"s{phase}.{i}-{n}"
            frame = ({"kind": "score", "marker": score_id} if echo else
                     {"type": "score", "trait": TRAITS[n % 10], "score": 1 + n % 5, "client_id": score_id})
            stats.sent_scores[score_id] = time.perf_counter()
            await sockets[(i, "trainer")].send(json.dumps(frame))
            await asyncio.sleep(interval / 2)

    await asyncio.gather(*(room_loop(i) for i in range(len(layout))))
    # Wait for stragglers (up to 30 s): "lost" must mean never delivered, not merely late.
    give_up = time.perf_counter() + 30
    while time.perf_counter() < give_up and len(stats.received) < stats.expected():
        await asyncio.sleep(0.2)
    for ws in sockets.values():
        await ws.close()
    for task in readers:
        task.cancel()
    return stats


def start_daphne(app: str, database_url: str, stack: ExitStack, **env) -> str:
    port = free_port()
    log = stack.enter_context(open(Path(tempfile.gettempdir()) / f"bench-daphne-{port}.log", "w"))
    process = subprocess.Popen(
        [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT, env=server_env(database_url, **env), stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=raise_fd_limit,
    )
    def stop():
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    if app.startswith("academy"):
        _wait_for_http(f"http://127.0.0.1:{port}/healthz", process, timeout=90)
    else:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the baseline server did not start") from None
                time.sleep(0.2)
    return f"ws://127.0.0.1:{port}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60,
                        help="how long the rooms talk; in 20 s a room sends one message, and the p99 of "
                             "200 samples is the second-worst")
    parser.add_argument("--interval", type=float, default=20.0,
                        help="seconds between a room's trainee messages (and between its trainer's score changes); "
                             "20 s is a trainee typing a considered reply")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--rounds", type=int, default=3,
                        help="the roleplay and the baseline take turns this many times, --seconds in all each")
    args = parser.parse_args()
    raise_fd_limit()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        print(f"preparing {args.rooms} rooms …", flush=True)
        database_url, layout = prepare(Path(tmp), args.rooms)
        env = {}
        if args.processes == 2:
            env["REDIS_URL"] = stack.enter_context(redis_server())
        sides = (("roleplay", "academy.asgi:application", False), ("baseline", "bench.echo_asgi:application", True))
        urls = {name: [start_daphne(app, database_url, stack, **env) for _ in range(args.processes)]
                for name, app, _echo in sides}
        merged = {name: Stats() for name, _app, _echo in sides}
        merged["roleplay"].acked = set()
        for phase in range(args.rounds):
            for name, _app, echo in sides:
                merged[name].merge(asyncio.run(run_load(urls[name], layout, seconds=args.seconds / args.rounds,
                                                        interval=args.interval, echo=echo, phase=phase)))
        results = {name: stats.summary(args.rooms) for name, stats in merged.items()}
    layer = "Redis pub/sub, 2 daphne processes" if args.processes == 2 else "in-memory, 1 daphne process"
    print(f"\n{args.rooms} rooms × 4 participants, {args.seconds:.0f} s each in {args.rounds} turns, one message and "
          f"one score per room every {args.interval:.1f} s; channel layer: {layer}\n")
    print(f"{'':28}{'roleplay':>12}{'baseline':>12}{'ratio':>8}")
    for key, label in (("message_p50", "trainee msg → observers p50"), ("message_p99", "trainee msg → observers p99"),
                       ("score_p50", "trainer score → trainee p50"), ("score_p99", "trainer score → trainee p99")):
        r, b = results["roleplay"][key], results["baseline"][key]
        print(f"{label:28}{r:10.1f}ms{b:10.1f}ms{r / b:7.2f}×")
    for key, label in (("frames", "frames sent"), ("deliveries", "deliveries measured"), ("lost", "events lost")):
        print(f"{label:28}{results['roleplay'][key]:12}{results['baseline'][key]:12}")
    print(f"{'frames refused (roleplay)':28}{results['roleplay']['refused']:>24}")
    worst = max(results["roleplay"]["message_p99"], results["roleplay"]["score_p99"])
    base = max(results["baseline"]["message_p99"], results["baseline"]["score_p99"])
    print(f"\ntargets: p99 ≤ 50 ms → {worst:.1f} ms ({'met' if worst <= 50 else 'NOT met'}); "
          f"≤ 3× baseline → {worst / base:.2f}× ({'met' if worst <= 3 * base else 'NOT met'}); "
          f"lost = {results['roleplay']['lost']} ({'met' if results['roleplay']['lost'] == 0 else 'NOT met'})")


if __name__ == "__main__":
    main()
