"""Which service behaviours does a trainee's message show, and where exactly?

``analyse(text, lang)`` returns :class:`Behaviour` items (code + character span into the original
text). It is rule based and deterministic: the same text gives the same list, in the same order,
on every machine. The rules and the annotation guideline live in ``rules.py``; the labelled corpus
and the precision/recall report (``bench/analyser_report.py``) keep them honest.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache

from .rules import CODES, RULES
from .text import Token, _Alt, _parse_alt, compile_pattern, find_all, start_keys, tokenize

MAX_ANALYSED_CHARS = 8000  # a chat message longer than this is not a chat message; analyse the start


@dataclass(frozen=True, slots=True)
class Behaviour:
    code: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Behaviour:
        return cls(code=d["code"], start=int(d["start"]), end=int(d["end"]), text=d["text"])


@dataclass(frozen=True, slots=True)
class _Rule:
    code: str
    elems: tuple
    not_after: tuple[_Alt, ...]
    window: int
    soft: bool
    first_person: bool
    no_not_inside: bool
    requires_not: bool
    question: bool
    past_first: bool
    at_start: bool
    span_first: bool
    span_last: bool


# Polish 1st person (present/future) endings; past tense and conditional forms are excluded below.
_PL_FIRST_PERSON = re.compile(r"(ę|my|am|em|im|ym)$")
_PL_NOT_FIRST_PERSON = re.compile(r"(ł(em|am|bym|abym|ybym)|(li|ły)śmy|by(m|śmy))$")
_PL_PAST_FIRST = re.compile(r"(łem|łam|liśmy|łyśmy)$")
_NEGATORS = {"pl": {"nie"}, "en": {"not", "never", "cannot", "no"}}

# When two codes cover overlapping text, the first one wins over the second.
_SUPPRESS = (
    ("proactive_update", "next_step"),
    ("helplessness", "next_step"),
    ("blame_shifting", "next_step"),
    ("rudeness", "next_step"),
    ("ownership", "next_step", "inside"),
    ("unnecessary_question", "next_step"),
    ("blame_shifting", "admits_error"),
    ("rudeness", "empathy"),
    ("discretion_breach", "information"),
    ("humour", "information"),
    ("helplessness", "information"),
    ("blame_shifting", "information"),
    ("unnecessary_question", "information"),
    ("rudeness", "blame_shifting"),
)
_ACTION_CODES = frozenset({"next_step", "proactive_update", "timeline", "ownership"})


@cache
def _compiled(lang: str) -> tuple[tuple[_Rule, ...], dict[str, frozenset[str]]]:
    raw_rules, raw_sets = RULES[lang]
    sets = {name: frozenset(w.lower() for w in words) for name, words in raw_sets.items()}
    rules = []
    for entry in raw_rules:
        code, pattern = entry[0], entry[1]
        opts = entry[2] if len(entry) > 2 else {}
        if code not in CODES:
            raise ValueError(f"unknown behaviour code {code!r} in rule {pattern!r}")
        not_after = tuple(_parse_alt(a) for a in opts.get("not_after", "").split("|") if a)
        rules.append(
            _Rule(
                code=code,
                elems=compile_pattern(pattern),
                not_after=not_after,
                window=int(opts.get("window", 2)),
                soft=bool(opts.get("soft", False)),
                first_person=bool(opts.get("first_person", False)),
                no_not_inside=bool(opts.get("no_not_inside", False)),
                requires_not=bool(opts.get("requires_not", False)),
                question=bool(opts.get("question", False)),
                past_first=bool(opts.get("past_first", False)),
                at_start=bool(opts.get("at_start", False)),
                span_first=bool(opts.get("span_first", False)),
                span_last=bool(opts.get("span_last", False)),
            )
        )
    return tuple(rules), sets


@cache
def _start_index(lang: str) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """word → the rules (by position) that can start on a token with that norm or lemma, and
    the rules that can start anywhere. With about 240 rules a message of 20 words tries a few
    dozen (rule, position) pairs instead of 5,000; what is found does not change."""
    rules, sets = _compiled(lang)
    index: dict[str, list[int]] = {}
    anywhere = []
    for number, rule in enumerate(rules):
        keys = start_keys(rule.elems, sets)
        if keys is None:
            anywhere.append(number)
            continue
        for key in keys:
            index.setdefault(key, []).append(number)
    return {key: tuple(numbers) for key, numbers in index.items()}, tuple(anywhere)


def _candidates(tokens: list[Token], lang: str) -> dict[int, list[int]]:
    """rule number → the token positions where it may start, ascending."""
    index, anywhere = _start_index(lang)
    starts: dict[int, set[int]] = {number: set(range(len(tokens))) for number in anywhere} if tokens else {}
    for position, tok in enumerate(tokens):
        for key in {tok.norm, tok.lemma}:
            for number in index.get(key, ()):
                starts.setdefault(number, set()).add(position)
    return {number: sorted(positions) for number, positions in starts.items()}


def _blocked_before(rule: _Rule, tokens: list[Token], first: int, sets) -> bool:
    if not rule.not_after:
        return False
    clause = tokens[first].clause
    j = first - 1
    seen = 0
    while j >= 0 and seen < rule.window:
        tok = tokens[j]
        if tok.clause != clause or tok.kind == "punct":
            break
        if any(a.test(tok, sets) for a in rule.not_after):
            return True
        seen += 1
        j -= 1
    return False


def _is_first_person(tok: Token) -> bool:
    return bool(_PL_FIRST_PERSON.search(tok.norm)) and not _PL_NOT_FIRST_PERSON.search(tok.norm)


def _accept(rule: _Rule, tokens: list[Token], first: int, last: int, lang: str, sets) -> bool:
    span = tokens[first : last + 1]
    if rule.at_start and first != 0:
        return False
    if rule.first_person:
        # Some action verb in the span must be in the 1st person: "sprawdzę", "wyślemy", "sprawdzam".
        actions = sets.get("action", frozenset())
        if not any((t.lemma in actions or t.norm in actions) and _is_first_person(t) for t in span):
            return False
    if rule.past_first:
        # "wysłaliśmy", "sprawdziłam": what the speaker already did is information about the case.
        if not _PL_PAST_FIRST.search(span[-1].norm):
            return False
    if rule.question:
        sentence = span[0].sentence
        ends = [t for t in tokens[last + 1 :] if t.sentence == sentence and t.kind == "punct"]
        if not any(t.norm == "?" for t in ends):
            return False
    negators = _NEGATORS.get(lang, set())
    if rule.no_not_inside and any(t.norm in negators for t in span):
        return False
    if rule.requires_not and not any(t.norm in negators for t in span):
        return False
    return True


def analyse(text: str, lang: str) -> list[Behaviour]:
    """Behaviour codes found in ``text`` (a trainee's message) with the spans that triggered them."""
    if lang not in RULES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {sorted(RULES)}")
    if not text or not text.strip():
        return []
    text_for_analysis = text[:MAX_ANALYSED_CHARS]
    tokens = tokenize(text_for_analysis, lang)
    rules, sets = _compiled(lang)

    hits: list[tuple[str, int, int, bool]] = []  # code, first token, last token, soft
    candidates = _candidates(tokens, lang)
    for number in sorted(candidates):  # rule order, as if every rule were tried everywhere
        rule = rules[number]
        for first, last in find_all(rule.elems, tokens, sets, candidates[number]):
            if _blocked_before(rule, tokens, first, sets):
                continue
            if not _accept(rule, tokens, first, last, lang, sets):
                continue
            if rule.span_first:
                last = first
            elif rule.span_last:
                first = last
            hits.append((rule.code, first, last, rule.soft))

    hits = _drop_soft_limitations(hits, tokens)
    hits = _drop_nested_same_code(hits)
    hits = _apply_suppression(hits)

    out = []
    for code, first, last, _soft in hits:
        start, end = tokens[first].start, tokens[last].end
        out.append(Behaviour(code=code, start=start, end=end, text=text[start:end]))
    out.sort(key=lambda b: (b.start, b.end, CODES.index(b.code)))
    return out


def _drop_soft_limitations(hits, tokens):
    """ "I don't know yet, but I'll check" is honesty plus a step, not helplessness."""
    keep = []
    for hit in hits:
        code, first, last, soft = hit
        if code == "helplessness" and soft:
            sentence = tokens[first].sentence
            if any(
                other[0] in _ACTION_CODES and other[1] > last and tokens[other[1]].sentence == sentence
                for other in hits
            ):
                continue
        keep.append(hit)
    return keep


def _drop_nested_same_code(hits):
    """Keep one span per overlapping group of the same code: the longest, then the leftmost."""
    by_code: dict[str, list] = {}
    for hit in hits:
        by_code.setdefault(hit[0], []).append(hit)
    keep = []
    for items in by_code.values():
        items.sort(key=lambda h: (-(h[2] - h[1]), h[1]))
        chosen: list = []
        for h in items:
            if all(h[2] < c[1] or h[1] > c[2] for c in chosen):
                chosen.append(h)
        keep.extend(chosen)
    return keep


def _apply_suppression(hits):
    result = list(hits)
    for winner, loser, *how in _SUPPRESS:
        winners = [h for h in result if h[0] == winner]
        if not winners:
            continue
        inside = how == ["inside"]
        result = [h for h in result if h[0] != loser or not _beaten(h, winners, inside)]
    return result


def _beaten(hit, winners, inside: bool) -> bool:
    """Does a winner's span contain (``inside``) or overlap the hit's span?"""
    if inside:
        return any(w[1] <= hit[1] and hit[2] <= w[2] for w in winners)
    return any(not (hit[2] < w[1] or hit[1] > w[2]) for w in winners)


def codes_of(behaviours: list[Behaviour]) -> list[str]:
    """Distinct codes in vocabulary order."""
    present = {b.code for b in behaviours}
    return [c for c in CODES if c in present]
