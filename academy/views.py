"""Pages of the people domain: each role's home, teams, announcements, sign-in."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe

from roleplay.selectors import live_sessions_for_trainer

from . import access
from .forms import AnnouncementForm
from .selectors import recent_announcements, team_members, teams_with_counts
from .services import AnnouncementError, announcement_post


@require_safe
def root(request):
    if request.user.is_authenticated:
        return redirect(access.home_url_name(request.user))
    return redirect("login")


@login_required
@require_safe
def home(request):
    return redirect(access.home_url_name(request.user))


@require_POST
def set_language(request):
    """Django's set_language, resolving `next` in the language of that page.

    Django translates `next` with the language negotiated for the /i18n/ request (cookie or
    the browser's Accept-Language), which fails for a /pl/ page in an English browser.
    """
    path = (request.POST.get("next") or "").split("?")[0]
    page_language = translation.get_language_from_path(path)
    if page_language:
        translation.activate(page_language)
    return i18n.set_language(request)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
@require_safe
def trainer_console(request):
    teams = access.teams_led_by(request.user, roles=("trainer",))
    return render(
        request,
        "academy/trainer_console.html",
        {
            "teams": teams_with_counts(user=request.user).filter(pk__in=teams),
            "announcements": recent_announcements(teams=teams),
            "form": AnnouncementForm(),
            "led": live_sessions_for_trainer(trainer=request.user),
        },
    )


@login_required
@require_safe
def team_detail(request, team_id: int):
    team = access.access_team(request.user, team_id)
    return _team_page(request, team, can_lead=access.can_lead_team(request.user, team), form=AnnouncementForm())


def _team_page(request, team, *, can_lead: bool, form, status: int = 200):
    return render(
        request,
        "academy/team_detail.html",
        {
            "team": team,
            "members": team_members(team=team),
            "can_lead": can_lead,
            "announcements": recent_announcements(teams=[team], limit=20),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def announcement_create(request, team_id: int):
    """The no-JavaScript way to post; the live way is the team websocket."""
    team = access.access_team(request.user, team_id, lead=True)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            announcement_post(
                team=team,
                author=request.user,
                text=form.cleaned_data["text"],
                client_id=form.cleaned_data["client_id"],
            )
        except AnnouncementError:
            form.add_error("text", _("The announcement cannot be empty."))
        else:
            messages.success(request, _("Announcement posted."))
            return redirect("team_detail", team_id=team.pk)
    return _team_page(request, team, can_lead=True, form=form, status=400)


@require_safe
def healthz(request):
    """Readiness for load balancers and tests: the database answers and the analyser is loaded."""
    from django.db import connection

    from roleplay.engine_adapter import is_warm

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    ready = is_warm()
    return JsonResponse({"database": "ok", "analyser": "ready" if ready else "warming"}, status=200 if ready else 503)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
