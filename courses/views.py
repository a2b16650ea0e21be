"""Course and lesson pages (served by Wagtail, tracked here), My learning, assignments,
reflections for trainers, calculators and lesson search.

htmx requests get partial templates; every form and link also works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from academy import access
from academy.i18n import current_language
from academy.models import ADMIN_ROLE, Role
from academy.selectors import recent_announcements, user_memberships

from . import selectors, services, shells
from .forms import AssignmentForm, ReflectionForm
from .metrics import CalculatorForm, calculate
from .models import CourseAssignment, CoursePage, LessonPage
from .statements import lesson_at


def _is_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _vary(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- pages served by Wagtail ----------------------------------------------------------------
def lesson_route(request, course: str, lesson: str):
    """A lesson's URL, routed in one query and served by Wagtail's own view.

    Wagtail's routing first reads the site's root page as its own type (a query of its own on
    every view, a tenth of a lesson's time) only to ask it for the child; the lesson is found
    here from the plain root page instead, and Wagtail's view takes the route as found
    (`Page.route_for_request` keeps it on the request). Anything not found here (a draft, a
    wrong slug) goes Wagtail's usual way."""
    path = f"{course}/{lesson}/"
    site = Site.find_for_request(request)
    if site is not None:
        index = site.root_page.localized
        page = lesson_at(index=index, url_path=f"{index.url_path}{path}")
        if page is not None and page.live:
            request._wagtail_route_for_request = RouteResult(page)
    return wagtail_serve(request, path)


def course_page_serve(request, page: CoursePage):
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return TemplateResponse(request, page.get_template(request), page.get_context(request))


def lesson_page_serve(request, page: LessonPage):
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return shells.lesson_response(request, page) or lesson_page_whole(request, page)


def lesson_page_whole(request, page: LessonPage):
    """A view of the lesson rendered whole (a message to show), tracked like every view."""
    outline = selectors.lesson_outline(lesson=page, learner=request.user)
    if outline.course is not None and outline.current is not None:
        outline.current.progress = services.lesson_visit(
            learner=request.user,
            lesson_key=page.translation_key,
            course_key=outline.course.translation_key,
            progress=outline.current.progress,
        )
    page._outline = outline  # the context reuses it: one query for course, lessons and progress
    return render_lesson(request, page)


def render_lesson(request, page: LessonPage, *, status: int = 200, item=None, just_completed: bool = False):
    """The lesson page (or its htmx partial) rendered whole; `item` shows one block as it is."""
    context = page.get_context(request, item=item, just_completed=just_completed)
    return _vary(TemplateResponse(request, page.get_template(request), context, status=status))


def _live_lesson(page_id) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=page_id).first()
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


def _course_key(lesson: LessonPage):
    course = Page.objects.filter(path=lesson.path[: -Page.steplen]).only("translation_key").first()
    if course is None:
        raise Http404("The lesson has no course.")
    return course.translation_key


def _body_item(request, lesson: LessonPage, block_id: str, block_type: str) -> selectors.BodyItem:
    for child in lesson.body:
        if child.id == block_id and child.block_type == block_type:
            item = selectors.BodyItem(id=block_id, block=child)
            if block_type == "reflection":
                item.saved = selectors.learner_reflections(
                    lesson=lesson, learner=request.user, block_ids={block_id}
                ).get(block_id)
            return item
    raise Http404("No such block in this lesson.")


# --- progress -------------------------------------------------------------------------------
@login_required
@require_POST
def lesson_complete(request, page_id: int):
    lesson = _live_lesson(page_id)
    course_key = _course_key(lesson)
    _progress, now_completed = services.lesson_complete(
        learner=request.user, lesson_key=lesson.translation_key, course_key=course_key
    )
    if _is_partial(request):
        return render_lesson(request, lesson, just_completed=True)
    messages.success(request, _("Lesson completed.") if now_completed else _("You had already completed this lesson."))
    outline = selectors.lesson_outline(lesson=lesson)
    if outline.next is not None:
        return redirect(outline.next.get_url(request))
    return redirect(outline.course.get_url(request) if outline.course else lesson.get_url(request))


@login_required
@require_POST
def lesson_heartbeat(request, page_id: int):
    lesson = _live_lesson(page_id)
    services.lesson_heartbeat(learner=request.user, lesson_key=lesson.translation_key)
    return HttpResponse(status=204)


@login_required
@require_POST
def course_enrol(request, page_id: int):
    course = CoursePage.objects.live().filter(pk=page_id).first()
    if course is None:
        raise Http404("No such course.")
    _enrolment, created = services.enrolment_create(learner=request.user, course_key=course.translation_key)
    if created:
        messages.success(request, _("You are enrolled. Start with the first lesson whenever you like."))
    return redirect(course.get_url(request))


# --- lesson blocks --------------------------------------------------------------------------
@login_required
@require_POST
def reflection_save(request, page_id: int, block_id: str):
    lesson = _live_lesson(page_id)
    item = _body_item(request, lesson, block_id, "reflection")
    form = ReflectionForm(request.POST, prefix=f"r-{block_id}")
    if form.is_valid():
        item.saved = services.reflection_save(
            learner=request.user,
            lesson_key=lesson.translation_key,
            course_key=_course_key(lesson),
            block_id=block_id,
            prompt=item.block.value["prompt"],
            answer=form.cleaned_data["answer"],
            language=current_language(),
        )
        item.just_saved = True
        if _is_partial(request):
            item.form = ReflectionForm(prefix=f"r-{block_id}", initial={"answer": item.saved.answer})
            return render(request, "courses/includes/reflection.html", {"item": item, "page": lesson})
        messages.success(request, _("Your answer is saved. Your trainer can read it."))
        return redirect(f"{lesson.get_url(request)}#block-{block_id}")
    item.form = form
    if _is_partial(request):
        return render(request, "courses/includes/reflection.html", {"item": item, "page": lesson})
    return render_lesson(request, lesson, status=400, item=item)


@login_required
@require_POST
def calculator(request, page_id: int, block_id: str):
    lesson = _live_lesson(page_id)
    item = _body_item(request, lesson, block_id, "calculator")
    item.form = CalculatorForm(item.block.value["metric"], request.POST, prefix=f"c-{block_id}")
    if item.form.is_valid():
        item.result = calculate(item.form.metric, item.form.cleaned_data)
    if _is_partial(request):
        return render(request, "courses/includes/calculator.html", {"item": item, "page": lesson})
    return render_lesson(request, lesson, status=200 if item.result else 400, item=item)


# --- My learning ----------------------------------------------------------------------------
@login_required
@require_safe
def my_learning(request):
    teams = access.teams_visible_to(request.user)
    context = {
        "memberships": user_memberships(user=request.user),
        "announcements": recent_announcements(teams=teams),
        # roles are cached on the user for the navigation too: no extra query
        "can_assign": bool(request.user.roles & {Role.TRAINER, Role.MANAGER, ADMIN_ROLE}),
    }
    context.update(selectors.my_learning(user=request.user))
    return render(request, "courses/my_learning.html", context)


# --- assignments ----------------------------------------------------------------------------
def _assignment_form(request, data=None):
    teams = list(selectors.assignable_teams(user=request.user))
    if not teams:
        raise PermissionDenied(_("Only trainers and managers of a team assign courses."))
    learners = list(selectors.assignable_learners(user=request.user))
    return AssignmentForm(
        data,
        courses=list(selectors.live_courses()),
        teams=teams,
        learners=learners,
        team_trainees=selectors.team_trainee_pairs(teams=[t.pk for t in teams]),
    ), {t.pk: t for t in teams}, {u.pk: u for u in learners}


@login_required
def assign(request):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if request.method == "POST":
        form, teams, learners = _assignment_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            team = access.access_team(request.user, data["team"], lead=True)
            _assignment, created = services.assignment_save(
                assigned_by=request.user,
                course_key=data["course"],
                team=team,
                learner=learners.get(data["learner"]) if data["learner"] else None,
                due_date=data["due_date"],
            )
            messages.success(request, _("Course assigned.") if created else _("Due date updated."))
            return redirect("courses:assign")
        status = 400
    else:
        form, teams, learners = _assignment_form(request)
        status = 200
    return render(
        request,
        "courses/assign.html",
        {"form": form, "rows": selectors.assignments_for(user=request.user, team_trainees=form.team_trainees)},
        status=status,
    )


@login_required
@require_POST
def assignment_delete(request, pk: int):
    assignment = get_object_or_404(CourseAssignment, pk=pk)
    access.access_team(request.user, assignment.team_id, lead=True)
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("Assignment removed."))
    return redirect("courses:assign")


# --- reflections ----------------------------------------------------------------------------
@login_required
@require_safe
def reflections(request):
    answers = selectors.reflections_visible_to(user=request.user).select_related("learner")
    learner_id = request.GET.get("learner") or ""
    if learner_id:
        learner = access.access_learner(request.user, learner_id)
        answers = answers.filter(learner=learner)
    page = Paginator(answers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/reflections.html",
        {
            "page_obj": page,
            "rows": selectors.reflection_rows(answers=page.object_list),
            "learners": list(access.learners_visible_to(request.user).order_by("last_name", "first_name")),
            "learner_id": str(learner_id),
        },
    )


# --- search ---------------------------------------------------------------------------------
@login_required
@require_safe
def search(request):
    query = (request.GET.get("q") or "").strip()[:200]
    hits = selectors.lesson_search(query=query) if query else []
    template = "courses/includes/search_results.html" if _is_partial(request) else "courses/search.html"
    return _vary(render(request, template, {"query": query, "hits": hits}))
