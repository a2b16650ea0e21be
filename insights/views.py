"""Manager pages: the team dashboard and its trends, trainee profiles and observations,
readiness rules, exports, and the service-environment self-assessment.

Every view authorises through `academy.access` (teams the user manages, learners they may see)
or `insights.access` (self-assessments) before it reads anything. htmx requests get partials;
every control also works as a plain link or form.
"""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from academy import access
from academy.i18n import current_language
from academy.models import Membership, Role
from assessments.models import Competency

from . import exports, lrs, selectors, services, xapi
from .access import access_survey, can_manage_survey, can_observe
from .forms import DashboardFilterForm, ObservationForm, ReadinessRulesForm, SurveyAnswerForm, SurveyOpenForm
from .models import ReadinessRule, XapiStatement

MANAGER_ROLES = selectors.MANAGER_ROLES


def _partial(request, target: str) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request and htmx.target == target


def _vary(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def _managed_team(request, team_id):
    return access.access_team(request.user, team_id, lead=True, roles=MANAGER_ROLES)


# --- the dashboard ----------------------------------------------------------------------------
@login_required
@require_safe
def team_dashboard(request):
    teams = selectors.managed_teams(user=request.user)
    if not teams:
        if access.is_admin(request.user):  # a new installation: the admin's home, before any team
            return render(request, "insights/dashboard.html", {"teams": [], "heatmap": None})
        raise PermissionDenied(_("The team dashboard is for managers of a team."))
    requested = request.GET.get("team")
    if requested and requested not in {str(t.pk) for t in teams}:
        raise PermissionDenied("You do not manage this team.")
    courses = selectors.live_courses()
    form = DashboardFilterForm(request.GET or None, teams=teams, courses=courses,
                               initial={"team": teams[0].pk, "period": selectors.DEFAULT_PERIOD})
    team_id = form.value("team", teams[0].pk)
    team = next(t for t in teams if t.pk == team_id)
    course = form.value("course")
    heatmap = selectors.team_heatmap(
        team=team, trainee_count=team.trainee_count, page=form.value("page", 1),
        course_key=uuid.UUID(course) if course else None, period=form.value("period", selectors.DEFAULT_PERIOD),
        courses=courses,
    )
    context = {"teams": teams, "team": team, "form": form, "heatmap": heatmap}
    template = "insights/includes/heatmap.html" if _partial(request, "heatmap-region") else "insights/dashboard.html"
    return _vary(render(request, template, context))


@login_required
@require_safe
def team_trends(request, team_id: int):
    """The team's level per competency over time and time to readiness (loaded after the page)."""
    team = _managed_team(request, team_id)
    period = request.GET.get("period", selectors.DEFAULT_PERIOD)
    if period not in selectors.PERIODS:
        period = selectors.DEFAULT_PERIOD
    trends = selectors.cached_team_read(team=team, name="trends", period=period,
                                        compute=lambda: selectors.team_trends(team=team, period=period))
    chart = {
        "labels": trends.labels,
        "series": [{"label": s["competency"].name, "key": s["competency"].is_key, "values": s["values"]}
                   for s in trends.series if any(v is not None for v in s["values"])],
        "buckets": [{"label": _bucket_label(b), "count": b["count"]} for b in trends.buckets],
    }
    context = {"team": team, "trends": trends, "chart": chart, "period": period,
               "bucket_labels": [(_bucket_label(b), b["count"]) for b in trends.buckets]}
    template = "insights/includes/trends.html" if _partial(request, "trends-region") else "insights/trends.html"
    return _vary(render(request, template, context))


def _bucket_label(bucket) -> str:
    if bucket["high"] is None:
        return _("%(low)s+ days") % {"low": bucket["low"]}
    return _("%(low)s–%(high)s days") % bucket


# --- a trainee's profile ------------------------------------------------------------------------
def _observable_competencies():
    """The ten traits first, then the knowledge areas, as everywhere on these pages."""
    traits_first = Case(When(kind=Competency.Kind.TRAIT, then=Value(0)), default=Value(1))
    return Competency.objects.order_by(traits_first, "order", "slug")


def _profile_context(request, learner, form=None):
    data = selectors.trainee_profile(learner=learner, viewer=request.user)
    observe = can_observe(request.user, learner)
    if observe and form is None:
        form = ObservationForm(competencies=_observable_competencies())
    charts = {
        story.competency.slug: {
            "label": story.competency.name,
            "minimum": story.minimum,
            "points": [{"at": timezone.localtime(at).date().isoformat(), "level": level} for at, level in story.history],
        }
        for story in data["stories"] if story.history
    }
    observations = sorted(
        (item for story in data["stories"] for item in story.items if item.evidence.source == "observation"),
        key=lambda item: item.evidence.created_at, reverse=True,
    )
    return {**data, "observation_form": form if observe else None, "charts": charts, "observations": observations}


@login_required
@require_safe
def trainee_profile(request, learner_id: int):
    learner = access.access_learner(request.user, learner_id)
    return render(request, "insights/trainee.html", _profile_context(request, learner))


@login_required
@require_POST
def observation_create(request, learner_id: int):
    learner = access.access_learner(request.user, learner_id)
    if not can_observe(request.user, learner):
        raise PermissionDenied("Only a manager or trainer of the trainee's team records observations.")
    form = ObservationForm(request.POST, competencies=_observable_competencies())
    if form.is_valid():
        try:
            evidence = services.observation_record(
                learner=learner, competency=form.cleaned_data["competency"], level=form.cleaned_data["level"],
                note=form.cleaned_data["note"], recorded_by=request.user, token=form.cleaned_data["token"],
            )
        except services.InsightsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Observation recorded: it now counts towards %(competency)s.")
                             % {"competency": evidence.competency.name})
            url = reverse("insights:trainee", args=[learner.pk])
            return redirect(f"{url}#competency-{evidence.competency.slug}")
    return render(request, "insights/trainee.html", _profile_context(request, learner, form), status=400)


# --- readiness rules ------------------------------------------------------------------------------
@login_required
def readiness_rules(request, team_id: int):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    team = _managed_team(request, team_id)
    competencies = selectors.all_competencies()
    courses = selectors.live_courses()
    courses_by_key = {c.key: c for c in courses}
    rules, stale = selectors.team_rules(team=team, competencies={c.pk: c for c in competencies},
                                        courses=courses_by_key)
    if request.method == "POST":
        form = ReadinessRulesForm(request.POST, courses=courses, competencies=competencies)
        if form.is_valid():
            services.readiness_rules_save(
                team=team, course_keys=form.cleaned_data["courses"], minimums=form.minimums(),
                updated_by=request.user,
            )
            messages.success(request, _("Readiness rules saved for %(team)s.") % {"team": team.name})
            return redirect(f"{reverse('team_dashboard')}?team={team.pk}")
        status = 400
    else:
        initial = {"courses": [str(r.course.key) for r in rules if r.kind == "course"]}
        if not ReadinessRule.objects.filter(team=team).exists():
            initial["courses"] = [str(key) for key in _courses_marked_required(courses_by_key)]
        for rule in rules:
            if rule.kind == "level":
                initial[ReadinessRulesForm.level_field(rule.competency)] = rule.minimum
        form = ReadinessRulesForm(initial=initial, courses=courses, competencies=competencies)
        status = 200
    return render(request, "insights/readiness.html",
                  {"team": team, "form": form, "rules": rules, "stale": stale}, status=status)


def _courses_marked_required(courses_by_key) -> list:
    """A first suggestion for a team without rules: the courses authors marked "required"."""
    from courses.models import CoursePage

    return list(CoursePage.objects.live().filter(required=True, translation_key__in=list(courses_by_key))
                .values_list("translation_key", flat=True).distinct())


# --- exports ----------------------------------------------------------------------------------------
def _download(content: str | bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return timezone.localdate().isoformat()


@login_required
@require_safe
def exports_page(request, team_id: int):
    team = _managed_team(request, team_id)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    counts = dict(XapiStatement.objects.filter(learner__in=trainees).values_list("status").annotate(n=Count("id")))
    last_error = (XapiStatement.objects.filter(learner__in=trainees).exclude(last_error="")
                  .order_by("-next_try_at").values_list("last_error", flat=True).first())
    return render(request, "insights/exports.html", {
        "team": team, "lrs_configured": lrs.is_configured(), "counts": counts, "last_error": last_error,
        "periods": [("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last 12 months")),
                    ("all", _("All time"))],
    })


@login_required
@require_safe
def export_matrix(request, team_id: int):
    team = _managed_team(request, team_id)
    content = selectors.cached_team_read(team=team, name="matrix.csv", compute=lambda: exports.matrix_csv(team=team))
    return _download(content, f"{team.slug}-competencies-{_stamp()}.csv", "text/csv; charset=utf-8")


@login_required
@require_safe
def export_progress(request, team_id: int):
    team = _managed_team(request, team_id)
    content = selectors.cached_team_read(team=team, name="progress.csv", evidence=False,
                                         compute=lambda: exports.progress_csv(team=team))
    return _download(content, f"{team.slug}-progress-{_stamp()}.csv", "text/csv; charset=utf-8")


@login_required
@require_safe
def export_xapi(request, team_id: int):
    team = _managed_team(request, team_id)
    period = request.GET.get("period", "all")
    since = selectors.period_start(period if period in selectors.PERIODS else "all", timezone.now())
    statements = xapi.team_statements(team=team, since=since, language=current_language())
    return _download(json.dumps(statements, ensure_ascii=False, indent=2),
                     f"{team.slug}-xapi-{_stamp()}.json", "application/json")


@login_required
@require_POST
def xapi_retry(request, team_id: int):
    team = _managed_team(request, team_id)
    trainees = Membership.objects.filter(team=team, role=Role.TRAINEE).values("user_id")
    count = lrs.outbox_retry_failed(learners=trainees)
    messages.success(request, _("%(n)s statements will be sent again.") % {"n": count})
    return redirect("insights:exports", team_id=team.pk)


# --- the service-environment self-assessment --------------------------------------------------------
@login_required
@require_safe
def environment_home(request):
    teams = selectors.managed_teams(user=request.user)
    data = selectors.environment_surveys(user=request.user)
    form = SurveyOpenForm(teams=teams) if teams else None
    return render(request, "insights/environment_home.html", {**data, "form": form})


@login_required
@require_POST
def environment_open(request):
    teams = selectors.managed_teams(user=request.user)
    if not teams:
        raise PermissionDenied("Only a manager opens a self-assessment.")
    form = SurveyOpenForm(request.POST, teams=teams)
    if not form.is_valid():
        data = selectors.environment_surveys(user=request.user)
        return render(request, "insights/environment_home.html", {**data, "form": form}, status=400)
    team = next(t for t in teams if t.pk == form.cleaned_data["team"])
    survey = services.survey_open(team=team, opened_by=request.user)
    services.survey_announce(
        survey=survey, url=request.build_absolute_uri(reverse("insights:environment_answer", args=[survey.pk])),
    )
    messages.success(request, _("Self-assessment opened; the team was told in an announcement."))
    return redirect("insights:environment_results", survey_id=survey.pk)


@login_required
@require_safe
def environment_results(request, survey_id: int):
    survey = access_survey(request.user, survey_id, manage=True)
    results = selectors.environment_results(survey=survey)
    levels = [(level, level.label) for level in selectors.LEVELS]
    chart = {
        "labels": [e.element.name for e in results["elements"]],
        "datasets": [
            {"label": str(label), "values": [e.means[level] for e in results["elements"]]}
            for level, label in levels if results["counts"][level]
        ],
    }
    return render(request, "insights/environment_results.html", {
        "survey": survey, "levels": levels, "chart": chart,
        "answer_url": request.build_absolute_uri(reverse("insights:environment_answer", args=[survey.pk])),
        **results,
    })


@login_required
def environment_answer(request, survey_id: int):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    survey = access_survey(request.user, survey_id)
    existing = survey.responses.filter(respondent=request.user).first()
    if request.method == "POST":
        form = SurveyAnswerForm(request.POST)
        if form.is_valid():
            try:
                services.survey_answer_save(survey=survey, respondent=request.user,
                                            level=form.cleaned_data["level"], ratings=form.ratings())
            except services.InsightsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you — your answers are saved. You can change them while "
                                            "the self-assessment is open."))
                if can_manage_survey(request.user, survey):
                    return redirect("insights:environment_results", survey_id=survey.pk)
                return redirect("insights:environment_answer", survey_id=survey.pk)
        status = 400
    else:
        initial = {"level": selectors.survey_level_default(user=request.user, survey=survey)}
        if existing:
            initial = {"level": existing.level, **{f"el_{k}": v for k, v in existing.ratings.items()}}
        form = SurveyAnswerForm(initial=initial)
        status = 200
    return render(request, "insights/environment_answer.html",
                  {"survey": survey, "form": form, "existing": existing}, status=status)


@login_required
@require_POST
def environment_close(request, survey_id: int):
    survey = access_survey(request.user, survey_id, manage=True)
    services.survey_close(survey=survey)
    messages.success(request, _("Self-assessment closed."))
    return redirect("insights:environment_results", survey_id=survey.pk)
