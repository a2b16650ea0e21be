"""Reading a learner's response from a form and scoring it — pure functions, no database.

Scoring rules (each question is worth one point, scores are 0–1):
- single, true/false: 1 for the correct answer, else 0.
- multiple: each correct option ticked earns 1/k (k = number of correct options), each wrong
  option ticked takes 1/k away, never below 0 (docs/content-format.md).
- matching: the share of pairs matched correctly.
- ordering: the share of neighbouring pairs that stand in the right order (Moodle's "relative to
  the next item"), so one item out of place costs little and a reversed list scores 0.
- numeric: 1 if |answer − expected| ≤ tolerance, else 0. A comma decimal ("12,5") is accepted.
- sjt: 0.5 for picking the best reply as best, 0.5 for picking the worst as worst.
- open: no automatic score; a trainer grades it with the rubric (points / top points).
"""

import math
import re

from django.utils.translation import gettext as _

NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class ResponseError(ValueError):
    """The submitted form does not make a valid answer (message is shown next to the question)."""


def field_name(question_id: int, part: str = "") -> str:
    return f"q{question_id}-{part}" if part else f"q{question_id}"


def _keys(entries) -> list[str]:
    return [str(entry["key"]) for entry in entries]


def parse_response(question, post, *, required: bool = True) -> dict | None:
    """The learner's response to `question` from POST data, or None if left blank.

    Raises ResponseError for an incomplete answer (when required) or a value that is not one of
    the question's options (a tampered form).
    """
    data, qid, qtype = question.data, question.pk, question.type
    name = field_name(qid)
    if qtype in ("single", "truefalse"):
        value = post.get(name, "")
        if value == "":
            return _blank(required, _("Choose an answer."))
        if qtype == "single":
            if value not in _keys(data["options"]):
                raise ResponseError(_("That is not one of the options."))
            return {"choice": value}
        if value not in ("true", "false"):
            raise ResponseError(_("That is not one of the options."))
        return {"value": value == "true"}
    if qtype == "multiple":
        values = post.getlist(name)
        if not values:
            return _blank(required, _("Tick at least one option."))
        keys = _keys(data["options"])
        if any(value not in keys for value in values) or len(set(values)) != len(values):
            raise ResponseError(_("That is not one of the options."))
        return {"choices": sorted(values)}
    if qtype == "sjt":
        keys = _keys(data["options"])
        best, worst = post.get(field_name(qid, "best"), ""), post.get(field_name(qid, "worst"), "")
        if not best and not worst:
            return _blank(required, _("Pick the best and the worst reply."))
        if not best or not worst:
            raise ResponseError(_("Pick both the best and the worst reply."))
        if best not in keys or worst not in keys:
            raise ResponseError(_("That is not one of the options."))
        if best == worst:
            raise ResponseError(_("The best and the worst reply must be different."))
        return {"best": best, "worst": worst}
    if qtype == "matching":
        keys = _keys(data["pairs"])
        chosen = {key: post.get(field_name(qid, key), "") for key in keys}
        if not any(chosen.values()):
            return _blank(required, _("Match every item."))
        if not all(chosen.values()):
            raise ResponseError(_("Match every item."))
        if any(value not in keys for value in chosen.values()):
            raise ResponseError(_("That is not one of the options."))
        return {"pairs": chosen}
    if qtype == "ordering":
        keys = _keys(data["items"])
        raw = {key: post.get(field_name(qid, key), "") for key in keys}
        if not any(raw.values()):
            return _blank(required, _("Give every item its place."))
        try:
            positions = {key: int(value) for key, value in raw.items()}
        except ValueError:
            raise ResponseError(_("Give every item its place.")) from None
        if sorted(positions.values()) != list(range(1, len(keys) + 1)):
            raise ResponseError(_("Use each place from 1 to %(n)s exactly once.") % {"n": len(keys)})
        return {"order": sorted(keys, key=positions.__getitem__)}
    if qtype == "numeric":
        raw = post.get(name, "").strip().replace(" ", "").replace("\u00a0", "")
        if raw == "":
            return _blank(required, _("Enter a number."))
        if not NUMBER.match(raw):
            raise ResponseError(_("Enter a number, e.g. 82.5 or 82,5."))
        value = float(raw.replace(",", "."))
        if not math.isfinite(value):
            raise ResponseError(_("Enter a number, e.g. 82.5 or 82,5."))
        return {"value": value, "raw": raw[:40]}
    if qtype == "open":
        text = post.get(name, "").strip()
        if not text:
            return _blank(required, _("Write your answer."))
        if len(text) > 5000:
            raise ResponseError(_("Keep the answer under 5000 characters."))
        return {"text": text}
    raise ResponseError(_("Unknown question type."))


def _blank(required: bool, message: str):
    if required:
        raise ResponseError(message)
    return None


def score_response(question, response: dict | None) -> float | None:
    """0–1 for an automatically graded question; None for an open answer (a trainer grades it)."""
    qtype, data = question.type, question.data
    if qtype == "open":
        return None
    if not response:
        return 0.0
    if qtype == "single":
        correct = next(str(o["key"]) for o in data["options"] if o.get("correct"))
        return 1.0 if response.get("choice") == correct else 0.0
    if qtype == "truefalse":
        return 1.0 if response.get("value") is data["answer"] else 0.0
    if qtype == "multiple":
        correct = {str(o["key"]) for o in data["options"] if o.get("correct")}
        chosen = set(response.get("choices", []))
        k = len(correct)
        return max(0.0, (len(chosen & correct) - len(chosen - correct)) / k)
    if qtype == "sjt":
        return 0.5 * (response.get("best") == str(data["best"])) + 0.5 * (response.get("worst") == str(data["worst"]))
    if qtype == "matching":
        pairs = response.get("pairs", {})
        keys = _keys(data["pairs"])
        return sum(pairs.get(key) == key for key in keys) / len(keys)
    if qtype == "ordering":
        order = response.get("order", [])
        correct = _keys(data["items"])
        rank = {key: index for index, key in enumerate(correct)}
        if sorted(order) != sorted(correct):
            return 0.0
        good = sum(rank[a] + 1 == rank[b] for a, b in zip(order, order[1:], strict=False))
        return good / (len(correct) - 1)
    if qtype == "numeric":
        value = response.get("value")
        if value is None:
            return 0.0
        return 1.0 if abs(value - data["answer"]) <= data.get("tolerance", 0) + 1e-9 else 0.0
    return 0.0


def rubric_top(question) -> int:
    return max(level["points"] for level in question.data.get("rubric", [])) or 1


def correct_response(question) -> dict:
    """The model answer in the same shape as a response (to show after answering)."""
    qtype, data = question.type, question.data
    if qtype == "single":
        return {"choice": next(str(o["key"]) for o in data["options"] if o.get("correct"))}
    if qtype == "multiple":
        return {"choices": [str(o["key"]) for o in data["options"] if o.get("correct")]}
    if qtype == "truefalse":
        return {"value": data["answer"]}
    if qtype == "sjt":
        return {"best": str(data["best"]), "worst": str(data["worst"])}
    if qtype == "matching":
        return {"pairs": {key: key for key in _keys(data["pairs"])}}
    if qtype == "ordering":
        return {"order": _keys(data["items"])}
    if qtype == "numeric":
        return {"value": data["answer"]}
    return {}
