from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Time spent, rounded to whole minutes ("under a minute" below one)."""
    try:
        minutes = int(seconds or 0) // 60
    except (TypeError, ValueError):
        return ""
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, rest = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


@register.inclusion_tag("courses/includes/progress_bar.html")
def progress_bar(percent, label):
    percent = max(0, min(100, int(percent or 0)))
    return {"percent": percent, "label": label}


@register.inclusion_tag("courses/includes/due_badge.html")
def due_badge(due):
    return {"due": due}
