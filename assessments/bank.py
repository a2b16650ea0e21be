"""The question exchange format (docs/content-format.md): validation, parsing with line numbers,
and conversion between a JSON question and the `Question` model.

A bank file is a JSON list of questions. Validation collects every problem with the line of the
question it belongs to, so a trainer gets one report for the whole file; importing is all or
nothing (see `assessments.services.bank_import`).
"""

import json
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

LANGUAGES = ("pl", "en")
TYPES = ("single", "multiple", "truefalse", "matching", "ordering", "numeric", "open", "sjt")
# Keys of a question that live in `Question.data` (everything type-specific).
DATA_KEYS = {
    "single": ("options",),
    "multiple": ("options",),
    "truefalse": ("answer",),
    "matching": ("pairs",),
    "ordering": ("items",),
    "numeric": ("answer", "tolerance", "unit"),
    "open": ("rubric",),
    "sjt": ("options", "best", "worst"),
}
# Per-language keys beyond text/explanation kept in `data` too (true/false feedback).
LANGUAGE_DATA_KEYS = {"truefalse": ("feedback_true", "feedback_false")}
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class BankError:
    line: int
    slug: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line}
        if self.slug:
            where += f" ({self.slug})"
        return f"{where}: {self.message}"


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _keyed_list(name, value, errors, *, min_items, max_items=None, need=()):
    """Check a list of {"key": ..., "pl": {...}, "en": {...}} entries; return its keys."""
    if not isinstance(value, list) or len(value) < min_items:
        errors.append(_("“%(name)s” must be a list of at least %(n)s entries.") % {"name": name, "n": min_items})
        return []
    if max_items and len(value) > max_items:
        errors.append(_("“%(name)s” may have at most %(n)s entries.") % {"name": name, "n": max_items})
    keys = []
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or not _text(str(entry.get("key", ""))):
            errors.append(_("%(name)s #%(i)s has no “key”.") % {"name": name, "i": index})
            continue
        key = str(entry["key"])
        if key in keys:
            errors.append(_("%(name)s: the key “%(key)s” is used twice.") % {"name": name, "key": key})
        keys.append(key)
        for language in LANGUAGES:
            block = entry.get(language)
            if not isinstance(block, dict):
                errors.append(_("%(name)s “%(key)s” has no “%(lang)s” part.")
                              % {"name": name, "key": key, "lang": language})
                continue
            for field in need:
                if not _text(block.get(field)):
                    errors.append(_("%(name)s “%(key)s” has no %(lang)s “%(field)s”.")
                                  % {"name": name, "key": key, "lang": language, "field": field})
    return keys


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def question_data_errors(qtype: str, data) -> list[str]:
    """Problems with the type-specific part of a question (as stored in `Question.data`)."""
    errors: list[str] = []
    if qtype not in TYPES:
        return [_("Unknown type “%(type)s”; use one of: %(types)s.") % {"type": qtype, "types": ", ".join(TYPES)}]
    if not isinstance(data, dict):
        return [_("The answer data must be a JSON object.")]
    if qtype in ("single", "multiple"):
        options = data.get("options")
        keys = _keyed_list("options", options, errors, min_items=2, need=("text",))
        if keys:
            correct = [o for o in options if isinstance(o, dict) and o.get("correct") is True]
            for option in options:
                if isinstance(option, dict) and not isinstance(option.get("correct", False), bool):
                    errors.append(_("Option “%(key)s”: “correct” must be true or false.") % {"key": option.get("key")})
            if qtype == "single" and len(correct) != 1:
                errors.append(_("A single-choice question needs exactly one correct option (found %(n)s).")
                              % {"n": len(correct)})
            if qtype == "multiple" and not correct:
                errors.append(_("A multiple-choice question needs at least one correct option."))
    elif qtype == "sjt":
        options = data.get("options")
        keys = _keyed_list("options", options, errors, min_items=3, need=("text",))
        best, worst = str(data.get("best", "")), str(data.get("worst", ""))
        if keys:
            if best not in keys:
                errors.append(_("“best” must be one of the option keys."))
            if worst not in keys:
                errors.append(_("“worst” must be one of the option keys."))
            if best and best == worst:
                errors.append(_("“best” and “worst” must be different options."))
    elif qtype == "truefalse":
        if not isinstance(data.get("answer"), bool):
            errors.append(_("“answer” must be true or false."))
    elif qtype == "matching":
        _keyed_list("pairs", data.get("pairs"), errors, min_items=3, max_items=5, need=("left", "right"))
    elif qtype == "ordering":
        _keyed_list("items", data.get("items"), errors, min_items=3, need=("text",))
    elif qtype == "numeric":
        if not _number(data.get("answer")):
            errors.append(_("“answer” must be a number."))
        tolerance = data.get("tolerance", 0)
        if not _number(tolerance) or tolerance < 0:
            errors.append(_("“tolerance” must be a number of at least 0."))
        if "unit" in data and not isinstance(data["unit"], str):
            errors.append(_("“unit” must be text."))
    elif qtype == "open":
        rubric = data.get("rubric")
        if not isinstance(rubric, list) or len(rubric) < 2:
            errors.append(_("“rubric” must list at least two levels."))
        else:
            points = []
            for index, level in enumerate(rubric, start=1):
                if not isinstance(level, dict) or not isinstance(level.get("points"), int) \
                        or isinstance(level.get("points"), bool) or not 0 <= level["points"] <= 10:
                    errors.append(_("Rubric level #%(i)s needs “points” as a whole number 0–10.") % {"i": index})
                    continue
                points.append(level["points"])
                for language in LANGUAGES:
                    if not _text(level.get(language)):
                        errors.append(_("Rubric level #%(i)s has no %(lang)s text.") % {"i": index, "lang": language})
            if len(set(points)) != len(points):
                errors.append(_("Rubric levels must have different points."))
            if points and max(points) == 0:
                errors.append(_("The top rubric level must be worth more than 0 points."))
    for language in LANGUAGES:
        for key in LANGUAGE_DATA_KEYS.get(qtype, ()):
            block = data.get(language, {})
            if key in block and not isinstance(block[key], str):
                errors.append(_("“%(key)s” (%(lang)s) must be text.") % {"key": key, "lang": language})
    return errors


def question_errors(raw, *, known_competencies: set[str]) -> tuple[str, list[str]]:
    """(slug, problems) for one question in the exchange format."""
    if not isinstance(raw, dict):
        return "", [_("Each question must be a JSON object.")]
    slug = raw.get("slug") if isinstance(raw.get("slug"), str) else ""
    errors: list[str] = []
    from django.core.validators import validate_slug

    try:
        validate_slug(slug)
        if len(slug) > 120:
            raise ValueError
    except Exception:
        errors.append(_("“slug” must be letters, digits, hyphens or underscores (at most 120)."))
    qtype = raw.get("type")
    if qtype not in TYPES:
        errors.append(_("Unknown type “%(type)s”; use one of: %(types)s.") % {"type": qtype, "types": ", ".join(TYPES)})
    if not _text(raw.get("category")) or len(raw.get("category", "")) > 120:
        errors.append(_("“category” is required (e.g. traits/empathy)."))
    competencies = raw.get("competencies")
    if not isinstance(competencies, dict) or not competencies:
        errors.append(_("“competencies” must map at least one competency slug to a weight."))
    else:
        for competency, weight in competencies.items():
            if competency not in known_competencies:
                errors.append(_("Unknown competency “%(slug)s”.") % {"slug": competency})
            if not _number(weight) or not 0 <= weight <= 1:
                errors.append(_("The weight of “%(slug)s” must be a number from 0 to 1.") % {"slug": competency})
    for language in LANGUAGES:
        block = raw.get(language)
        if not isinstance(block, dict) or not _text(block.get("text")):
            errors.append(_("The question has no %(lang)s “text”.") % {"lang": language})
        elif "explanation" in block and not isinstance(block["explanation"], str):
            errors.append(_("The %(lang)s “explanation” must be text.") % {"lang": language})
    if qtype in TYPES:
        errors.extend(question_data_errors(qtype, question_data(raw)))
    return slug, errors


def question_data(raw: dict) -> dict:
    """The type-specific part of an exchange-format question, as stored in `Question.data`."""
    qtype = raw.get("type")
    data = {key: raw[key] for key in DATA_KEYS.get(qtype, ()) if key in raw}
    for language in LANGUAGES:
        extra = {key: raw.get(language, {}).get(key) for key in LANGUAGE_DATA_KEYS.get(qtype, ())
                 if isinstance(raw.get(language), dict) and key in raw[language]}
        if extra:
            data[language] = extra
    if qtype == "numeric":
        data.setdefault("tolerance", 0)
        data.setdefault("unit", "")
    return data


def question_fields(raw: dict) -> dict:
    """Model field values for a validated exchange-format question."""
    return {
        "type": raw["type"],
        "category": raw["category"].strip(),
        "text_pl": raw["pl"]["text"],
        "text_en": raw["en"]["text"],
        "explanation_pl": raw["pl"].get("explanation", ""),
        "explanation_en": raw["en"].get("explanation", ""),
        "data": question_data(raw),
    }


def question_to_exchange(question, tags: dict[str, float]) -> dict:
    """A `Question` back in the exchange format (the inverse of `question_fields`)."""
    data = dict(question.data)
    language_extra = {language: data.pop(language, {}) for language in LANGUAGES}
    out = {"slug": question.slug, "type": question.type, "category": question.category,
           "competencies": tags}
    out.update(data)
    for language in LANGUAGES:
        block = {"text": getattr(question, f"text_{language}")}
        explanation = getattr(question, f"explanation_{language}")
        if explanation:
            block["explanation"] = explanation
        block.update(language_extra[language] or {})
        out[language] = block
    return out


def parse_with_lines(text: str) -> tuple[list | None, list[int], list[BankError]]:
    """Parse a bank file; return (items, the line each item starts on, syntax errors)."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [], [BankError(exc.lineno, "", _("not valid JSON: %(msg)s (column %(col)s)")
                                    % {"msg": exc.msg, "col": exc.colno})]
    if not isinstance(items, list):
        return None, [], [BankError(1, "", _("the file must be a JSON list of questions."))]
    # Find where each element starts, for error lines.
    decoder = json.JSONDecoder()
    lines, index = [], text.index("[") + 1
    for _item in items:
        while text[index] in " \t\r\n,":
            index += 1
        lines.append(text.count("\n", 0, index) + 1)
        _value, index = decoder.raw_decode(text, index)
    return items, lines, []


def bank_file_errors(text: str, *, known_competencies: set[str]) -> tuple[list, list[BankError]]:
    """Validate a whole bank file: (questions, every error with its line)."""
    items, lines, errors = parse_with_lines(text)
    if errors:
        return [], errors
    if not items:
        return [], [BankError(1, "", _("the file contains no questions."))]
    seen: dict[str, int] = {}
    for raw, line in zip(items, lines, strict=True):
        slug, problems = question_errors(raw, known_competencies=known_competencies)
        errors.extend(BankError(line, slug, problem) for problem in problems)
        if slug:
            if slug in seen:
                errors.append(BankError(line, slug, _("the slug is already used on line %(line)s.")
                                        % {"line": seen[slug]}))
            else:
                seen[slug] = line
    return items, errors
