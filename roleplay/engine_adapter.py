"""The bridge between stored scenarios and sessions and the pure-Python customer engine."""

import gc
import json
import logging
import sys
import threading
from functools import lru_cache
from pathlib import Path

from . import engine

logger = logging.getLogger(__name__)
SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


@lru_cache(maxsize=1)
def common_lines() -> dict:
    """Reactions every scenario shares unless it has its own (roleplay/scenarios/_common.json)."""
    return json.loads((SCENARIO_DIR / "_common.json").read_text(encoding="utf-8"))["lines"]


def scenario_from_definition(slug: str, definition: dict):
    """Build (and so validate) the engine's scenario from a stored definition."""
    return engine.Scenario({**definition, "slug": slug}, common_lines())


_scenarios: dict[tuple[str, str], object] = {}


def scenario_for(scenario_model):
    """The engine's scenario for a stored one, built once per saved version of the row."""
    key = (scenario_model.slug, scenario_model.updated_at.isoformat() if scenario_model.updated_at else "")
    if key not in _scenarios:
        if len(_scenarios) > 64:
            _scenarios.clear()
        _scenarios[key] = scenario_from_definition(scenario_model.slug, scenario_model.definition)
    return _scenarios[key]


def engine_for(session):
    """The session's customer, exactly as it stood after the last stored event."""
    scenario = scenario_for(session.scenario)
    if session.engine_state:
        return engine.CustomerEngine.from_dict(session.engine_state, scenario)
    return engine.CustomerEngine(
        scenario, lang=session.language, difficulty=session.difficulty, seed=session.seed
    )


_warm = threading.Event()
SERVER_GC_THRESHOLDS = (10_000, 20, 100)  # CPython's defaults: (700, 10, 10)
SERVER_SWITCH_INTERVAL = 0.001


def warm_up(*, server: bool = False) -> None:
    """Load the lemmatiser's dictionaries (about 8 s for Polish) and build every stored scenario
    before the first message needs them, so no trainee waits for either. In a server process
    (`server`), then tune the interpreter for it (`tune_server_process`)."""
    for language, text in (("pl", "Przepraszam, sprawdzę to dzisiaj."), ("en", "Sorry, I will check it today.")):
        engine.analyse(text, language)
    try:
        from django.db import connection

        from .models import Scenario

        for scenario in Scenario.objects.all():
            scenario_for(scenario)
        connection.close()  # this thread's own connection; the server's threads have theirs
    except Exception:  # no database yet (before migrate): scenarios are built on first use
        logger.warning("could not build the stored scenarios at start-up", exc_info=True)
    if server:
        tune_server_process()
    _warm.set()


def tune_server_process() -> None:
    """Interpreter settings for a long-lived server process, once everything is loaded.

    Measured with bench/roleplay_bench.py (200 rooms, one daphne):
    - `gc.freeze()`: the million objects loaded at start (Django, Wagtail, the dictionaries,
      the scenarios) live as long as the process; every full collection walked them all,
      pausing every room 100–200 ms every 10–20 s (p99 212 → 73 ms).
    - Thresholds: what the server creates later (sockets, sessions) still cost 50–130 ms per
      full collection; larger young generations promote less and full collections come about
      a hundred times less often (cyclic garbage waits longer, which memory allows).
    - Switch interval 1 ms (CPython's default is 5 ms): the database thread releases the GIL
      for every SQLite or PostgreSQL call and then waited up to 5 ms to get it back from the
      busy event loop; a room action of 5 ms CPU took 10 ms (p99 36 → 19 ms).
    - On SQLite, the WAL is checkpointed by a background thread (`academy.sqlite`).
    """
    from academy.sqlite import checkpoint_in_background

    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVER_GC_THRESHOLDS)
    sys.setswitchinterval(SERVER_SWITCH_INTERVAL)
    checkpoint_in_background()


def is_warm() -> bool:
    return _warm.is_set()


def warm_up_in_background() -> None:
    threading.Thread(target=warm_up, kwargs={"server": True}, name="roleplay-warm-up", daemon=True).start()
