from functools import lru_cache

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Role

# Views that serve course pages besides Wagtail's: the "Courses" link is current on them too.
PAGE_VIEWS = {"lesson_route": "wagtail_serve"}


@lru_cache(maxsize=128)
def _links(roles: frozenset[str], language: str, script_prefix: str) -> tuple[tuple[str, str, str], ...]:
    """(url, label, view name) of the top bar for a set of roles. Every page asks, and the
    answer depends only on the roles and the language (the URLs carry its prefix), so each
    set is reversed once per process."""
    links = []
    if Role.TRAINEE in roles:
        links.append((reverse("my_learning"), _("My learning"), "my_learning"))
    if Role.TRAINER in roles or "admin" in roles:
        links.append((reverse("trainer_console"), _("Trainer console"), "trainer_console"))
    if Role.MANAGER in roles or "admin" in roles:
        links.append((reverse("team_dashboard"), _("Team dashboard"), "team_dashboard"))
    if roles & {Role.TRAINER, Role.MANAGER, "admin"}:
        links.append((reverse("wagtail_serve", args=("",)), _("Courses"), "wagtail_serve"))
    if Role.TRAINEE in roles:
        links.append((reverse("assessments:quiz_list"), _("Quizzes"), "assessments:quiz_list"))
    if Role.TRAINEE in roles or Role.TRAINER in roles:
        links.append((reverse("roleplay:home"), _("Roleplay"), "roleplay:home"))
    if Role.TRAINEE in roles:
        links.append((reverse("assessments:my_results"), _("My results"), "assessments:my_results"))
    if Role.TRAINER in roles:
        links.append((reverse("assessments:grading_queue"), _("Grading"), "assessments:grading_queue"))
    if roles - {"admin"}:
        links.append((reverse("assessments:consistency_home"), _("Team check"), "assessments:consistency_home"))
    if roles:  # directors, managers and employees all answer the self-assessment
        links.append((reverse("insights:environment_home"), _("Service environment"), "insights:environment_home"))
    return tuple(links)


def can_edit_content(user) -> bool:
    """Whether the person may use Wagtail's admin (`wagtailadmin.access_admin`), for the links
    to it. ModelBackend, the only backend here that grants permissions, answers it on every page
    with two queries (all the person's own permissions, then all their groups'); this asks the
    same in one."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def navigation(request):
    """The links in the top bar, one per role the person holds."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = _links(frozenset(user.roles), get_language(), get_script_prefix())
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    current = PAGE_VIEWS.get(current, current)
    return {
        "nav_links": [{"url": url, "label": label, "current": name == current} for url, label, name in links],
        "can_edit_content": can_edit_content(user),
    }
