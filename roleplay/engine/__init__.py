"""Customer simulation for the roleplay room: pure Python, no Django.

from roleplay.engine import analyse, load_scenario, CustomerEngine

eng = CustomerEngine(load_scenario("fuel-card"), lang="pl", difficulty="medium", seed=42)
print(eng.opening().customer)
turn = eng.respond("Dzień dobry, bardzo przepraszam. Sprawdzę to od razu.")
state = eng.to_dict()                       # store it; JSON-serialisable
eng = CustomerEngine.from_dict(state, load_scenario("fuel-card"))   # exact continuation
"""

from .analyser import Behaviour, analyse, codes_of
from .customer import DIFFICULTY, OUTCOMES, ConversationOver, CustomerEngine, Turn
from .rules import CODES, NEGATIVE, POSITIVE
from .scenarios import DIFFICULTIES, LANGS, TRAITS, Scenario, ScenarioError, all_scenarios, load_scenario

__all__ = [
    "CODES",
    "DIFFICULTIES",
    "DIFFICULTY",
    "LANGS",
    "NEGATIVE",
    "OUTCOMES",
    "POSITIVE",
    "TRAITS",
    "Behaviour",
    "ConversationOver",
    "CustomerEngine",
    "Scenario",
    "ScenarioError",
    "Turn",
    "all_scenarios",
    "analyse",
    "codes_of",
    "load_scenario",
]
