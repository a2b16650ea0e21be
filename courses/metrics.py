"""The service metrics a lesson's calculator computes, with an explanation of the result.

Pure computation plus a form per metric: the learner types whole numbers, the form validates
them (every message says what to fix), and `calculate` returns the result and what it means in
the active language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_COUNT = 10_000_000

METRIC_CHOICES = [
    ("service_level", "Service Level"),
    ("fcr", "FCR (First Contact Resolution)"),
    ("sla", "SLA"),
    ("csat", "CSAT"),
    ("nps", "NPS"),
]
METRICS = dict(METRIC_CHOICES)

# metric -> [(field name, label)]; the first field of the two-number metrics is the whole.
FIELDS = {
    "service_level": [
        ("total", gettext_lazy("Incoming contacts")),
        ("part", gettext_lazy("Contacts handled within the time threshold")),
    ],
    "fcr": [
        ("total", gettext_lazy("All cases")),
        ("part", gettext_lazy("Cases resolved at the first contact")),
    ],
    "sla": [
        ("total", gettext_lazy("All cases")),
        ("part", gettext_lazy("Cases completed within the agreed time")),
    ],
    "csat": [
        ("total", gettext_lazy("All answers")),
        ("part", gettext_lazy("Satisfied answers (ratings 4 and 5)")),
    ],
    "nps": [
        ("promoters", gettext_lazy("Promoters (ratings 9–10)")),
        ("passives", gettext_lazy("Passives (ratings 7–8)")),
        ("detractors", gettext_lazy("Detractors (ratings 0–6)")),
    ],
}

PART_TOO_BIG = {
    "service_level": gettext_lazy(
        "Contacts handled within the threshold cannot outnumber all incoming contacts."
    ),
    "fcr": gettext_lazy("Cases resolved at the first contact cannot outnumber all cases."),
    "sla": gettext_lazy("Cases completed in time cannot outnumber all cases."),
    "csat": gettext_lazy("Satisfied answers cannot outnumber all answers."),
}

TOTAL_ZERO = {
    "service_level": gettext_lazy("Enter at least one incoming contact."),
    "fcr": gettext_lazy("Enter at least one case."),
    "sla": gettext_lazy("Enter at least one case."),
    "csat": gettext_lazy("Enter at least one answer."),
    "nps": gettext_lazy("Enter at least one answer."),
}


class CalculatorForm(forms.Form):
    def __init__(self, metric: str, *args, **kwargs):
        if metric not in FIELDS:
            raise ValueError(f"unknown metric {metric!r}")
        self.metric = metric
        super().__init__(*args, **kwargs)
        for name, label in FIELDS[metric]:
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=MAX_COUNT,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_COUNT, "step": 1}),
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.metric == "nps":
            if sum(data[name] for name, _label in FIELDS["nps"]) == 0:
                raise forms.ValidationError(TOTAL_ZERO["nps"], code="empty")
            return data
        if data["total"] == 0:
            self.add_error("total", TOTAL_ZERO[self.metric])
        elif data["part"] > data["total"]:
            self.add_error("part", PART_TOO_BIG[self.metric])
        return data


@dataclass
class CalculatorResult:
    metric: str
    value: float
    display: str
    explanation: list[str] = field(default_factory=list)


def _number(value: float, decimals: int = 0) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _percent(value: float) -> str:
    rounded = round(value, 1)
    text = _number(rounded, 0 if rounded == int(rounded) else 1)
    return f"{text}%"


def _points(value: float) -> str:
    rounded = round(value, 2)
    if rounded == int(rounded):
        return _number(rounded, 0)
    return _number(rounded, 2 if round(rounded, 1) != rounded else 1)


def calculate(metric: str, data: dict) -> CalculatorResult:
    """The metric from cleaned form data, explained in the active language."""
    if metric == "nps":
        return _nps(data)
    total, part = data["total"], data["part"]
    value = part / total * 100
    missed = total - part
    numbers = {
        "part": _number(part),
        "total": _number(total),
        "result": _percent(value),
        "missed": _number(missed),
        "missed_pct": _percent(100 - value),
        "step": _points(100 / total),
    }
    if metric == "service_level":
        explanation = [
            _("%(part)s of %(total)s contacts were handled within the time threshold, so Service Level is %(result)s.")
            % numbers,
            _("%(missed)s customers (%(missed_pct)s) waited longer than the threshold or gave up before anyone answered.")
            % numbers,
            _("Check the same figure for shorter periods as well: a good daily result can hide an hour in which many customers waited."),
        ]
    elif metric == "fcr":
        explanation = [
            _("%(part)s of %(total)s cases were resolved at the first contact, so FCR is %(result)s.") % numbers,
            _("The other %(missed)s customers (%(missed_pct)s) had to contact you again, and every repeat contact adds to the demand for service.")
            % numbers,
            _("Each additional case resolved at the first contact raises FCR by %(step)s percentage points.") % numbers,
        ]
    elif metric == "sla":
        explanation = [
            _("%(part)s of %(total)s cases were completed within the agreed time, so SLA is %(result)s.") % numbers,
            _("%(missed)s cases (%(missed_pct)s) missed the promised time: tell those customers before they have to ask.")
            % numbers,
            _("Measure each stage of the process separately too: the stage with the lowest result shows where cases get stuck."),
        ]
    else:  # csat
        explanation = [
            _("%(part)s of %(total)s answers were satisfied (ratings 4 and 5), so CSAT is %(result)s.") % numbers,
            _("%(missed)s customers (%(missed_pct)s) gave a rating from 1 to 3.") % numbers,
            _("Each additional satisfied answer raises CSAT by %(step)s percentage points.") % numbers,
        ]
    return CalculatorResult(metric=metric, value=value, display=numbers["result"], explanation=explanation)


def _nps(data: dict) -> CalculatorResult:
    promoters, passives, detractors = data["promoters"], data["passives"], data["detractors"]
    total = promoters + passives + detractors
    promoters_pct = promoters / total * 100
    detractors_pct = detractors / total * 100
    value = promoters_pct - detractors_pct
    rounded = round(value, 1)
    display = _number(rounded, 0 if rounded == int(rounded) else 1)
    if rounded > 0:
        display = "+" + display
    numbers = {
        "total": _number(total),
        "promoters_pct": _percent(promoters_pct),
        "detractors_pct": _percent(detractors_pct),
        "result": display,
        "step": _points(100 / total),
    }
    explanation = [
        _("Of %(total)s answers, %(promoters_pct)s come from promoters and %(detractors_pct)s from detractors, so NPS is %(result)s.")
        % numbers,
        _("Passives count in the total but not in the score: turning a detractor into a passive raises NPS as much as turning a passive into a promoter, %(step)s points each.")
        % numbers,
        _("NPS ranges from −100 (everyone a detractor) to +100 (everyone a promoter)."),
    ]
    return CalculatorResult(metric="nps", value=value, display=display, explanation=explanation)
