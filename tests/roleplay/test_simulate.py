import io
import json

import pytest
from django.core.management import CommandError, call_command

from roleplay.engine import all_scenarios

SLUGS = ["fuel-card", "refund-delay", "shoe-sole", "drop-off-fee", "perfume", "forgotten-laptop", "no-id",
         "email-only"]


def simulate(monkeypatch, slug, lang, lines, seed=1, difficulty=None):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    args = ["--scenario", slug, "--lang", lang, "--seed", str(seed)]
    if difficulty:
        args += ["--difficulty", difficulty]
    call_command("roleplay_simulate", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_shipped_scenario_is_simulated():
    assert sorted(s.slug for s in all_scenarios()) == sorted(SLUGS)


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("slug", SLUGS)
def test_simulate_runs_every_scenario_in_both_languages(monkeypatch, slug, lang):
    scenario = next(s for s in all_scenarios() if s.slug == slug)
    turns = simulate(monkeypatch, slug, lang, scenario.examples(lang, "kind"))
    assert turns[0]["trainee"] is None and turns[0]["customer"]
    for turn in turns:
        assert set(turn) == {"trainee", "behaviours", "customer", "mood", "stage", "outcome"}
        assert 0 <= turn["mood"] <= 100
    assert turns[-1]["outcome"] == "resolved"
    hostile = simulate(monkeypatch, slug, lang, scenario.examples(lang, "hostile") * 4)  # until they give up
    assert hostile[-1]["outcome"] in ("escalated", "abandoned")


def test_same_seed_same_output(monkeypatch):
    lines = ["Dzień dobry, przepraszam za kłopot.", "Sprawdzę to i oddzwonię do 15:00."]
    assert simulate(monkeypatch, "refund-delay", "pl", lines, seed=5) == \
        simulate(monkeypatch, "refund-delay", "pl", lines, seed=5)


def test_unknown_scenario_is_a_clear_error(monkeypatch):
    with pytest.raises(CommandError, match="Unknown scenario"):
        simulate(monkeypatch, "nope", "pl", [])
