"""Taking a quiz: list, quiz page, start, answer, submit, result, my results.

Every step works as a plain form post with a redirect (no JavaScript) and, for htmx requests,
answers with the quiz panel partial so a quiz embedded in a lesson runs in place.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from .. import selectors, services
from ..access import access_attempt
from ..models import Answer, Attempt, Quiz
from ..presentation import question_view

PANEL = "assessments/includes/quiz_panel.html"


def safe_next(request, value: str | None = None) -> str:
    value = value if value is not None else (request.POST.get("next") or request.GET.get("next") or "")
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


def _with_next(url: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def attempt_context(attempt: Attempt, *, shown_question_id=None, post=None, errors=None, all_questions=False):
    """What the attempt partial needs: the questions to show and the learner's progress."""
    slots = list(attempt.slots.select_related("question"))
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    errors = errors or {}
    per_question = attempt.quiz.feedback == Quiz.Feedback.PER_QUESTION
    views = []
    if per_question and not all_questions:
        shown = None
        if shown_question_id is not None:
            shown = next((s for s in slots if str(s.question_id) == str(shown_question_id)), None)
        if shown is None:
            shown = next((s for s in slots if s.question_id not in answers), None)
        if shown is not None:
            response = None
            if post is not None and shown.question_id in errors:
                response = _posted_value(shown.question, post)
            views.append(question_view(shown.question, position=shown.position, option_order=shown.option_order,
                                       answer=answers.get(shown.question_id), response=response,
                                       error=errors.get(shown.question_id, "")))
    else:
        for slot in slots:
            response = _posted_value(slot.question, post) if post is not None else None
            views.append(question_view(slot.question, position=slot.position, option_order=slot.option_order,
                                       answer=answers.get(slot.question_id), response=response,
                                       error=errors.get(slot.question_id, "")))
    answered = len(answers)
    next_slot = next((s for s in slots if s.question_id not in answers), None)
    return {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "questions": views,
        "total": len(slots),
        "answered": answered,
        "progress": round(100 * answered / len(slots)) if slots else 0,
        "per_question": per_question,
        "all_answered": next_slot is None,
        "next_question_id": next_slot.question_id if next_slot else None,
    }


def _posted_value(question, post) -> dict:
    """What the learner typed, to show it again next to an error (never graded)."""
    from .. import grading

    try:
        return grading.parse_response(question, post, required=False) or {}
    except grading.ResponseError:
        qid = question.pk
        if question.type == "multiple":
            return {"choices": post.getlist(grading.field_name(qid))}
        if question.type == "sjt":
            return {"best": post.get(grading.field_name(qid, "best")), "worst": post.get(grading.field_name(qid, "worst"))}
        if question.type in ("numeric",):
            return {"raw": post.get(grading.field_name(qid), "")}
        if question.type == "open":
            return {"text": post.get(grading.field_name(qid), "")}
        return {}


def _panel(request, panel_quiz: Quiz, *, mode: str, next_url: str, http_status: int = 200, **extra):
    context = {"quiz": panel_quiz, "mode": mode, "next_url": next_url, "embedded": True, **extra}
    return render(request, PANEL, context, status=http_status)


def _result_context(attempt: Attempt, learner) -> dict:
    return {
        **attempt_context(attempt, all_questions=True),
        "status": selectors.quiz_status(learner=learner, quiz=attempt.quiz),
    }


@login_required
@require_safe
def quiz_list(request):
    with_status = selectors.quizzes_for_learner(learner=request.user)
    return render(request, "assessments/quiz_list.html", {"statuses": with_status})


@login_required
@require_safe
def quiz_detail(request, slug: str):
    quiz = get_object_or_404(Quiz, slug=slug)
    return render(request, "assessments/quiz_detail.html", {"quiz": quiz, "next_url": safe_next(request)})


@login_required
@require_POST
def attempt_start(request, slug: str):
    quiz = get_object_or_404(Quiz, slug=slug)
    next_url = safe_next(request)
    try:
        attempt = services.attempt_start(learner=request.user, quiz=quiz)
    except services.AttemptError as exc:
        if request.htmx:
            return _panel(request, quiz, mode="status", next_url=next_url, notice=str(exc),
                          status=selectors.quiz_status(learner=request.user, quiz=quiz))
        messages.error(request, str(exc))
        return redirect(_with_next(reverse("assessments:quiz_detail", args=[quiz.slug]), next_url))
    if request.htmx:
        return _panel(request, quiz, mode="attempt", next_url=next_url, **attempt_context(attempt))
    return redirect(_with_next(reverse("assessments:attempt_take", args=[attempt.pk]), next_url))


@login_required
@require_safe
def attempt_take(request, attempt_id: int):
    attempt = access_attempt(request.user, attempt_id, own=True)
    next_url = safe_next(request)
    if attempt.state == Attempt.State.IN_PROGRESS and services.attempt_expired(attempt):
        services.attempt_close_expired(attempt=attempt)
        messages.error(request, _time_up_message())
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect(_with_next(reverse("assessments:attempt_result", args=[attempt.pk]), next_url))
    context = attempt_context(attempt, shown_question_id=request.GET.get("shown"))
    if request.htmx:
        return _panel(request, attempt.quiz, mode="attempt", next_url=next_url, **context)
    return render(request, "assessments/attempt.html", {**context, "mode": "attempt", "next_url": next_url})


def _time_up_message():
    from django.utils.translation import gettext as _

    return _("The time limit has passed; answers sent after it were not counted.")


def _time_up_counted_message():
    from django.utils.translation import gettext as _

    return _("Time is up. The answers you gave in time were counted.")


@login_required
@require_POST
def attempt_answer(request, attempt_id: int):
    attempt = access_attempt(request.user, attempt_id, own=True)
    next_url = safe_next(request)
    question_id = request.POST.get("question")
    errors = None
    try:
        services.attempt_answer(attempt=attempt, learner=request.user, question_id=question_id, post=request.POST)
    except services.InvalidAnswers as exc:
        errors = exc.errors
    except (services.AlreadySubmitted, services.TimeUp) as exc:
        return _after_refusal(request, attempt, str(exc), next_url)
    except services.AttemptError as exc:
        messages.error(request, str(exc))
        question_id = None
    if attempt.state != Attempt.State.IN_PROGRESS:  # sent as the time ran out: counted, and the attempt ended
        response = _after_refusal(request, attempt, _time_up_counted_message(), next_url)
        return _announce_pass(response, attempt) if request.htmx else response
    if errors is not None:
        context = attempt_context(attempt, shown_question_id=question_id, post=request.POST, errors=errors)
        if request.htmx:
            return _panel(request, attempt.quiz, mode="attempt", next_url=next_url, **context)
        return render(request, "assessments/attempt.html",
                      {**context, "mode": "attempt", "next_url": next_url}, status=400)
    if request.htmx:
        context = attempt_context(attempt, shown_question_id=question_id)
        return _panel(request, attempt.quiz, mode="attempt", next_url=next_url, **context)
    url = reverse("assessments:attempt_take", args=[attempt.pk])
    params = {"shown": question_id} if question_id else {}
    if next_url:
        params["next"] = next_url
    from urllib.parse import urlencode

    return redirect(f"{url}?{urlencode(params)}" if params else url)


def _announce_pass(response, attempt):
    """Lets the page around an embedded quiz react to a pass (e.g. mark the lesson complete)."""
    if attempt.passed:
        response["HX-Trigger"] = json.dumps({"quizPassed": {"quiz": attempt.quiz.slug, "attempt": attempt.pk}})
    return response


def _after_refusal(request, attempt, message, next_url):
    attempt.refresh_from_db()
    if request.htmx:
        return _panel(request, attempt.quiz, mode="result", next_url=next_url, notice=message,
                      **_result_context(attempt, request.user))
    messages.error(request, message)
    return redirect(_with_next(reverse("assessments:attempt_result", args=[attempt.pk]), next_url))


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    attempt = access_attempt(request.user, attempt_id, own=True)
    next_url = safe_next(request)
    per_question = attempt.quiz.feedback == Quiz.Feedback.PER_QUESTION
    try:
        services.attempt_submit(attempt=attempt, learner=request.user, post=None if per_question else request.POST)
    except services.InvalidAnswers as exc:
        context = attempt_context(attempt, post=request.POST, errors=exc.errors)
        context["form_error"] = str(exc)
        if request.htmx:
            return _panel(request, attempt.quiz, mode="attempt", next_url=next_url, **context)
        return render(request, "assessments/attempt.html",
                      {**context, "mode": "attempt", "next_url": next_url}, status=400)
    except services.NotInAttempt as exc:
        context = attempt_context(attempt)
        context["form_error"] = str(exc)
        if request.htmx:
            return _panel(request, attempt.quiz, mode="attempt", next_url=next_url, http_status=400, **context)
        return render(request, "assessments/attempt.html",
                      {**context, "mode": "attempt", "next_url": next_url}, status=400)
    except services.AttemptError as exc:
        return _after_refusal(request, attempt, str(exc), next_url)
    attempt.refresh_from_db()
    if request.htmx:
        response = _panel(request, attempt.quiz, mode="result", next_url=next_url,
                          **_result_context(attempt, request.user))
        return _announce_pass(response, attempt)
    return redirect(_with_next(reverse("assessments:attempt_result", args=[attempt.pk]), next_url))


@login_required
@require_safe
def attempt_result(request, attempt_id: int):
    attempt = access_attempt(request.user, attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        if attempt.learner_id == request.user.pk and not services.attempt_expired(attempt):
            return redirect("assessments:attempt_take", attempt_id=attempt.pk)
        if services.attempt_expired(attempt):
            services.attempt_close_expired(attempt=attempt)
            attempt.refresh_from_db()
    context = _result_context(attempt, attempt.learner)
    context.update({"mode": "result", "next_url": safe_next(request),
                    "own": attempt.learner_id == request.user.pk})
    return render(request, "assessments/result.html", context)


@login_required
@require_safe
def my_results(request):
    return _results_page(request, request.user)


@login_required
@require_safe
def learner_results(request, learner_id: int):
    """A trainee's quiz results and competency levels, for the trainers and managers of their team."""
    from academy.access import access_learner

    return _results_page(request, access_learner(request.user, learner_id))


def _results_page(request, learner):
    attempts = list(selectors.learner_attempts(learner=learner))
    levels = [v for v in selectors.learner_competency_levels(learner=learner) if v.score is not None]
    return render(request, "assessments/my_results.html", {
        "attempts": attempts, "levels": levels, "learner": learner, "own": learner.pk == request.user.pk,
    })
