"""Scenario data: the eight shipped cases, their texts in both languages, and the loader."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.engine import TRAITS, Scenario, ScenarioError, all_scenarios, load_scenario
from roleplay.engine.scenarios import LINE_KEYS, common_lines

from .conftest import SLUGS

ROOT = Path(__file__).resolve().parents[2]
POLISH_LETTERS = re.compile("[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")

EXPECTED_LESSONS = {
    "fuel-card": {"course": "three-goals", "lesson": "information-availability"},
    "refund-delay": {"course": "three-goals", "lesson": "efficient-processes"},
    "email-only": {"course": "three-goals", "lesson": "predictability"},
    "shoe-sole": {"course": "ten-traits", "lesson": "introduction"},
    "drop-off-fee": {"course": "high-level-cases", "lesson": "drop-off-fee"},
    "perfume": {"course": "high-level-cases", "lesson": "nordstrom"},
    "forgotten-laptop": {"course": "high-level-cases", "lesson": "ritz-carlton"},
    "no-id": {"course": "high-level-cases", "lesson": "forgotten-id"},
}


def test_all_scenarios_are_the_eight_shipped_ones_sorted_by_slug():
    assert [s.slug for s in all_scenarios()] == SLUGS


def test_load_scenario_by_slug_and_unknown_slug_is_a_key_error():
    assert load_scenario("perfume").slug == "perfume"
    with pytest.raises(KeyError):
        load_scenario("no-such-case")
    with pytest.raises(KeyError):
        load_scenario("../settings")


@pytest.mark.parametrize("slug", SLUGS)
def test_scenario_texts_exist_in_both_languages(slug):
    s = load_scenario(slug)
    for lang in ("pl", "en"):
        for text in (
            s.title(lang),
            s.summary(lang),
            s.persona_name(lang),
            s.briefing(lang),
            s.situation(lang),
            s.wants(lang),
            s.persona(lang),
        ):
            assert isinstance(text, str) and len(text.strip()) > 3
        facts = s.hidden_facts(lang)
        assert len(facts) >= 2 and all(f.strip() for f in facts)
        assert s.stage_goal(s.stage_ids()[0], lang)
    # Polish is written with its letters (the 004 seed lost them; the scenarios must not).
    pl_text = " ".join([s.title("pl"), s.summary("pl"), s.briefing("pl"), *s.hidden_facts("pl")])
    assert POLISH_LETTERS.search(pl_text)
    assert s.title("pl") != s.title("en")


@pytest.mark.parametrize("slug", SLUGS)
def test_scenario_links_traits_lesson_and_difficulty(slug):
    s = load_scenario(slug)
    assert s.traits and all(t in TRAITS for t in s.traits)
    assert s.difficulty_default in ("easy", "medium", "hard")
    lesson = s.lesson
    assert lesson is None or set(lesson) == {"course", "lesson"}
    assert lesson == EXPECTED_LESSONS[slug]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_reaction_has_several_phrasings(slug):
    s = load_scenario(slug)
    for lang in ("pl", "en"):
        for key in LINE_KEYS:
            lines = s.lines(lang, key)
            assert len(lines) >= 2, (slug, lang, key)
            assert len(set(lines)) == len(lines), (slug, lang, key)
        assert len(s.lines(lang, "opening")) >= 3
        for stage in s.stages:
            assert len(stage[lang]["nudge"]) >= 2


@pytest.mark.parametrize("slug", SLUGS)
def test_scenario_to_dict_is_json_and_rebuilds_the_same_scenario(slug):
    s = load_scenario(slug)
    data = json.loads(json.dumps(s.to_dict(), ensure_ascii=False))
    assert Scenario(data, common_lines()) == s
    data["slug"] = "changed"
    assert s.slug == slug, "to_dict must return a copy"


def test_invalid_scenarios_are_rejected_with_a_clear_message():
    good = load_scenario("fuel-card").to_dict()
    for breaker, fragment in [
        (lambda d: d.update(traits=["telepathy"]), "unknown trait"),
        (lambda d: d.update(difficulty_default="brutal"), "difficulty_default"),
        (lambda d: d["stages"][0].update(requires=[["mind_reading"]]), "unknown code"),
        (lambda d: d["pl"].pop("briefing"), "pl.briefing"),
        (lambda d: d["offers"][0]["patterns"].update(pl=["..2"]), "offer"),
        (lambda d: d["offers"][0]["patterns"].update(en=["@nosuchset"]), "unknown word set"),
    ]:
        data = json.loads(json.dumps(good))
        breaker(data)
        with pytest.raises(ScenarioError, match=fragment):
            Scenario(data, common_lines())


def test_scenario_files_are_named_after_their_slug():
    for path in (ROOT / "roleplay" / "scenarios").glob("*.json"):
        if path.name.startswith("_"):
            continue
        assert json.loads(path.read_text(encoding="utf-8"))["slug"] == path.stem


def test_engine_package_does_not_import_django():
    code = (
        "import sys; import roleplay.engine as e; "
        "eng = e.CustomerEngine(e.load_scenario('fuel-card'), lang='pl', seed=1); eng.opening(); "
        "eng.respond('Przepraszam, sprawdzę to jutro do 12:00.'); "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
