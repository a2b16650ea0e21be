"""Writes in the people domain."""

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction

from .models import Announcement, Membership, Role, Team, User

# Wagtail checks page and admin permissions through Django groups, so trainers (who edit
# content) are kept in this group; membership_add/remove are the only writers of it.
TRAINERS_GROUP = "Trainers"


def trainers_group() -> Group:
    group, created = Group.objects.get_or_create(name=TRAINERS_GROUP)
    if created:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return group


def trainer_group_sync(user: User) -> None:
    group = trainers_group()
    if user.memberships.filter(role=Role.TRAINER).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)


@transaction.atomic
def membership_add(*, team: Team, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(team=team, user=user, role=role)
    trainer_group_sync(user)
    return membership


@transaction.atomic
def membership_remove(*, team: Team, user: User, role: str) -> None:
    Membership.objects.filter(team=team, user=user, role=role).delete()
    trainer_group_sync(user)


class AnnouncementError(ValueError):
    pass


ANNOUNCEMENT_MAX_LENGTH = 500


def announcement_post(*, team: Team, author: User, text: str, client_id: str = "") -> tuple[Announcement, bool]:
    """Store an announcement; a resent frame (same author and client id) is stored once.

    Returns the announcement and whether it was created now.
    """
    text = (text or "").strip()
    if not text:
        raise AnnouncementError("empty")
    if len(text) > ANNOUNCEMENT_MAX_LENGTH:
        raise AnnouncementError("too_long")
    client_id = (client_id or "")[:64]
    if client_id:
        existing = Announcement.objects.filter(author=author, client_id=client_id).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                team=team, author=author, text=text, client_id=client_id
            )
    except IntegrityError:
        return Announcement.objects.get(author=author, client_id=client_id), False
    return announcement, True
