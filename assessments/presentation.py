"""What a question looks like on a page: its options in the attempt's order, in the current
language, and — once answered — which were right and the feedback for the learner's choices.

Built from rows already loaded (no queries), so a page of fifty questions costs the same as one.
"""

from dataclasses import dataclass, field

from academy.i18n import current_language

from . import grading


def _lang(block: dict | None, key: str, language: str) -> str:
    block = block or {}
    return (block.get(language) or {}).get(key) or (block.get("pl") or {}).get(key, "")


@dataclass
class Choice:
    key: str
    text: str
    feedback: str = ""
    correct: bool = False
    chosen: bool = False
    best: bool = False
    worst: bool = False
    chosen_best: bool = False
    chosen_worst: bool = False
    selected: str = ""  # matching: the right-hand key picked; ordering: the place given


@dataclass
class QuestionView:
    question: object
    position: int
    text: str
    explanation: str
    choices: list[Choice] = field(default_factory=list)  # single, multiple, sjt, truefalse
    lefts: list[Choice] = field(default_factory=list)  # matching: left column (fixed order)
    rights: list[Choice] = field(default_factory=list)  # matching: right column (shuffled)
    items: list[Choice] = field(default_factory=list)  # ordering (shuffled)
    positions: list[int] = field(default_factory=list)
    unit: str = ""
    rubric: list[dict] = field(default_factory=list)
    answer: object = None
    value: dict = field(default_factory=dict)  # the response shown in the form (answer or POST)
    error: str = ""
    feedback_lines: list[str] = field(default_factory=list)
    correct_text: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def field(self) -> str:
        return grading.field_name(self.question.pk)

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def pending(self) -> bool:
        return self.answer is not None and self.answer.status == "pending"

    @property
    def percent(self) -> int | None:
        if self.answer is None or self.answer.score is None:
            return None
        return round(self.answer.score * 100)

    @property
    def verdict(self) -> str:
        """ok / partial / bad / pending, for the badge."""
        if self.answer is None:
            return ""
        if self.pending:
            return "pending"
        score = self.answer.score or 0.0
        return "ok" if score >= 0.999 else ("partial" if score > 0 else "bad")


def question_view(question, *, position: int, option_order: list, answer=None, response=None,
                  error: str = "", language: str | None = None) -> QuestionView:
    language = language or current_language()
    qtype, data = question.type, question.data
    view = QuestionView(
        question=question, position=position,
        text=getattr(question, f"text_{language}") or question.text_pl,
        explanation=getattr(question, f"explanation_{language}") or question.explanation_pl,
        answer=answer, error=error,
    )
    shown = response if response is not None else (answer.response if answer is not None else {})
    view.value = shown or {}
    if qtype in ("single", "multiple", "sjt"):
        options = {str(o["key"]): o for o in data["options"]}
        order = [k for k in option_order if k in options] or list(options)
        chosen = set(view.value.get("choices", [])) | {view.value.get("choice")}
        for key in order:
            option = options[key]
            view.choices.append(Choice(
                key=key, text=_lang(option, "text", language), feedback=_lang(option, "feedback", language),
                correct=bool(option.get("correct")), chosen=key in chosen,
                best=key == str(data.get("best")), worst=key == str(data.get("worst")),
                chosen_best=view.value.get("best") == key, chosen_worst=view.value.get("worst") == key,
            ))
    elif qtype == "truefalse":
        from django.utils.translation import gettext as _

        value = view.value.get("value")
        for key, text, truth in (("true", _("True"), True), ("false", _("False"), False)):
            view.choices.append(Choice(key=key, text=text, correct=data["answer"] is truth, chosen=value is truth))
    elif qtype == "matching":
        pairs = {str(p["key"]): p for p in data["pairs"]}
        chosen = view.value.get("pairs", {})
        for key, pair in pairs.items():
            view.lefts.append(Choice(key=key, text=_lang(pair, "left", language), selected=chosen.get(key, ""),
                                     correct=chosen.get(key) == key))
        order = [k for k in option_order if k in pairs] or list(pairs)
        view.rights = [Choice(key=k, text=_lang(pairs[k], "right", language)) for k in order]
    elif qtype == "ordering":
        items = {str(i["key"]): i for i in data["items"]}
        order = [k for k in option_order if k in items] or list(items)
        given = view.value.get("order", [])
        place = {key: index for index, key in enumerate(given, start=1)}
        view.items = [Choice(key=k, text=_lang(items[k], "text", language), selected=str(place.get(k, "")))
                      for k in order]
        view.positions = list(range(1, len(items) + 1))
    elif qtype == "numeric":
        view.unit = data.get("unit", "")
        raw = view.value.get("raw")
        view.value = {**view.value, "raw": raw if raw is not None else _number_text(view.value.get("value"))}
    elif qtype == "open":
        view.rubric = [{"points": level["points"], "text": level.get(language) or level.get("pl", "")}
                       for level in sorted(data.get("rubric", []), key=lambda level: level["points"])]
    if answer is not None:
        _feedback(view, question, language)
    return view


def _feedback(view: QuestionView, question, language: str) -> None:
    from django.utils.translation import gettext as _

    qtype, data, value = question.type, question.data, view.value
    if qtype in ("single", "multiple"):
        # The feedback of each chosen option is shown next to it (question_feedback.html).
        view.correct_text = [c.text for c in view.choices if c.correct]
    elif qtype == "sjt":
        best = next((c for c in view.choices if c.best), None)
        worst = next((c for c in view.choices if c.worst), None)
        if best:
            view.correct_text.append(_("Best: %(text)s") % {"text": best.text})
        if worst:
            view.correct_text.append(_("Worst: %(text)s") % {"text": worst.text})
    elif qtype == "truefalse":
        chosen = value.get("value")
        if chosen is not None:
            key = "feedback_true" if chosen else "feedback_false"
            text = (data.get(language) or {}).get(key) or (data.get("pl") or {}).get(key, "")
            if text:
                view.feedback_lines = [text]
        view.correct_text = [_("True") if data["answer"] else _("False")]
    elif qtype == "matching":
        rights = {c.key: c.text for c in view.rights}
        view.correct_text = [f"{c.text} → {rights.get(c.key, '')}" for c in view.lefts]
    elif qtype == "ordering":
        items = {c.key: c.text for c in view.items}
        view.correct_text = [items[str(i["key"])] for i in data["items"]]
    elif qtype == "numeric":
        unit = f" {data.get('unit')}" if data.get("unit") else ""
        tolerance = data.get("tolerance", 0)
        answer = f"{data['answer']:g}{unit}"
        view.correct_text = [answer + (f" (± {tolerance:g})" if tolerance else "")]
    elif qtype == "open" and view.answer is not None and view.answer.comment:
        view.feedback_lines = [view.answer.comment]


def _number_text(value) -> str:
    return "" if value is None else f"{value:g}"
