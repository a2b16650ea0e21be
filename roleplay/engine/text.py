"""Tokens with offsets, lemmas, and a tiny pattern language matched over them.

Why a pattern language instead of regular expressions: Polish inflects almost every word
("przepraszam", "przeprosiny", "sprawdzę", "sprawdzimy"), so rules are written against lemmas
(from simplemma) *or* surface forms, and a rule must still report the exact character span of the
original text that triggered it.

Pattern syntax (elements separated by spaces):

    word          token lemma == word or lower-cased surface == word
    =word         lower-cased surface == word (no lemma)
    word*         surface starts with "word"
    -suffix       surface ends with "suffix"
    @set          lemma or surface is in the named word set of the rule table
    #time #num    a clock time (12:00, 9.30) / a number
    a|b|c         any of the alternatives above
    a|b~c|d       a or b, but not c or d ("-ed~@feeling": a word ending in -ed that is not a feeling)
    X?            the element X is optional
    ^X            zero-width: the next token must NOT match X (or there is no next token)
    ..N           skip 0..N tokens within the clause (never across , : – . ! ? ; or "ale"/"but")
    ...N          skip 0..N tokens within the sentence (may cross commas: "Widzę w systemie, że ...")

Matching is deterministic: the same text always gives the same matches, in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LANGS = ("pl", "en")

# Letters (incl. Polish), optionally joined by hyphens/apostrophes: "e-mail", "I'll", "case'a".
_TOKEN_RE = re.compile(
    r"(?P<time>\b\d{1,2}[:.]\d{2}(?!\d|[:.]\d))"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<emo>[:;]-?[)D(P]|[\U0001F300-\U0001FAFF\u2600-\u27BF])"
    r"|(?P<word>[^\W\d_]+(?:[-'’][^\W\d_]+)*)"
    r"|(?P<punct>[^\w\s])",
    re.UNICODE,
)

SENTENCE_END = frozenset(".!?;…")
CLAUSE_END = SENTENCE_END | frozenset(',:–—-()"')

# English contractions are split into logical tokens that share the original span.
_EN_CONTRACTIONS = {
    "n't": "not",
    "'ll": "will",
    "'m": "am",
    "'re": "are",
    "'ve": "have",
    "'d": "would",
    "'s": "'s",
}
_EN_NEG_BASES = {"can": "can", "ca": "can", "won": "will", "wo": "will", "don": "do", "shan": "shall"}


@dataclass(frozen=True, slots=True)
class Token:
    norm: str  # lower-cased surface
    lemma: str  # lower-cased lemma (== norm when unknown)
    start: int
    end: int
    kind: str  # word | num | time | emo | punct
    sentence: int  # sentence index, for "same sentence" checks
    clause: int  # clause index (commas, "ale", "but" start a new clause)


@lru_cache(maxsize=65536)
def lemma_of(word: str, lang: str) -> str:
    if lang not in LANGS:
        return word
    import simplemma  # imported lazily: loading its data takes a few seconds, once

    try:
        return simplemma.lemmatize(word, lang=lang).lower()
    except Exception:  # pragma: no cover - simplemma is robust, but never let a lemma break a turn
        return word


_CLAUSE_WORDS = {
    "pl": {"ale", "lecz", "jednak", "natomiast", "chociaż", "choć"},
    "en": {"but", "however", "although", "though"},
}


def tokenize(text: str, lang: str) -> list[Token]:
    tokens: list[Token] = []
    sentence = 0
    clause = 0
    clause_words = _CLAUSE_WORDS.get(lang, set())
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "punct"
        surface = m.group(0)
        start, end = m.span()
        if kind == "punct":
            if surface in SENTENCE_END:
                tokens.append(Token(surface, surface, start, end, kind, sentence, clause))
                sentence += 1
                clause += 1
                continue
            if surface in CLAUSE_END:
                clause += 1
            tokens.append(Token(surface, surface, start, end, kind, sentence, clause))
            continue
        if kind != "word":
            tokens.append(Token(surface.lower(), surface.lower(), start, end, kind, sentence, clause))
            continue
        norm = surface.lower().replace("’", "'")
        if norm in clause_words:
            clause += 1
        if lang == "en" and "'" in norm:
            tokens.extend(_split_contraction(norm, start, end, sentence, clause))
            continue
        tokens.append(Token(norm, lemma_of(norm, lang), start, end, kind, sentence, clause))
    return tokens


_EN_IS_BASES = {"it", "that", "there", "here", "what", "who", "he", "she", "this", "where", "how"}


def _split_contraction(norm: str, start: int, end: int, sentence: int, clause: int) -> list[Token]:
    for suffix, full in _EN_CONTRACTIONS.items():
        if norm.endswith(suffix) and len(norm) > len(suffix):
            base = norm[: -len(suffix)]
            if suffix == "n't":
                base = _EN_NEG_BASES.get(base, base)
            if suffix == "'s":
                # "it's" is "it is"; "courier's" stays a possessive "'s"; "let's" is "let us".
                full = "is" if base in _EN_IS_BASES else ("us" if base == "let" else "'s")
            cut = end - len(suffix)
            return [
                Token(base, lemma_of(base, "en"), start, cut, "word", sentence, clause),
                Token(full, full, cut, end, "word", sentence, clause),
            ]
    return [Token(norm, lemma_of(norm, "en"), start, end, "word", sentence, clause)]


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True, slots=True)
class _Alt:
    kind: str  # word | exact | prefix | suffix | set | class
    value: str

    def test(self, tok: Token, sets: dict[str, frozenset[str]]) -> bool:
        k = self.kind
        if k == "class":
            return tok.kind == self.value
        if tok.kind in ("punct",):
            return k == "exact" and tok.norm == self.value
        if k == "word":
            return tok.lemma == self.value or tok.norm == self.value
        if k == "exact":
            return tok.norm == self.value
        if k == "prefix":
            return tok.norm.startswith(self.value)
        if k == "suffix":
            return tok.norm.endswith(self.value)
        if k == "set":
            s = sets[self.value]
            return tok.lemma in s or tok.norm in s
        return False  # pragma: no cover


@dataclass(frozen=True, slots=True)
class _Elem:
    alts: tuple[_Alt, ...]
    optional: bool = False
    lookahead_not: bool = False
    gap: int = 0  # > 0: this element is a gap of up to `gap` tokens
    cross_clause: bool = False
    excluded: tuple[_Alt, ...] = ()

    def test(self, tok: Token, sets) -> bool:
        return any(a.test(tok, sets) for a in self.alts) and not any(a.test(tok, sets) for a in self.excluded)


def _parse_alt(raw: str) -> _Alt:
    if ("'" in raw or "’" in raw) and raw.lstrip("=") != "'s":
        # Contractions are split by the tokenizer ("I'll" -> "i" "will"); a rule must spell them out.
        raise ValueError(f"write contractions as separate tokens, not {raw!r}")
    if raw.startswith("#"):
        return _Alt("class", raw[1:])
    if raw.startswith("@"):
        return _Alt("set", raw[1:])
    if raw.startswith("="):
        return _Alt("exact", raw[1:])
    if raw.startswith("-") and len(raw) > 1:
        return _Alt("suffix", raw[1:])
    if raw.endswith("*") and len(raw) > 1:
        return _Alt("prefix", raw[:-1])
    return _Alt("word", raw)


def compile_pattern(pattern: str) -> tuple[_Elem, ...]:
    elems: list[_Elem] = []
    for part in pattern.split():
        if part.startswith("..."):
            elems.append(_Elem((), gap=int(part[3:]), cross_clause=True))
            continue
        if part.startswith(".."):
            elems.append(_Elem((), gap=int(part[2:])))
            continue
        optional = part.endswith("?") and len(part) > 1
        if optional:
            part = part[:-1]
        lookahead_not = part.startswith("^")
        if lookahead_not:
            part = part[1:]
        wanted, _, unwanted = part.partition("~")
        alts = tuple(_parse_alt(a) for a in wanted.split("|") if a)
        excluded = tuple(_parse_alt(a) for a in unwanted.split("|") if a)
        if not alts:
            raise ValueError(f"empty element in pattern {pattern!r}")
        elems.append(_Elem(alts, optional=optional, lookahead_not=lookahead_not, excluded=excluded))
    if not elems or elems[0].gap or elems[-1].gap or elems[0].optional or elems[0].lookahead_not:
        raise ValueError(f"pattern must start with a required token element and not end with a gap: {pattern!r}")
    return tuple(elems)


def match_at(elems: tuple[_Elem, ...], tokens: list[Token], i: int, sets) -> int | None:
    """Return the index of the last matched token when the pattern matches starting at token i."""
    return _match(elems, 0, tokens, i, sets, i - 1)


def _match(elems, e, tokens, i, sets, last) -> int | None:
    if e == len(elems):
        return last
    el = elems[e]
    if el.gap:
        # Try the shortest gap first so that spans stay tight.
        j = i
        for _ in range(el.gap + 1):
            got = _match(elems, e + 1, tokens, j, sets, last)
            if got is not None:
                return got
            if j >= len(tokens) or tokens[j].norm in SENTENCE_END:
                return None
            if not el.cross_clause and last >= 0 and tokens[j].clause != tokens[last].clause:
                return None
            j += 1
        return None
    if el.lookahead_not:
        if i < len(tokens) and el.test(tokens[i], sets):
            return None
        return _match(elems, e + 1, tokens, i, sets, last)
    if i < len(tokens) and el.test(tokens[i], sets):
        got = _match(elems, e + 1, tokens, i + 1, sets, i)
        if got is not None:
            return got
    if el.optional:
        return _match(elems, e + 1, tokens, i, sets, last)
    return None


def start_keys(elems: tuple[_Elem, ...], sets) -> frozenset[str] | None:
    """The words (norm or lemma) a token must be for the pattern to start on it, or None when
    the first element is not a plain word test (a prefix, a suffix, a token class).

    A pattern's first element is always a required token (see compile_pattern), so a token whose
    norm and lemma are both outside these keys cannot start a match: indexes built from them
    skip the pattern there without changing what is found.
    """
    keys: set[str] = set()
    for alt in elems[0].alts:
        if alt.kind in ("word", "exact"):
            keys.add(alt.value)
        elif alt.kind == "set":
            keys |= sets[alt.value]
        else:
            return None
    return frozenset(keys)


def find_all(elems: tuple[_Elem, ...], tokens: list[Token], sets, starts=None) -> list[tuple[int, int]]:
    """All (first_token, last_token) matches, leftmost first.

    `starts`: the token positions worth trying, in order, when the caller has narrowed them
    with `start_keys` (every position otherwise).
    """
    found = []
    for i in range(len(tokens)) if starts is None else starts:
        last = match_at(elems, tokens, i, sets)
        if last is not None and last >= i:
            found.append((i, last))
    return found
