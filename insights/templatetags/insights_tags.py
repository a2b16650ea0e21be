from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def level(value):
    """A level with one decimal in the active language's notation (3,5 in Polish); — if none."""
    if value is None or value == "":
        return "—"
    return number_format(float(value), 1)


@register.filter
def level_abs(value):
    return level(abs(value)) if value is not None else "—"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pager links)."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        params[name] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
