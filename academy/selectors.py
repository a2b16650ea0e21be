"""Reads in the people domain."""

from django.db.models import Count, Q, QuerySet

from . import access
from .models import Announcement, Membership, Role, Team, User


def announcement_event(announcement: Announcement) -> dict:
    return {
        "type": "announcement",
        "id": announcement.pk,
        "team": announcement.team_id,
        "author": announcement.author.display_name,
        "text": announcement.text,
        "created_at": announcement.created_at.isoformat(),
    }


def announcements_after(*, team: Team, after: int, limit: int = 50) -> list[dict]:
    """The team's announcements posted after the one with id `after`, oldest first, as events:
    what a page that lost its socket missed (ids only grow)."""
    announcements = Announcement.objects.filter(team=team, pk__gt=after).select_related("author").order_by("pk")
    return [announcement_event(announcement) for announcement in announcements[:limit]]


def recent_announcements(*, teams: QuerySet[Team], limit: int = 5) -> list[Announcement]:
    return list(
        Announcement.objects.filter(team__in=teams).select_related("author", "team")[:limit]
    )


def teams_with_counts(*, user) -> QuerySet[Team]:
    # Count over a fresh join: annotating the visibility queryset itself would reuse its
    # `memberships__user=user` join and count only the viewer's own membership.
    return Team.objects.filter(pk__in=access.teams_visible_to(user).values("pk")).annotate(
        trainee_count=Count("memberships", filter=Q(memberships__role=Role.TRAINEE), distinct=True),
        trainer_count=Count("memberships", filter=Q(memberships__role=Role.TRAINER), distinct=True),
        manager_count=Count("memberships", filter=Q(memberships__role=Role.MANAGER), distinct=True),
    )


def team_members(*, team: Team) -> dict[str, list[User]]:
    members: dict[str, list[User]] = {role: [] for role in Role.values}
    for membership in Membership.objects.filter(team=team).select_related("user").order_by(
        "user__last_name", "user__first_name"
    ):
        members[membership.role].append(membership.user)
    return members


def user_memberships(*, user) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("team"))
