"""Who may run and answer a service-environment self-assessment — each rule as an object check
and a queryset filter, built on the people rules in `academy.access`.

Managers of a team (and admins) open, close and read a team's self-assessment; every member of
the team (any role) and admins, who answer as directors, may answer it while it is open.
Everything else in insights is scoped by `academy.access` directly: the dashboard and exports by
`teams_led_by(user, roles=(manager,))`, a trainee's profile and observations by `access_learner`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from academy import access as people
from academy.models import Role

from .models import EnvironmentSurvey

MANAGER_ROLES = (Role.MANAGER,)


def surveys_managed_by(user) -> QuerySet[EnvironmentSurvey]:
    return EnvironmentSurvey.objects.filter(team__in=people.teams_led_by(user, roles=MANAGER_ROLES))


def can_manage_survey(user, survey: EnvironmentSurvey) -> bool:
    return people.can_lead_team(user, survey.team, roles=MANAGER_ROLES)


def surveys_answerable_by(user) -> QuerySet[EnvironmentSurvey]:
    return EnvironmentSurvey.objects.filter(team__in=people.teams_visible_to(user))


def can_answer_survey(user, survey: EnvironmentSurvey) -> bool:
    return people.can_view_team(user, survey.team)


def access_survey(user, survey_id, *, manage: bool = False) -> EnvironmentSurvey:
    try:
        survey = EnvironmentSurvey.objects.select_related("team").get(pk=survey_id)
    except (EnvironmentSurvey.DoesNotExist, ValueError, TypeError):
        raise Http404("No such self-assessment.") from None
    allowed = can_manage_survey(user, survey) if manage else can_answer_survey(user, survey)
    if not allowed:
        raise PermissionDenied("This self-assessment belongs to another team.")
    return survey


def can_observe(user, learner) -> bool:
    """Managers and trainers of the learner's team record observations, never about themselves."""
    return user.pk != learner.pk and people.can_view_learner(user, learner)
