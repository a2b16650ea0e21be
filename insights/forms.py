import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .environment import ELEMENTS, RATINGS
from .models import EnvironmentLevel

LEVEL_CHOICES = [(n, str(n)) for n in (1, 2, 3, 4, 5)]


class LevelField(forms.DecimalField):
    """A rubric level with one decimal; "3,5" is as good as "3.5" in either language."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; an unknown value falls back to the default instead of failing."""

    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False)
    course = forms.ChoiceField(label=_("Courses in the progress column"), required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, teams, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        self.fields["course"].choices = [("", _("Required courses (or all)"))] + [
            (str(c.key), c.title) for c in courses
        ]
        self.fields["period"].choices = [
            ("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last 12 months")), ("all", _("All time")),
        ]

    def value(self, name, default=None):
        """The cleaned value of one filter, or the default when it is missing or invalid."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        return default if value in (None, "") else value


class ReadinessRulesForm(forms.Form):
    """The team's rules: required courses (checkboxes) and a minimum level per competency."""

    courses = forms.MultipleChoiceField(label=_("Courses to complete"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, courses, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.fields["courses"].choices = [(str(c.key), c.title) for c in courses]
        for competency in competencies:
            self.fields[self.level_field(competency)] = LevelField(
                label=competency.name, required=False, min_value=1, max_value=5, decimal_places=1, max_digits=2,
                widget=forms.NumberInput(attrs={"step": "0.1", "min": "1", "max": "5", "inputmode": "decimal"}),
                error_messages={
                    "min_value": _("Use a level from 1 to 5."), "max_value": _("Use a level from 1 to 5."),
                    "max_decimal_places": _("Use at most one decimal, e.g. 3.5."),
                    "invalid": _("Enter a number such as 3.5."),
                },
            )

    @staticmethod
    def level_field(competency) -> str:
        return f"min_{competency.slug}"

    def level_fields(self):
        return [(c, self[self.level_field(c)]) for c in self.competencies]

    def minimums(self) -> dict:
        return {c: self.cleaned_data[self.level_field(c)] for c in self.competencies
                if self.cleaned_data.get(self.level_field(c)) is not None}


class ObservationForm(forms.Form):
    competency = forms.ModelChoiceField(label=_("Competency"), queryset=None, empty_label="—")
    level = forms.TypedChoiceField(label=_("Level observed (rubric 1–5)"), coerce=int, choices=LEVEL_CHOICES,
                                   widget=forms.RadioSelect)
    note = forms.CharField(label=_("What you observed"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Describe the behaviour, e.g. “offered a concrete next step and a time”."))
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, competencies, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies


class SurveyOpenForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]


class SurveyAnswerForm(forms.Form):
    level = forms.ChoiceField(label=_("You answer as"), choices=EnvironmentLevel.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for element in ELEMENTS:
            self.fields[f"el_{element.slug}"] = forms.TypedChoiceField(
                label=element.name, help_text=element.statement, coerce=int,
                choices=[(n, str(n)) for n in RATINGS], widget=forms.RadioSelect,
                error_messages={"required": _("Rate this element from 1 to 5.")},
            )

    def element_fields(self):
        return [(element, self[f"el_{element.slug}"]) for element in ELEMENTS]

    def ratings(self) -> dict:
        return {element.slug: self.cleaned_data[f"el_{element.slug}"] for element in ELEMENTS}
