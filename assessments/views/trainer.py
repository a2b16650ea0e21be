"""Trainer tools: item analysis and moving question banks between sites."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from academy import access as people

from .. import selectors, services
from ..access import GRADER_ROLES, is_trainer
from ..forms import BankImportForm
from ..models import Quiz


def _require_trainer(user):
    if not is_trainer(user):
        raise PermissionDenied(_("This page is for trainers."))


def _learners(user):
    """Item statistics come from the trainees of the teams the user trains (all, for an admin)."""
    return people.learners_visible_to(user, roles=GRADER_ROLES).values("pk")


@login_required
@require_safe
def item_analysis_list(request):
    _require_trainer(request.user)
    quizzes = selectors.quizzes_with_attempt_counts(learners=_learners(request.user))
    return render(request, "assessments/analysis_list.html", {"quizzes": quizzes})


@login_required
@require_safe
def item_analysis(request, slug: str):
    _require_trainer(request.user)
    quiz = get_object_or_404(Quiz, slug=slug)
    attempts, items = selectors.quiz_item_analysis(quiz=quiz, learners=_learners(request.user))
    return render(request, "assessments/analysis.html", {
        "quiz": quiz, "attempts": attempts, "items": items,
        "min_attempts": selectors.MIN_ATTEMPTS_FOR_FLAGS,
    })


@login_required
@require_safe
def bank_list(request):
    _require_trainer(request.user)
    return render(request, "assessments/banks.html", {"banks": selectors.bank_names(), "form": BankImportForm()})


@login_required
@require_safe
def bank_export(request, bank: str):
    _require_trainer(request.user)
    questions = selectors.bank_export(bank_name=bank)
    if not questions:
        raise Http404("No such bank.")
    response = HttpResponse(json.dumps(questions, ensure_ascii=False, indent=2) + "\n",
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank}.json"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bank_import(request):
    _require_trainer(request.user)
    form = BankImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created, updated = services.bank_import(text=form.cleaned_data["file"], bank_name=form.cleaned_data["bank"])
        except services.BankImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Bank imported: %(created)s new questions, %(updated)s updated.")
                             % {"created": created, "updated": updated})
            return redirect("assessments:bank_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/banks.html",
                  {"banks": selectors.bank_names(), "form": form, "errors": errors}, status=status)
