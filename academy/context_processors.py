from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role


def navigation(request):
    """The links in the top bar, one per role the person holds."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    roles = user.roles
    links = []
    if Role.TRAINEE in roles:
        links.append((reverse("my_learning"), _("My learning"), "my_learning"))
    if Role.TRAINER in roles or "admin" in roles:
        links.append((reverse("trainer_console"), _("Trainer console"), "trainer_console"))
    if Role.MANAGER in roles or "admin" in roles:
        links.append((reverse("team_dashboard"), _("Team dashboard"), "team_dashboard"))
    if Role.TRAINEE in roles or Role.TRAINER in roles:
        links.append((reverse("roleplay:home"), _("Roleplay"), "roleplay:home"))
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    return {
        "nav_links": [
            {"url": url, "label": label, "current": name == current} for url, label, name in links
        ],
        "can_edit_content": user.has_perm("wagtailadmin.access_admin"),
    }
