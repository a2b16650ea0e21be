from django import forms
from django.utils.translation import gettext_lazy as _

from .services import ANNOUNCEMENT_MAX_LENGTH


class AnnouncementForm(forms.Form):
    text = forms.CharField(
        label=_("Announcement"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
