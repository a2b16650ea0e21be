"""Roleplay scenarios: data files in ``roleplay/scenarios/<slug>.json``, read and checked here.

A scenario file holds everything the simulated customer needs, in Polish and English::

    slug, traits [competency slugs], lesson {"course", "lesson"} | null, difficulty_default,
    mood (0-100 at the start, medium difficulty), patience (unproductive turns tolerated, medium),
    max_turns, resolve_mood (mood needed to accept a solution), weights {code: mood effect} (optional),
    humour_mood (optional, default 45: below it a joke annoys the customer),
    pl / en: title, summary, persona_name, persona, situation, wants, briefing
    facts:  [{id, codes [..], keywords {pl: [pattern], en: [pattern]}, stage, min_mood,
              pl: {fact, say [..]}, en: {...}}]          hidden facts and how they come out
    stages: [{id, requires [[code, ...], ...], pl: {goal, enter [..], nudge [..]}, en: {...}}]
            each inner list is "at least one of these"; all lists must be met to move on
    offers: [{id, patterns {pl: [pattern], en: [pattern]}, mood, counts_as [code], pl: [..], en: [..]}]
            scenario-specific moves the customer reacts to (waiving the fee, flying the laptop out)
    lines:  {pl: {key: [phrasing, ...]}, en: {...}}   opening, reactions, endings
            (keys missing here come from ``_common.json``)
    examples: {pl: {kind: [..], hostile: [..]}, en: {...}}   model conversations, used by tests and
            shown to trainers as a reference

Patterns (``keywords``, ``patterns``) use the analyser's pattern language (see ``text.py``), so
they follow Polish inflection: "faktura" also matches "fakturę" and "faktury".
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path

from .rules import CODES, RULES
from .text import compile_pattern

LANGS = ("pl", "en")
DIFFICULTIES = ("easy", "medium", "hard")
TRAITS = (
    "communication",
    "empathy",
    "information",
    "extraversion",
    "responsibility",
    "discretion",
    "kindness",
    "humour",
    "agency",
    "courage",
)
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
COMMON_FILE = "_common.json"
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Reaction and ending keys the engine may ask for; every scenario must have them (own or common).
LINE_KEYS = (
    "opening",
    "greeting",
    "warm",
    "stalling",
    "apology_only",
    "humour_good",
    "humour_bad",
    "skeptical",
    "pressure",
    "rudeness",
    "blame_shifting",
    "helplessness",
    "unnecessary_question",
    "jargon",
    "discretion_breach",
    "resolved",
    "escalated",
    "abandoned",
    "timeout",
)
TEXT_KEYS = ("title", "summary", "persona_name", "persona", "situation", "wants", "briefing")
MIN_PHRASINGS = 2


class ScenarioError(ValueError):
    """A scenario file does not have the shape the engine needs."""


class Scenario:
    """One customer case. Read-only; ``to_dict()`` gives a copy of the underlying data."""

    def __init__(self, data: dict, common_lines: dict | None = None):
        _validate(data, common_lines or {})
        self._data = copy.deepcopy(data)
        self._common = copy.deepcopy(common_lines or {})

    # --- identity and links
    @property
    def slug(self) -> str:
        return self._data["slug"]

    @property
    def traits(self) -> list[str]:
        return list(self._data["traits"])

    @property
    def lesson(self) -> dict | None:
        lesson = self._data.get("lesson")
        return dict(lesson) if lesson else None

    @property
    def difficulty_default(self) -> str:
        return self._data["difficulty_default"]

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGS

    # --- texts
    def _text(self, lang: str, key: str) -> str:
        return self._data[_lang(lang)][key]

    def title(self, lang: str) -> str:
        return self._text(lang, "title")

    def summary(self, lang: str) -> str:
        return self._text(lang, "summary")

    def persona_name(self, lang: str) -> str:
        return self._text(lang, "persona_name")

    def persona(self, lang: str) -> str:
        return self._text(lang, "persona")

    def situation(self, lang: str) -> str:
        return self._text(lang, "situation")

    def wants(self, lang: str) -> str:
        return self._text(lang, "wants")

    def briefing(self, lang: str) -> str:
        """What the trainee is told before the conversation starts."""
        return self._text(lang, "briefing")

    def hidden_facts(self, lang: str) -> list[str]:
        """What the trainee can uncover (for the trainer's panel and the debrief)."""
        return [f[_lang(lang)]["fact"] for f in self._data["facts"]]

    def fact_ids(self) -> list[str]:
        return [f["id"] for f in self._data["facts"]]

    def stage_ids(self) -> list[str]:
        return [s["id"] for s in self._data["stages"]]

    def stage_goal(self, stage_id: str, lang: str) -> str:
        """What the trainee has to achieve in a stage (a hint for the trainer)."""
        for stage in self._data["stages"]:
            if stage["id"] == stage_id:
                return stage[_lang(lang)]["goal"]
        raise KeyError(stage_id)

    def examples(self, lang: str, kind: str = "kind") -> list[str]:
        return list(self._data["examples"][_lang(lang)][kind])

    # --- engine data
    @property
    def start_mood(self) -> int:
        return int(self._data["mood"])

    @property
    def start_patience(self) -> int:
        return int(self._data["patience"])

    @property
    def max_turns(self) -> int:
        return int(self._data["max_turns"])

    @property
    def resolve_mood(self) -> int:
        return int(self._data["resolve_mood"])

    @property
    def humour_mood(self) -> int:
        """Below this mood a joke annoys the customer (some people welcome a joke early on)."""
        return int(self._data.get("humour_mood", 45))

    @property
    def weights(self) -> dict[str, int]:
        return dict(self._data.get("weights", {}))

    @property
    def stages(self) -> list[dict]:
        return self._data["stages"]

    @property
    def facts(self) -> list[dict]:
        return self._data["facts"]

    @property
    def offers(self) -> list[dict]:
        return self._data.get("offers", [])

    def lines(self, lang: str, key: str) -> list[str]:
        lang = _lang(lang)
        own = self._data.get("lines", {}).get(lang, {}).get(key)
        if own:
            return own
        return self._common.get(lang, {}).get(key, [])

    def to_dict(self) -> dict:
        return copy.deepcopy(self._data)

    def __repr__(self) -> str:
        return f"<Scenario {self.slug}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Scenario) and other._data == self._data

    def __hash__(self) -> int:
        return hash(self.slug)


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGS}")
    return lang


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=4)
def _load_dir(directory: str) -> tuple[Scenario, ...]:
    path = Path(directory)
    common_path = path / COMMON_FILE
    common = json.loads(common_path.read_text(encoding="utf-8"))["lines"] if common_path.exists() else {}
    scenarios = []
    for file in sorted(path.glob("*.json")):
        if file.name.startswith("_"):
            continue
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("slug") != file.stem:
            raise ScenarioError(f"{file.name}: slug {data.get('slug')!r} does not match the file name")
        try:
            scenarios.append(Scenario(data, common))
        except ScenarioError as exc:
            raise ScenarioError(f"{file.name}: {exc}") from None
    return tuple(sorted(scenarios, key=lambda s: s.slug))


def all_scenarios(directory: str | Path | None = None) -> list[Scenario]:
    """Every shipped scenario, sorted by slug."""
    return list(_load_dir(str(directory or SCENARIO_DIR)))


def load_scenario(slug: str, directory: str | Path | None = None) -> Scenario:
    """The scenario with this slug; KeyError when there is none."""
    for scenario in all_scenarios(directory):
        if scenario.slug == slug:
            return scenario
    raise KeyError(slug)


def common_lines(directory: str | Path | None = None) -> dict:
    path = Path(directory or SCENARIO_DIR) / COMMON_FILE
    return json.loads(path.read_text(encoding="utf-8"))["lines"] if path.exists() else {}


# --------------------------------------------------------------------------- validation


def _validate(data: dict, common: dict) -> None:
    def need(cond, message):
        if not cond:
            raise ScenarioError(message)

    need(isinstance(data, dict), "scenario must be an object")
    slug = data.get("slug")
    need(isinstance(slug, str) and _SLUG_RE.match(slug or ""), f"bad slug {slug!r}")
    traits = data.get("traits")
    need(isinstance(traits, list) and traits, "traits must be a non-empty list")
    for t in traits:
        need(t in TRAITS, f"unknown trait {t!r}")
    lesson = data.get("lesson")
    need(
        lesson is None or (isinstance(lesson, dict) and set(lesson) == {"course", "lesson"}),
        "lesson must be null or {course, lesson}",
    )
    need(data.get("difficulty_default") in DIFFICULTIES, "difficulty_default must be easy, medium or hard")
    for key, low, high in (("mood", 0, 100), ("patience", 1, 50), ("max_turns", 2, 100), ("resolve_mood", 1, 100)):
        value = data.get(key)
        need(isinstance(value, int) and low <= value <= high, f"{key} must be an integer in {low}..{high}")
    humour_mood = data.get("humour_mood", 45)
    need(isinstance(humour_mood, int) and 0 <= humour_mood <= 100, "humour_mood must be an integer in 0..100")
    for code in data.get("weights", {}):
        need(code in CODES, f"weights: unknown behaviour code {code!r}")

    for lang in LANGS:
        texts = data.get(lang)
        need(isinstance(texts, dict), f"missing {lang} texts")
        for key in TEXT_KEYS:
            need(isinstance(texts.get(key), str) and texts[key].strip(), f"{lang}.{key} is missing")

    stages = data.get("stages")
    need(isinstance(stages, list) and stages, "stages must be a non-empty list")
    stage_ids = [s.get("id") for s in stages]
    need(len(set(stage_ids)) == len(stage_ids), "stage ids must be unique")
    for i, stage in enumerate(stages):
        groups = stage.get("requires")
        need(isinstance(groups, list) and groups, f"stage {stage.get('id')}: requires must be a non-empty list")
        for group in groups:
            need(isinstance(group, list) and group, f"stage {stage.get('id')}: each requirement is a list")
            for code in group:
                need(code in CODES, f"stage {stage.get('id')}: unknown code {code!r}")
        for lang in LANGS:
            texts = stage.get(lang, {})
            need(isinstance(texts.get("goal"), str), f"stage {stage.get('id')}: {lang}.goal is missing")
            need(len(texts.get("nudge", [])) >= MIN_PHRASINGS, f"stage {stage.get('id')}: {lang}.nudge needs phrasings")
            if i > 0:
                need(
                    len(texts.get("enter", [])) >= MIN_PHRASINGS,
                    f"stage {stage.get('id')}: {lang}.enter needs phrasings",
                )

    facts = data.get("facts")
    need(isinstance(facts, list) and facts, "facts must be a non-empty list")
    fact_ids = [f.get("id") for f in facts]
    need(len(set(fact_ids)) == len(fact_ids), "fact ids must be unique")
    for fact in facts:
        for code in fact.get("codes", []):
            need(code in CODES, f"fact {fact.get('id')}: unknown code {code!r}")
        if fact.get("stage") is not None:
            need(fact["stage"] in stage_ids, f"fact {fact.get('id')}: unknown stage {fact['stage']!r}")
        for lang in LANGS:
            _check_patterns(fact.get("keywords", {}).get(lang, []), lang, f"fact {fact.get('id')}")
            texts = fact.get(lang, {})
            need(isinstance(texts.get("fact"), str) and texts["fact"], f"fact {fact.get('id')}: {lang}.fact")
            need(len(texts.get("say", [])) >= 1, f"fact {fact.get('id')}: {lang}.say")

    for offer in data.get("offers", []):
        need(isinstance(offer.get("id"), str), "offer without id")
        for code in offer.get("counts_as", []):
            need(code in CODES, f"offer {offer['id']}: unknown code {code!r}")
        for lang in LANGS:
            need(offer.get("patterns", {}).get(lang), f"offer {offer['id']}: {lang} patterns")
            _check_patterns(offer["patterns"][lang], lang, f"offer {offer['id']}")
            need(len(offer.get(lang, [])) >= 1, f"offer {offer['id']}: {lang} lines")

    lines = data.get("lines", {})
    for lang in LANGS:
        for key in LINE_KEYS:
            own = lines.get(lang, {}).get(key) or common.get(lang, {}).get(key) or []
            need(len(own) >= MIN_PHRASINGS, f"lines.{lang}.{key} needs at least {MIN_PHRASINGS} phrasings")

    examples = data.get("examples", {})
    for lang in LANGS:
        for kind in ("kind", "hostile"):
            need(examples.get(lang, {}).get(kind), f"examples.{lang}.{kind} is missing")


def _check_patterns(patterns, lang: str, where: str) -> None:
    known_sets = RULES[lang][1]
    for pattern in patterns:
        try:
            elems = compile_pattern(pattern)
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
        for elem in elems:
            for alt in (*elem.alts, *elem.excluded):
                if alt.kind == "set" and alt.value not in known_sets:
                    raise ScenarioError(f"{where}: unknown word set @{alt.value} in {pattern!r}")
