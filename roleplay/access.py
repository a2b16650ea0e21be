"""Who may do what in a roleplay session: the object check and the queryset filter, together."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from academy import access

from .events import ROLE_OBSERVER, ROLE_TRAINEE, ROLE_TRAINER, ROLE_VIEWER
from .models import RoleplaySession


def session_role(user, session: RoleplaySession) -> str | None:
    """The user's role in the session, or None if they may not see it at all."""
    if not user.is_authenticated:
        return None
    if session.trainer_id == user.pk:
        return ROLE_TRAINER
    if session.trainee_id == user.pk:
        return ROLE_TRAINEE
    if session.observers.filter(pk=user.pk).exists():
        return ROLE_OBSERVER
    if access.can_lead_team(user, session.team):
        return ROLE_VIEWER
    return None


def sessions_visible_to(user) -> QuerySet[RoleplaySession]:
    if not user.is_authenticated:
        return RoleplaySession.objects.none()
    if access.is_admin(user):
        return RoleplaySession.objects.all()
    return RoleplaySession.objects.filter(
        Q(trainee=user) | Q(trainer=user) | Q(observers=user) | Q(team__in=access.teams_led_by(user))
    ).distinct()


def access_session(user, session_id) -> tuple[RoleplaySession, str]:
    try:
        session = RoleplaySession.objects.select_related("scenario", "team", "trainee", "trainer").get(pk=session_id)
    except (RoleplaySession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None
    role = session_role(user, session)
    if role is None:
        raise PermissionDenied("You are not part of this roleplay session.")
    return session, role
