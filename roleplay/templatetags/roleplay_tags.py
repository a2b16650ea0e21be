from django import template
from django.utils.translation import get_language

from academy.models import Role

from ..forms import PracticeForm
from ..selectors import invitation_scenario

register = template.Library()


@register.inclusion_tag("roleplay/includes/invitation.html", takes_context=True)
def roleplay_invitation(context, scenario_slug):
    """A lesson's invitation to practise its conversation; nothing if the scenario is missing."""
    scenario = invitation_scenario(scenario_slug) if scenario_slug else None
    user = context["request"].user
    roles = user.roles if user.is_authenticated else set()
    return {
        "scenario": scenario,
        "can_practise": Role.TRAINEE in roles,
        "can_run": Role.TRAINER in roles,
        "form": PracticeForm(initial={"language": (get_language() or "pl")[:2]}),
        "request": context["request"],
    }
