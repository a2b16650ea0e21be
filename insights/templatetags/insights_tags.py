from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

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


@register.simple_tag
def heat_cells(cells, profile_url: str):
    """A row's heatmap cells, built in Python: a page has 700 of them, and as template markup
    (or one format_html per cell) they cost more than everything else on the page.

    The number is the content; the colour class repeats it; "below the minimum" and "no
    evidence" are said in words for screen readers.
    """
    separator = get_format("DECIMAL_SEPARATOR")
    no_evidence, change = escape(gettext("No evidence")), escape(gettext("change"))
    counts: dict[int, str] = {}
    url = escape(profile_url)
    parts = []
    for hc in cells:
        slug = escape(hc.competency.slug)
        below = hc.below
        parts.append(f'<td class="lvl lvl-{hc.band}{" below" if below else ""}" data-competency="{slug}">')
        cell = hc.cell
        if cell is not None:
            value = f"{hc.level:.1f}".replace(".", separator)
            count = cell.evidence_count
            if count not in counts:
                counts[count] = ngettext("%(n)s piece of evidence", "%(n)s pieces of evidence", count) % {"n": count}
            title = escape(f"{hc.competency.name}: {value} · {counts[count]}")
            parts.append(f'<a href="{url}#competency-{slug}" title="{title}">{value}</a>')
            delta = cell.delta
            if delta:
                arrow = "↑" if delta > 0 else "↓"
                amount = f"{abs(delta):.1f}".replace(".", separator)
                parts.append(f'<span class="delta">{arrow}<span class="visually-hidden">{change}</span>{amount}</span>')
        else:
            parts.append(f'<span title="{no_evidence}">—</span><span class="visually-hidden">{no_evidence}</span>')
        if below:
            minimum = f"{hc.minimum:.1f}".replace(".", separator)
            text = escape(gettext("below the minimum %(minimum)s") % {"minimum": minimum})
            parts.append(f'<span class="below-mark" aria-hidden="true">▼</span><span class="visually-hidden">{text}</span>')
        parts.append("</td>")
    return mark_safe("".join(parts))  # every dynamic part above is escaped
