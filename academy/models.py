"""People: users, teams, and the role each person holds in a team."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    TRAINER = "trainer", _("Trainer")
    MANAGER = "manager", _("Manager")


ADMIN_ROLE = "admin"


class User(AbstractUser):
    """A person. Roles come from team memberships; `is_superuser` makes an admin."""

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> set[str]:
        """Every role the person holds in any team (cached per instance)."""
        if not hasattr(self, "_roles_cache"):
            roles = set(self.memberships.values_list("role", flat=True).distinct())
            if self.is_superuser:
                roles.add(ADMIN_ROLE)
            self._roles_cache = roles
        return self._roles_cache


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team__name", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user", "role"], name="unique_team_user_role")
        ]
        indexes = [models.Index(fields=["user", "role"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.team}"


class Announcement(models.Model):
    """A short message a trainer or manager posts to a whole team, pushed live to members."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("text"), max_length=500)
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~models.Q(client_id=""),
                name="announcement_client_id_once",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
