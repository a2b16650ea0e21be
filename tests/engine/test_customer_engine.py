"""The simulated customer: outcomes, difficulty, determinism, pressure, and state round trips."""

import itertools
import json
import random

import pytest

from roleplay.engine import (
    DIFFICULTIES,
    OUTCOMES,
    ConversationOver,
    CustomerEngine,
    Scenario,
    Turn,
    load_scenario,
)
from roleplay.engine.scenarios import common_lines

from .conftest import SLUGS

LANGS = ("pl", "en")


def play(engine, messages):
    """Send messages until the conversation ends; return the turns."""
    turns = []
    for text in messages:
        if engine.outcome:
            break
        turns.append(engine.respond(text))
    return turns


def play_until_end(engine, messages, limit=40):
    turns = []
    for text in itertools.islice(itertools.cycle(messages), limit):
        if engine.outcome:
            break
        turns.append(engine.respond(text))
    return turns


@pytest.mark.parametrize(("slug", "lang"), list(itertools.product(SLUGS, LANGS)))
def test_kind_path_resolves_at_default_difficulty(slug, lang):
    scenario = load_scenario(slug)
    eng = CustomerEngine(scenario, lang=lang, difficulty=scenario.difficulty_default, seed=11)
    opening = eng.opening()
    assert opening.customer and opening.outcome is None
    turns = play(eng, scenario.examples(lang, "kind"))
    assert eng.outcome == "resolved", [(t.reaction, t.mood, t.stage) for t in turns]
    assert turns[-1].outcome == "resolved"
    assert turns[-1].mood >= scenario.resolve_mood
    assert turns[-1].mood > opening.mood


@pytest.mark.parametrize(("slug", "lang"), list(itertools.product(SLUGS, LANGS)))
def test_kind_path_resolves_even_when_hard(slug, lang):
    scenario = load_scenario(slug)
    eng = CustomerEngine(scenario, lang=lang, difficulty="hard", seed=5)
    play(eng, scenario.examples(lang, "kind"))
    assert eng.outcome == "resolved"


@pytest.mark.parametrize(("slug", "lang"), list(itertools.product(SLUGS, LANGS)))
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_hostile_path_ends_in_escalation_or_abandonment(slug, lang, difficulty):
    scenario = load_scenario(slug)
    eng = CustomerEngine(scenario, lang=lang, difficulty=difficulty, seed=3)
    eng.opening()
    turns = play_until_end(eng, scenario.examples(lang, "hostile"))
    assert eng.outcome in ("escalated", "abandoned"), [(t.reaction, t.mood, t.patience) for t in turns]
    assert turns[-1].mood < scenario.start_mood
    negative = {"rudeness", "blame_shifting", "helplessness", "unnecessary_question", "jargon", "discretion_breach"}
    assert any(t.reaction in negative or t.reaction.startswith("offer:") for t in turns)


def test_customer_warms_to_empathy_with_a_concrete_step_and_cools_at_blame():
    scenario = load_scenario("refund-delay")
    kind = CustomerEngine(scenario, lang="pl", difficulty="medium", seed=1)
    start = kind.mood
    kind.respond("Bardzo przepraszam, rozumiem Pana zdenerwowanie. Sprawdzę to od razu i oddzwonię jutro do 12:00.")
    cold = CustomerEngine(scenario, lang="pl", difficulty="medium", seed=1)
    cold.respond("To nie moja wina, zwrotami zajmuje się księgowość.")
    assert kind.mood > start > cold.mood


@pytest.mark.parametrize(
    "text",
    [
        "To wina systemu.",
        "Nic nie mogę zrobić.",
        "Proszę się uspokoić.",
        "Zgłoszenie ma status pending w backoffice.",
        "Proszę podać PESEL i datę urodzenia.",
        "Między nami mówiąc, w księgowości jest bałagan.",
    ],
)
def test_each_bad_habit_lowers_the_mood(text):
    eng = CustomerEngine(load_scenario("shoe-sole"), lang="pl", difficulty="medium", seed=2)
    before = eng.mood
    turn = eng.respond(text)
    assert turn.mood < before
    bad_habits = ("blame_shifting", "helplessness", "rudeness", "jargon", "unnecessary_question", "discretion_breach")
    # Rudeness may end the conversation at once.
    assert turn.reaction in bad_habits or (
        turn.reaction == "escalated" and "rudeness" in {b.code for b in turn.behaviours}
    )


def test_reply_is_the_same_for_the_same_input_scenario_and_seed():
    scenario = load_scenario("forgotten-laptop")
    messages = scenario.examples("en", "kind")
    a = CustomerEngine(scenario, lang="en", difficulty="medium", seed=99)
    b = CustomerEngine(scenario, lang="en", difficulty="medium", seed=99)
    assert a.opening() == b.opening()
    assert play(a, messages) == play(b, messages)


def test_global_random_state_does_not_change_replies():
    scenario = load_scenario("perfume")
    messages = ["Hmm.", "Przykro mi, nie mamy tej marki.", "Nie wiem."]
    random.seed(1)
    a = CustomerEngine(scenario, lang="pl", seed=7)
    first = [a.opening(), *play(a, messages)]
    random.seed(2)
    random.random()
    b = CustomerEngine(scenario, lang="pl", seed=7)
    second = [b.opening(), *play(b, messages)]
    assert first == second


def test_different_seeds_vary_the_phrasing():
    scenario = load_scenario("fuel-card")
    openings = {CustomerEngine(scenario, lang="pl", seed=s).opening().customer for s in range(30)}
    assert len(openings) >= 2
    replies = set()
    for seed in range(30):
        eng = CustomerEngine(scenario, lang="en", seed=seed)
        replies.add(eng.respond("Hmm.").customer)
    assert len(replies) >= 3


def test_customer_does_not_repeat_the_same_line_back_to_back():
    eng = CustomerEngine(load_scenario("no-id"), lang="en", difficulty="easy", seed=4)
    texts = [eng.respond("Hmm, one moment.").customer for _ in range(3)]
    assert len(set(texts)) == 3


def test_difficulty_scales_patience_and_reaction_strength():
    scenario = load_scenario("refund-delay")
    engines = {d: CustomerEngine(scenario, lang="en", difficulty=d, seed=1) for d in DIFFICULTIES}
    assert engines["easy"].patience > engines["medium"].patience > engines["hard"].patience
    assert engines["easy"].mood > engines["medium"].mood > engines["hard"].mood

    def drop(difficulty, text):
        eng = CustomerEngine(scenario, lang="en", difficulty=difficulty, seed=1)
        before = eng.mood
        return before - eng.respond(text).mood

    def gain(difficulty, text):
        eng = CustomerEngine(scenario, lang="en", difficulty=difficulty, seed=1)
        before = eng.mood
        return eng.respond(text).mood - before

    blame = "It's not my fault, accounting handles refunds."
    assert drop("hard", blame) > drop("medium", blame) > drop("easy", blame) > 0
    kind = "I'm sorry, I'll check it right away."
    assert gain("easy", kind) > gain("medium", kind) > gain("hard", kind) > 0


def test_a_lukewarm_trainee_wins_on_easy_but_not_on_hard():
    scenario = load_scenario("refund-delay")
    script = [
        "I'm sorry about that.",
        "I can see the transfer was never ordered. I'll order it.",
        "It should arrive within three days.",
        "I'll let you know when it goes out.",
        "Okay.",
    ]
    easy = CustomerEngine(scenario, lang="en", difficulty="easy", seed=8)
    play(easy, script)
    hard = CustomerEngine(scenario, lang="en", difficulty="hard", seed=8)
    play(hard, script)
    assert easy.outcome == "resolved"
    assert hard.outcome != "resolved"


def test_raise_pressure_lowers_mood_and_patience_and_says_so():
    eng = CustomerEngine(load_scenario("email-only"), lang="pl", difficulty="medium", seed=5)
    eng.opening()
    mood, patience = eng.mood, eng.patience
    turn = eng.raise_pressure()
    assert isinstance(turn, Turn)
    assert turn.reaction == "pressure"
    assert turn.customer.strip()
    assert turn.behaviours == []
    assert turn.mood < mood and eng.mood == turn.mood
    assert eng.patience < patience
    assert turn.outcome is None


def test_pressure_alone_never_ends_the_conversation():
    eng = CustomerEngine(load_scenario("drop-off-fee"), lang="en", difficulty="hard", seed=5)
    for _ in range(20):
        turn = eng.raise_pressure()
    assert turn.outcome is None and eng.outcome is None
    assert eng.mood >= 1 and eng.patience >= 1
    # ... but the next poor reply does.
    eng.respond("Calm down.")
    assert eng.outcome == "escalated"


@pytest.mark.parametrize("slug", SLUGS)
def test_state_round_trip_gives_an_identical_continuation(slug):
    scenario = load_scenario(slug)
    messages = list(scenario.examples("pl", "kind"))
    messages.insert(1, "Hmm, chwileczkę.")

    straight = CustomerEngine(scenario, lang="pl", difficulty="medium", seed=123)
    expected = [straight.opening()]
    expected.append(straight.raise_pressure())
    expected.extend(play(straight, messages))

    eng = CustomerEngine(scenario, lang="pl", difficulty="medium", seed=123)
    got = [eng.opening()]
    eng = CustomerEngine.from_dict(json.loads(json.dumps(eng.to_dict())), scenario)
    got.append(eng.raise_pressure())
    for text in messages:
        if eng.outcome:
            break
        # Rebuild from the stored state before every turn, as another server process would.
        state = json.loads(json.dumps(eng.to_dict()))
        eng = CustomerEngine.from_dict(state, load_scenario(slug))
        got.append(eng.respond(text))
    assert got == expected
    assert eng.to_dict() == straight.to_dict()


def test_from_dict_rejects_state_of_another_scenario_or_version():
    state = CustomerEngine(load_scenario("perfume"), lang="en", seed=1).to_dict()
    with pytest.raises(ValueError):
        CustomerEngine.from_dict(state, load_scenario("no-id"))
    with pytest.raises(ValueError):
        CustomerEngine.from_dict({**state, "version": 99}, load_scenario("perfume"))
    assert CustomerEngine.from_dict(state).scenario.slug == "perfume"


def test_turn_to_dict_is_json_serialisable_and_round_trips():
    eng = CustomerEngine(load_scenario("fuel-card"), lang="pl", seed=3)
    turn = eng.respond("Przepraszam, rozumiem. Gdzie Pan teraz jest? Dokąd Pan jedzie?")
    data = json.loads(json.dumps(turn.to_dict(), ensure_ascii=False))
    assert set(data) >= {"customer", "behaviours", "mood", "stage", "outcome", "revealed"}
    assert data["behaviours"][0].keys() == {"code", "start", "end", "text"}
    assert Turn.from_dict(data) == turn


def test_asking_about_the_customer_uncovers_hidden_facts():
    scenario = load_scenario("perfume")
    eng = CustomerEngine(scenario, lang="pl", difficulty="medium", seed=2)
    turn = eng.respond("Przykro mi, nie mamy tej marki. Jak długo będzie Pan jeszcze u nas na zakupach?")
    assert turn.revealed_now
    assert set(turn.revealed) <= set(scenario.hidden_facts("pl"))
    assert turn.revealed_now[0] in turn.customer or turn.revealed_now[0] in turn.revealed


def test_revealed_facts_accumulate_in_the_session_language():
    scenario = load_scenario("fuel-card")
    eng = CustomerEngine(scenario, lang="en", seed=2)
    seen = []
    for text in ["I'm so sorry. Where are you heading? Are you in a hurry?", "Did you check the glovebox and the app?"]:
        seen.append(len(eng.respond(text).revealed))
    assert seen == sorted(seen) and seen[-1] >= 2
    assert all(f in scenario.hidden_facts("en") for f in eng.respond("Okay.").revealed)


def test_repeated_apologies_without_action_annoy_the_customer():
    eng = CustomerEngine(load_scenario("refund-delay"), lang="en", difficulty="medium", seed=1)
    reactions = [eng.respond("I'm so sorry.").reaction for _ in range(4)]
    assert "apology_only" in reactions


def test_joking_with_an_angry_customer_backfires():
    eng = CustomerEngine(load_scenario("refund-delay"), lang="en", difficulty="hard", seed=1)
    before = eng.mood
    turn = eng.respond("Only kidding :)")
    assert turn.reaction == "humour_bad" and turn.mood < before


def test_saying_nothing_useful_costs_mood_and_patience():
    eng = CustomerEngine(load_scenario("no-id"), lang="pl", seed=1)
    mood, patience = eng.mood, eng.patience
    turn = eng.respond("")
    assert turn.reaction == "stalling"
    assert turn.mood < mood and turn.patience < patience


def test_negated_offer_does_not_count():
    eng = CustomerEngine(load_scenario("drop-off-fee"), lang="en", difficulty="medium", seed=1)
    turn = eng.respond("I can't take the fee off, my boss would kill me.")
    assert not turn.reaction.startswith("offer:")
    assert "waive-fee" not in eng.to_dict()["offers_fired"]


def test_timeout_when_the_turn_limit_is_reached():
    data = load_scenario("fuel-card").to_dict()
    data["max_turns"] = 3
    scenario = Scenario(data, common_lines())
    eng = CustomerEngine(scenario, lang="pl", difficulty="easy", seed=1)
    play(eng, ["Rozumiem.", "Rozumiem, tak.", "Dobrze, rozumiem."])
    assert eng.outcome == "timeout"


def test_no_more_replies_after_the_end():
    scenario = load_scenario("perfume")
    eng = CustomerEngine(scenario, lang="en", seed=1)
    play(eng, scenario.examples("en", "kind"))
    assert eng.outcome in OUTCOMES
    with pytest.raises(ConversationOver):
        eng.respond("Anything else?")
    with pytest.raises(ConversationOver):
        eng.raise_pressure()


def test_bad_arguments_are_rejected():
    scenario = load_scenario("perfume")
    with pytest.raises(ValueError):
        CustomerEngine(scenario, lang="de")
    with pytest.raises(ValueError):
        CustomerEngine(scenario, difficulty="nightmare")
    with pytest.raises(TypeError):
        CustomerEngine(scenario, seed="42")
    assert CustomerEngine("perfume").difficulty == scenario.difficulty_default


def test_engine_exposes_mood_stage_and_outcome():
    eng = CustomerEngine(load_scenario("shoe-sole"), lang="en", seed=1)
    assert isinstance(eng.mood, int) and 0 <= eng.mood <= 100
    assert eng.stage == load_scenario("shoe-sole").stage_ids()[0]
    assert eng.outcome is None


def test_replies_are_identical_across_processes_with_different_hash_seeds():
    """Another server process (different PYTHONHASHSEED) must continue the conversation identically."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = (
        "import json, roleplay.engine as e\n"
        "out = []\n"
        "msgs = ['Only kidding :) Sorry!', 'I am sorry, I understand. I will check it by 5 pm and let you know.',"
        " 'Sorry, sorry.', 'It is not my fault, calm down.']\n"
        "for s in e.all_scenarios():\n"
        "    for lang in ('pl', 'en'):\n"
        "        eng = e.CustomerEngine(s, lang=lang, seed=7)\n"
        "        out.append(eng.opening().to_dict())\n"
        "        for m in msgs + s.examples(lang, 'kind'):\n"
        "            if eng.outcome: break\n"
        "            out.append(eng.respond(m).to_dict())\n"
        "print(json.dumps(out, sort_keys=True))\n"
    )
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
