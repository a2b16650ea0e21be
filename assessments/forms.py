from django import forms
from django.utils.translation import gettext_lazy as _

from .bank import MAX_FILE_BYTES


class GradeForm(forms.Form):
    rubric_points = forms.TypedChoiceField(label=_("Rubric level"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment for the trainee"), required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, rubric: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric_points"].choices = [
            (level["points"], f"{level['points']} — {level['text']}") for level in rubric
        ]


class BankImportForm(forms.Form):
    bank = forms.SlugField(label=_("Bank name"), max_length=60,
                           help_text=_("Questions are stored in this bank; existing ones are updated by slug."))
    file = forms.FileField(label=_("Bank file (JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from None


class ConsistencyOpenForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=None)
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=None, empty_label=None)

    def __init__(self, *args, teams, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["questionnaire"].queryset = questionnaires
