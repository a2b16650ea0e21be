from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import REFLECTION_MAX_LENGTH


class ReflectionForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=REFLECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your answer before saving it.")},
    )


class AssignmentForm(forms.Form):
    """Assign a course to a team the user leads, or to one trainee in it, with a due date."""

    course = forms.TypedChoiceField(label=_("Course"), coerce=str)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    learner = forms.TypedChoiceField(
        label=_("Trainee"), coerce=int, required=False, empty_value=None,
        help_text=_("Leave empty to assign the course to every trainee of the team."),
    )
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )

    def __init__(self, *args, courses, teams, learners, team_trainees: set[tuple[int, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.team_trainees = team_trainees
        self.fields["course"].choices = [("", "—")] + [(str(c.translation_key), c.title) for c in courses]
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]
        self.fields["learner"].choices = [("", _("Whole team"))] + [(u.pk, u.display_name) for u in learners]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due

    def clean(self):
        data = super().clean()
        team, learner = data.get("team"), data.get("learner")
        if team is not None and learner is not None and (team, learner) not in self.team_trainees:
            self.add_error("learner", _("This person is not a trainee in the chosen team."))
        return data
