"""The simulated customer: mood, patience, stages, hidden facts, and what they say next.

Determinism: every random choice comes from ``random.Random`` seeded with a hash of
(seed, scenario, language, difficulty, turn, event, trainee text), never from the global
generator. Together with the state in ``to_dict()`` (which includes which phrasings were already
used) this gives the same reply for the same input in the same state, on any server process,
before and after a restart.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from .analyser import Behaviour, _compiled, analyse
from .rules import CODES, NEGATIVE, POSITIVE
from .scenarios import DIFFICULTIES, LANGS, Scenario, load_scenario
from .text import compile_pattern, find_all, start_keys, tokenize

STATE_VERSION = 1
OUTCOMES = ("resolved", "escalated", "abandoned", "timeout")

# How much one occurrence of a behaviour moves the customer's mood (before difficulty scaling).
WEIGHTS = {
    "greeting": 2,
    "apology": 5,
    "empathy": 7,
    "information": 6,
    "timeline": 8,
    "ownership": 7,
    "next_step": 8,
    "proactive_update": 6,
    "humour": 3,
    "admits_error": 6,
    "unnecessary_question": -8,
    "blame_shifting": -12,
    "helplessness": -10,
    "jargon": -6,
    "rudeness": -18,
    "discretion_breach": -8,
}
# When several negative behaviours appear, the customer reacts to the worst first.
NEGATIVE_PRIORITY = (
    "rudeness",
    "blame_shifting",
    "helplessness",
    "discretion_breach",
    "unnecessary_question",
    "jargon",
)
ACTION_CODES = frozenset({"next_step", "timeline", "ownership", "proactive_update", "information"})
COMFORT_CODES = frozenset({"empathy", "apology", "admits_error"})
ESCALATE_AT = 10  # mood at or below which the customer asks for a manager / files a complaint
RUDENESS_ESCALATES_BELOW = 30
STALLING_PENALTY = -3
COMBO_BONUS = 4  # empathy/apology together with a concrete step in one message
FACT_BONUS = 2  # being asked about what matters to you feels good
MAX_GAIN = 22  # one message can calm an angry customer down only so far


@dataclass(frozen=True)
class Difficulty:
    mood_offset: int
    patience: float
    positive: float
    negative: float
    pressure: int


DIFFICULTY = {
    "easy": Difficulty(mood_offset=10, patience=1.5, positive=1.25, negative=0.75, pressure=8),
    "medium": Difficulty(mood_offset=0, patience=1.0, positive=1.0, negative=1.0, pressure=12),
    "hard": Difficulty(mood_offset=-10, patience=0.7, positive=0.8, negative=1.35, pressure=16),
}


class ConversationOver(RuntimeError):
    """The customer has already resolved, escalated, abandoned or timed out."""


@dataclass
class Turn:
    """What happened in one step of the conversation.

    ``revealed`` holds every hidden fact uncovered so far, worded exactly as in
    ``Scenario.hidden_facts(lang)`` (so the debrief can tick them off); ``revealed_now`` only the
    ones uncovered by this turn. ``reaction`` names the customer's reaction ("stage:<id>",
    "offer:<id>", "warm", "blame_shifting", "pressure", "resolved", ...) for hints and the debrief.
    """

    customer: str
    behaviours: list[Behaviour]
    mood: int
    stage: str
    outcome: str | None
    revealed: list[str]
    # Extras for the room and the debrief (defaults keep positional construction working).
    turn: int = 0
    patience: int = 0
    reaction: str = ""
    revealed_now: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["behaviours"] = [b.to_dict() for b in self.behaviours]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Turn:
        d = dict(d)
        d["behaviours"] = [Behaviour.from_dict(b) for b in d.get("behaviours", [])]
        return cls(**d)


class CustomerEngine:
    """One customer in one conversation.

    >>> eng = CustomerEngine(load_scenario("fuel-card"), lang="en", difficulty="medium", seed=7)
    >>> eng.opening().customer  # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario | str, lang: str = "pl", difficulty: str | None = None, seed: int = 0):
        if isinstance(scenario, str):
            scenario = load_scenario(scenario)
        if lang not in LANGS:
            raise ValueError(f"unsupported language {lang!r}; expected one of {LANGS}")
        difficulty = difficulty or scenario.difficulty_default
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty {difficulty!r}; expected one of {DIFFICULTIES}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError("seed must be an int")
        self.scenario = scenario
        self.lang = lang
        self.difficulty = difficulty
        self.seed = seed
        d = DIFFICULTY[difficulty]
        self.mood = _clamp(scenario.start_mood + d.mood_offset)
        self.patience_max = max(2, round(scenario.start_patience * d.patience))
        self.patience = self.patience_max
        self.stage_index = 0
        self.stages_complete = False
        self.stage_seen: list[str] = []
        self.revealed_ids: list[str] = []
        self.offers_fired: list[str] = []
        self.turn = 0
        self.pressure_count = 0
        self.outcome: str | None = None
        self.streaks: dict[str, int] = {}
        self.used: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ public API

    @property
    def stage(self) -> str:
        return self.scenario.stages[self.stage_index]["id"]

    def opening(self) -> Turn:
        """The customer's first line. Calling it again gives the same line."""
        options = self.scenario.lines(self.lang, "opening")
        rng = self._rng("opening", "")
        line = options[rng.randrange(len(options))]
        return self._turn(line, [], reaction="opening")

    def respond(self, trainee_text: str) -> Turn:
        """React to the trainee's message."""
        if self.outcome:
            raise ConversationOver(self.outcome)
        text = trainee_text or ""
        self.turn += 1
        behaviours = analyse(text, self.lang)
        codes = {b.code for b in behaviours}
        offers = self._matching_offers(text)
        effective = set(codes)
        for offer in offers:
            effective.update(offer.get("counts_as", []))
            self.offers_fired.append(offer["id"])

        delta, reaction_hint = self._mood_delta(codes, offers)
        if reaction_hint == "humour_bad":
            effective.discard("humour")  # a joke that falls flat calms nobody down
        stage_before = self.stage_index
        progressed, advanced = self._progress(effective, codes)
        fact = self._reveal(text, codes, advanced, stage_before)
        if fact is not None:
            delta += FACT_BONUS
            if not codes and not offers:
                delta -= STALLING_PENALTY * DIFFICULTY[self.difficulty].negative  # a good question is not stalling
        self.mood = _clamp(round(self.mood + delta))
        self._spend_patience(codes, progressed or advanced or bool(offers) or fact is not None, delta)
        self._update_streaks(codes)
        self.outcome = self._decide_outcome(codes)

        parts, reaction = self._compose(text, codes, offers, advanced, fact, reaction_hint)
        revealed_now = [self._fact_text(fact)] if fact is not None else []
        return self._turn(" ".join(p for p in parts if p), behaviours, reaction=reaction, revealed_now=revealed_now)

    def raise_pressure(self) -> Turn:
        """The trainer turns up the heat: the customer loses mood and patience and says so.

        Pressure never ends the conversation by itself; the trainee's next reply decides.
        """
        if self.outcome:
            raise ConversationOver(self.outcome)
        self.pressure_count += 1
        d = DIFFICULTY[self.difficulty]
        self.mood = max(1, self.mood - d.pressure)
        self.patience = max(1, self.patience - 1)
        line = self._pick("pressure", self.scenario.lines(self.lang, "pressure"), "pressure")
        nudge = self._pick(f"stage:{self.stage}:nudge", self._stage_texts()["nudge"], "pressure-nudge")
        return self._turn(f"{line} {nudge}", [], reaction="pressure")

    def to_dict(self) -> dict:
        return {
            "version": STATE_VERSION,
            "scenario": self.scenario.slug,
            "lang": self.lang,
            "difficulty": self.difficulty,
            "seed": self.seed,
            "mood": self.mood,
            "patience": self.patience,
            "patience_max": self.patience_max,
            "stage_index": self.stage_index,
            "stages_complete": self.stages_complete,
            "stage_seen": list(self.stage_seen),
            "revealed": list(self.revealed_ids),
            "offers_fired": list(self.offers_fired),
            "turn": self.turn,
            "pressure_count": self.pressure_count,
            "outcome": self.outcome,
            "streaks": dict(self.streaks),
            "used": {k: list(v) for k, v in self.used.items()},
        }

    @classmethod
    def from_dict(cls, d: dict, scenario: Scenario | None = None) -> CustomerEngine:
        if d.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported engine state version {d.get('version')!r}")
        scenario = scenario or load_scenario(d["scenario"])
        if scenario.slug != d["scenario"]:
            raise ValueError(f"state belongs to scenario {d['scenario']!r}, not {scenario.slug!r}")
        eng = cls(scenario, lang=d["lang"], difficulty=d["difficulty"], seed=d["seed"])
        eng.mood = int(d["mood"])
        eng.patience = int(d["patience"])
        eng.patience_max = int(d["patience_max"])
        eng.stage_index = int(d["stage_index"])
        if not 0 <= eng.stage_index < len(scenario.stages):
            raise ValueError("stage index out of range for this scenario")
        eng.stages_complete = bool(d["stages_complete"])
        eng.stage_seen = list(d["stage_seen"])
        eng.revealed_ids = list(d["revealed"])
        eng.offers_fired = list(d["offers_fired"])
        eng.turn = int(d["turn"])
        eng.pressure_count = int(d["pressure_count"])
        eng.outcome = d["outcome"]
        eng.streaks = {k: int(v) for k, v in d["streaks"].items()}
        eng.used = {k: [int(i) for i in v] for k, v in d["used"].items()}
        return eng

    # ------------------------------------------------------------------ mechanics

    def _mood_delta(self, codes: set[str], offers: list[dict]) -> tuple[float, str | None]:
        d = DIFFICULTY[self.difficulty]
        weights = {**WEIGHTS, **self.scenario.weights}
        hint = None
        negatives = codes & NEGATIVE
        positive = 0.0
        # Iterate in vocabulary order, never set order: set order of strings changes between
        # processes (hash randomisation) and the reply must not.
        for code in _ordered(codes & POSITIVE):
            w = weights[code]
            if code == "greeting" and self.turn > 1:
                w = 0
            elif code == "humour":
                if self.mood < self.scenario.humour_mood or negatives:
                    w = -6
                    hint = "humour_bad"
                else:
                    hint = hint or "humour_good"
            elif code == "apology" and self.streaks.get("apology_no_action", 0) >= 2 and not codes & ACTION_CODES:
                w = -3
                hint = "apology_only"
            elif code == "empathy" and self.streaks.get("comfort_no_action", 0) >= 2 and not codes & ACTION_CODES:
                w = w / 2
            if w < 0:
                positive += w * d.negative
            else:
                positive += w
        if negatives:
            positive /= 2  # "I'm sorry, but it's not my fault" - the "but" cancels half of it
        delta = positive * d.positive if positive > 0 else positive
        for code in _ordered(negatives):
            delta += weights[code] * d.negative
        if codes & COMFORT_CODES and codes & {"next_step", "timeline", "ownership"} and not negatives:
            delta += COMBO_BONUS * d.positive
        for offer in offers:
            value = offer.get("mood", 0)
            delta += value * (d.positive if value >= 0 else d.negative)
        if not codes and not offers:
            delta += STALLING_PENALTY * d.negative
        return min(delta, MAX_GAIN * d.positive), hint

    def _progress(self, effective: set[str], codes: set[str]) -> tuple[bool, bool]:
        """Record what this message contributes to the current stage; move on when it is complete.

        One message may complete several stages ("I'm sorry; I'll send it today by 5 pm and text
        you"): what it did counts for every following stage, so the customer never asks for
        something the trainee has just given.
        """
        if self.stages_complete:
            return bool(effective & ACTION_CODES), False
        stage = self.scenario.stages[self.stage_index]
        groups = stage["requires"]
        before = {i for i, g in enumerate(groups) if set(g) & set(self.stage_seen)}
        seen = set(self.stage_seen) | (effective & _relevant(stage))
        progressed = {i for i, g in enumerate(groups) if set(g) & seen} != before
        self.stage_seen = sorted(seen)
        advanced = False
        while "rudeness" not in codes and _complete(self.scenario.stages[self.stage_index], set(self.stage_seen)):
            advanced = True
            if self.stage_index + 1 == len(self.scenario.stages):
                self.stages_complete = True
                break
            self.stage_index += 1
            self.stage_seen = sorted(effective & _relevant(self.scenario.stages[self.stage_index]))
        if advanced:
            self.patience = min(self.patience_max, self.patience + 1)
        return progressed or advanced, advanced

    def _spend_patience(self, codes: set[str], progressed: bool, delta: float) -> None:
        cost = 0
        if not progressed and not (self.stages_complete and delta > 0):
            cost += 1
        if "rudeness" in codes:
            cost += 1
        if len(codes & NEGATIVE) >= 2:
            cost += 1
        self.patience = max(0, self.patience - cost)

    def _update_streaks(self, codes: set[str]) -> None:
        acted = bool(codes & ACTION_CODES)
        s = self.streaks
        s["apology_no_action"] = 0 if acted else s.get("apology_no_action", 0) + ("apology" in codes)
        s["comfort_no_action"] = 0 if acted else s.get("comfort_no_action", 0) + bool(codes & COMFORT_CODES)

    def _decide_outcome(self, codes: set[str]) -> str | None:
        if self.stages_complete and self.mood >= self.scenario.resolve_mood and not codes & NEGATIVE:
            return "resolved"
        rude = "rudeness" in codes
        # Except after rudeness, the customer reacts at least once before asking for a manager.
        if (self.mood <= ESCALATE_AT and (self.turn >= 2 or rude)) or (rude and self.mood < RUDENESS_ESCALATES_BELOW):
            return "escalated"
        if self.patience <= 0:
            return "abandoned" if self.mood > 2 * ESCALATE_AT else "escalated"
        if self.turn >= self.scenario.max_turns:
            return "timeout"
        return None

    def _matching_offers(self, text: str) -> list[dict]:
        if not text.strip():
            return []
        fired = []
        for offer in self.scenario.offers:
            if offer["id"] in self.offers_fired:
                continue
            if self._matches(text, offer["patterns"][self.lang], skip_negated=True):
                fired.append(offer)
        return fired

    def _reveal(self, text: str, codes: set[str], advanced: bool, stage_before: int) -> dict | None:
        entered = (
            {s["id"] for s in self.scenario.stages[stage_before + 1 : self.stage_index + 1]} if advanced else set()
        )
        for fact in self.scenario.facts:
            if fact["id"] in self.revealed_ids:
                continue
            if self.mood < fact.get("min_mood", 0) and not advanced:
                continue
            by_code = bool(codes & set(fact.get("codes", [])))
            by_stage = fact.get("stage") in entered and not self.stages_complete
            by_words = self._matches(text, fact.get("keywords", {}).get(self.lang, []))
            if by_code or by_stage or by_words:
                self.revealed_ids.append(fact["id"])
                return fact
        return None

    def _matches(self, text: str, patterns: list[str], skip_negated: bool = False) -> bool:
        """Does any pattern match? With ``skip_negated``, "I can't take the fee off" does not count."""
        if not patterns or not text.strip():
            return False
        tokens = _tokens(text, self.lang)
        sets = _compiled(self.lang)[1]
        for p in patterns:
            elems = _pattern(p)
            keys = _start_keys(p, self.lang)
            starts = None if keys is None else [i for i, t in enumerate(tokens) if t.norm in keys or t.lemma in keys]
            for first, _last in find_all(elems, tokens, sets, starts):
                if not (skip_negated and _negated(tokens, first, self.lang)):
                    return True
        return False

    # ------------------------------------------------------------------ what the customer says

    def _compose(self, text, codes, offers, advanced, fact, hint) -> tuple[list[str], str]:
        lines = self.scenario.lines
        lang = self.lang
        if self.outcome:
            return [self._pick(self.outcome, lines(lang, self.outcome), text)], self.outcome

        parts: list[str] = []
        negative = next((c for c in NEGATIVE_PRIORITY if c in codes), None)
        if negative:
            reaction = negative
            parts.append(self._pick(negative, lines(lang, negative), text))
        elif offers:
            # Several offers in one message: react to the one that matters most to the customer.
            offer = max(offers, key=lambda o: abs(o.get("mood", 0)))
            reaction = f"offer:{offer['id']}"
            parts.append(self._pick(reaction, offer[lang], text))
        elif advanced and not self.stages_complete:
            reaction = f"stage:{self.stage}"
            parts.append(self._pick(f"stage:{self.stage}:enter", self._stage_texts()["enter"], text))
        elif self.stages_complete:
            reaction = "skeptical"
            parts.append(self._pick("skeptical", lines(lang, "skeptical"), text))
        elif hint in ("apology_only", "humour_bad", "humour_good"):
            reaction = hint
            parts.append(self._pick(hint, lines(lang, hint), text))
        elif codes == {"greeting"}:
            reaction = "greeting"
            parts.append(self._pick("greeting", lines(lang, "greeting"), text))
        elif fact is not None and not codes:
            reaction = "answer"  # the trainee asked the right question; the customer simply answers
        elif codes & POSITIVE:
            reaction = "warm"
            parts.append(self._pick("warm", lines(lang, "warm"), text))
        else:
            reaction = "stalling"
            parts.append(self._pick("stalling", lines(lang, "stalling"), text))

        if fact is not None:
            parts.append(self._pick(f"fact:{fact['id']}", fact[lang]["say"], text))
        wants_nudge = not advanced and not offers and not self.stages_complete and (not negative or self.mood > 20)
        if wants_nudge:
            parts.append(self._pick(f"stage:{self.stage}:nudge", self._stage_texts()["nudge"], text))
        return parts, reaction

    def _stage_texts(self) -> dict:
        return self.scenario.stages[self.stage_index][self.lang]

    def _fact_text(self, fact: dict) -> str:
        return fact[self.lang]["fact"]

    def _pick(self, key: str, options: list[str], salt: str) -> str:
        """Choose a phrasing, avoiding the ones this customer has already used for this key."""
        if not options:
            return ""
        used = self.used.setdefault(key, [])
        fresh = [i for i in range(len(options)) if i not in used]
        if not fresh:
            fresh = [i for i in range(len(options)) if not used or i != used[-1]] or list(range(len(options)))
            used.clear()
        index = fresh[self._rng(key, salt).randrange(len(fresh))]
        used.append(index)
        return options[index]

    def _rng(self, event: str, text: str) -> random.Random:
        material = "\x1f".join(
            [
                str(self.seed),
                self.scenario.slug,
                self.lang,
                self.difficulty,
                str(self.turn),
                str(self.pressure_count),
                event,
                text,
            ]
        )
        digest = hashlib.sha256(material.encode("utf-8")).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def _turn(self, line: str, behaviours: list[Behaviour], reaction: str, revealed_now=None) -> Turn:
        revealed = [f[self.lang]["fact"] for f in self.scenario.facts if f["id"] in self.revealed_ids]
        return Turn(
            customer=line,
            behaviours=behaviours,
            mood=self.mood,
            stage=self.stage,
            outcome=self.outcome,
            revealed=revealed,
            turn=self.turn,
            patience=self.patience,
            reaction=reaction,
            revealed_now=list(revealed_now or []),
        )


_PATTERN_CACHE: dict[str, tuple] = {}


@lru_cache(maxsize=64)
def _tokens(text: str, lang: str) -> tuple:
    """One message is matched against every offer and fact of the scenario: tokenize it once."""
    return tuple(tokenize(text, lang))


@lru_cache(maxsize=4096)
def _start_keys(p: str, lang: str):
    return start_keys(_pattern(p), _compiled(lang)[1])


def _pattern(p: str):
    elems = _PATTERN_CACHE.get(p)
    if elems is None:
        elems = _PATTERN_CACHE[p] = compile_pattern(p)
    return elems


_NEGATORS = {"pl": frozenset({"nie", "bez"}), "en": frozenset({"not", "never", "cannot", "no"})}


def _negated(tokens, first: int, lang: str, window: int = 6) -> bool:
    """A negation shortly before ``first`` in the same clause: "nie mogę usunąć opłaty"."""
    clause = tokens[first].clause
    for tok in tokens[max(0, first - window) : first]:
        if tok.clause == clause and tok.norm in _NEGATORS[lang]:
            return True
    return False


def _ordered(codes) -> list[str]:
    return [c for c in CODES if c in codes]


def _relevant(stage: dict) -> set[str]:
    return {code for group in stage["requires"] for code in group}


def _complete(stage: dict, seen: set[str]) -> bool:
    return all(set(group) & seen for group in stage["requires"])


def _clamp(value: float) -> int:
    return int(max(0, min(100, value)))
