"""The bridge between stored scenarios and sessions and the pure-Python customer engine."""

import json
import threading
from functools import lru_cache
from pathlib import Path

from . import engine

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


def warm_up() -> None:
    """Load the lemmatiser's dictionaries (about 8 s for Polish) before the first message needs them."""
    for language, text in (("pl", "Przepraszam, sprawdzę to dzisiaj."), ("en", "Sorry, I will check it today.")):
        engine.analyse(text, language)
    _warm.set()


def is_warm() -> bool:
    return _warm.is_set()


def warm_up_in_background() -> None:
    threading.Thread(target=warm_up, name="roleplay-warm-up", daemon=True).start()
