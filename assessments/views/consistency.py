"""The team consistency check: a manager opens a run for a team, members answer, the manager
sees how far the team agrees — aggregates only, never one person's answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from academy import access as people

from .. import selectors, services
from ..access import MANAGER_ROLES, access_run, runs_answerable_by, runs_managed_by
from ..forms import ConsistencyOpenForm
from ..models import ConsistencyAnswer, ConsistencyQuestionnaire


def _open_form(user, data=None):
    return ConsistencyOpenForm(data, teams=people.teams_led_by(user, roles=MANAGER_ROLES),
                               questionnaires=ConsistencyQuestionnaire.objects.all())


@login_required
@require_safe
def consistency_home(request):
    managed = list(runs_managed_by(request.user).select_related("team", "questionnaire"))
    answerable = list(runs_answerable_by(request.user).filter(closed_at__isnull=True)
                      .select_related("team", "questionnaire"))
    done = set(ConsistencyAnswer.objects.filter(member=request.user, run__in=answerable)
               .values_list("run_id", flat=True).distinct())
    can_open = people.teams_led_by(request.user, roles=MANAGER_ROLES).exists()
    return render(request, "assessments/consistency_home.html", {
        "managed": managed, "answerable": answerable, "done": done,
        "form": _open_form(request.user) if can_open else None,
    })


@login_required
@require_POST
def consistency_open(request):
    form = _open_form(request.user, request.POST)
    if not form.is_valid():
        if "team" in form.errors:
            raise PermissionDenied(_("You can open a consistency check only for a team you manage."))
        messages.error(request, _("Choose a team and a questionnaire."))
        return redirect("assessments:consistency_home")
    team = people.access_team(request.user, form.cleaned_data["team"].pk, lead=True, roles=MANAGER_ROLES)
    run = services.consistency_run_open(team=team, questionnaire=form.cleaned_data["questionnaire"],
                                        opened_by=request.user)
    messages.success(request, _("The consistency check is open. Members of %(team)s can answer now.")
                     % {"team": team.name})
    return redirect("assessments:consistency_run", run_id=run.pk)


@login_required
@require_safe
def consistency_run(request, run_id: int):
    run = access_run(request.user, run_id, manage=True)
    summary = selectors.consistency_summary(run=run)
    members = run.team.memberships.values("user").distinct().count()
    return render(request, "assessments/consistency_run.html", {"run": run, "members": members, **summary})


@login_required
@require_POST
def consistency_close(request, run_id: int):
    run = access_run(request.user, run_id, manage=True)
    services.consistency_run_close(run=run)
    messages.success(request, _("The consistency check is closed."))
    return redirect("assessments:consistency_run", run_id=run.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consistency_answer(request, run_id: int):
    run = access_run(request.user, run_id)
    items = list(run.questionnaire.items.all())
    mine = dict(ConsistencyAnswer.objects.filter(run=run, member=request.user).values_list("item_id", "option_key"))
    error, missing = "", set()
    if request.method == "POST":
        chosen = {item.pk: request.POST.get(f"item-{item.pk}", "") for item in items}
        missing = {pk for pk, key in chosen.items() if not key}
        if missing:
            error = _("Answer every question (%(n)s left).") % {"n": len(missing)}
        else:
            try:
                services.consistency_answers_save(run=run, member=request.user, choices=chosen)
            except services.ConsistencyError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Thank you. Your answers are saved; only the team's totals are shown."))
                return redirect("assessments:consistency_answer", run_id=run.pk)
        mine = chosen
    return render(request, "assessments/consistency_answer.html", {
        "run": run, "items": items, "mine": mine, "error": error, "missing": missing,
        "answered": bool(mine) and not error,
    }, status=400 if error else 200)
