from django import forms
from django.utils.translation import gettext_lazy as _

from academy import access
from academy.models import Membership, Role, User

from .models import Difficulty, RoleplaySession, Scenario


class SessionForm(forms.Form):
    scenario = forms.ModelChoiceField(label=_("Scenario"), queryset=Scenario.objects.filter(is_active=True))
    trainee = forms.ModelChoiceField(label=_("Trainee"), queryset=User.objects.none())
    observers = forms.ModelMultipleChoiceField(
        label=_("Observers (optional)"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other trainees who watch and score as peers."),
    )
    difficulty = forms.ChoiceField(label=_("Difficulty"), choices=Difficulty.choices, initial=Difficulty.MEDIUM)
    language = forms.ChoiceField(label=_("Language of the conversation"), choices=[("pl", "Polski"), ("en", "English")])
    mode = forms.ChoiceField(label=_("Customer"), choices=RoleplaySession.Mode.choices,
                             initial=RoleplaySession.Mode.AUTO, widget=forms.RadioSelect)
    score_visibility = forms.ChoiceField(label=_("Scores"), choices=RoleplaySession.ScoreVisibility.choices,
                                         initial=RoleplaySession.ScoreVisibility.DEBRIEF, widget=forms.RadioSelect)

    def __init__(self, *args, trainer, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainer = trainer
        teams = access.teams_led_by(trainer, roles=(Role.TRAINER,))
        trainees = User.objects.filter(memberships__role=Role.TRAINEE, memberships__team__in=teams).distinct()
        self.fields["trainee"].queryset = trainees
        self.fields["observers"].queryset = trainees
        self.fields["scenario"].label_from_instance = lambda s: s.title

    def clean(self):
        data = super().clean()
        trainee = data.get("trainee")
        if trainee is None:
            return data
        membership = (
            Membership.objects.filter(user=trainee, role=Role.TRAINEE,
                                      team__in=access.teams_led_by(self.trainer, roles=(Role.TRAINER,)))
            .select_related("team").first()
        )
        if membership is None:
            raise forms.ValidationError(_("You do not train this person's team."))
        data["team"] = membership.team
        observers = data.get("observers") or []
        if trainee in observers:
            self.add_error("observers", _("The trainee cannot also observe the session."))
        return data


class PracticeForm(forms.Form):
    difficulty = forms.ChoiceField(label=_("Difficulty"), choices=Difficulty.choices, initial=Difficulty.MEDIUM)
    language = forms.ChoiceField(label=_("Language of the conversation"), choices=[("pl", "Polski"), ("en", "English")])
