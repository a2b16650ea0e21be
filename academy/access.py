"""Who may see or act on what — the one place these rules live.

Each rule exists twice, written next to each other: as an object check (`can_*`) and as a
queryset filter (`*_visible_to`), so a list and a detail page can never disagree. Views and
consumers call these; templates never decide access.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Membership, Role, Team, User

STAFF_ROLES = (Role.TRAINER, Role.MANAGER)


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


# --- teams ----------------------------------------------------------------------------------
def teams_visible_to(user) -> QuerySet[Team]:
    """Teams a user belongs to in any role; an admin sees every team."""
    if not user.is_authenticated:
        return Team.objects.none()
    if is_admin(user):
        return Team.objects.all()
    return Team.objects.filter(memberships__user=user).distinct()


def teams_led_by(user, roles=STAFF_ROLES) -> QuerySet[Team]:
    """Teams in which the user is a trainer or manager (or the given roles)."""
    if not user.is_authenticated:
        return Team.objects.none()
    if is_admin(user):
        return Team.objects.all()
    return Team.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def team_roles(user, team: Team) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, team=team).values_list("role", flat=True)
    )


def can_view_team(user, team: Team) -> bool:
    return is_admin(user) or bool(team_roles(user, team))


def can_lead_team(user, team: Team, roles=STAFF_ROLES) -> bool:
    return is_admin(user) or bool(team_roles(user, team) & set(roles))


def access_team(user, team_id, *, lead: bool = False, roles=STAFF_ROLES) -> Team:
    """The team if the user may see it (or lead it, with `lead=True`); else 404 / 403."""
    try:
        team = Team.objects.get(pk=team_id)
    except (Team.DoesNotExist, ValueError, TypeError):
        raise Http404("No such team.") from None
    allowed = can_lead_team(user, team, roles) if lead else can_view_team(user, team)
    if not allowed:
        raise PermissionDenied("You are not a member of this team.")
    return team


# --- learners -------------------------------------------------------------------------------
def learners_visible_to(user, roles=STAFF_ROLES) -> QuerySet[User]:
    """Trainees whose results the user may see: their own, or those of teams they lead."""
    if not user.is_authenticated:
        return User.objects.none()
    if is_admin(user):
        return User.objects.filter(memberships__role=Role.TRAINEE).distinct()
    led = Team.objects.filter(memberships__user=user, memberships__role__in=roles)
    return User.objects.filter(
        Q(pk=user.pk) | Q(memberships__role=Role.TRAINEE, memberships__team__in=led)
    ).distinct()


def can_view_learner(user, learner: User, roles=STAFF_ROLES) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == learner.pk or is_admin(user):
        return True
    return Membership.objects.filter(
        user=learner,
        role=Role.TRAINEE,
        team__memberships__user=user,
        team__memberships__role__in=roles,
    ).exists()


def access_learner(user, learner_id, roles=STAFF_ROLES) -> User:
    try:
        learner = User.objects.get(pk=learner_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None
    if not can_view_learner(user, learner, roles):
        raise PermissionDenied("This person is not in a team you lead.")
    return learner


def trainers_of(learner: User) -> QuerySet[User]:
    """Trainers of any team the learner is a trainee in (who grade and coach them)."""
    return User.objects.filter(
        memberships__role=Role.TRAINER,
        memberships__team__memberships__user=learner,
        memberships__team__memberships__role=Role.TRAINEE,
    ).distinct()


def home_url_name(user) -> str:
    """Where a person lands after signing in: manager > trainer > trainee."""
    roles = user.roles
    if Role.MANAGER in roles or "admin" in roles:
        return "team_dashboard"
    if Role.TRAINER in roles:
        return "trainer_console"
    return "my_learning"
