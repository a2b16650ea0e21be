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
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    return {
        "nav_links": [
            {"url": url, "label": label, "current": name == current} for url, label, name in links
        ],
        "can_edit_content": user.has_perm("wagtailadmin.access_admin"),
    }
