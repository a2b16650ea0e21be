"""The grading queue: trainers grade open answers of the trainees in their teams."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import selectors, services
from ..access import access_answer_for_grading, answers_gradable_by, is_grader
from ..forms import GradeForm
from ..presentation import question_view


@login_required
@require_safe
def grading_queue(request):
    if not is_grader(request.user):
        raise PermissionDenied(_("Only trainers grade open answers."))
    answers = answers_gradable_by(request.user)
    return render(request, "assessments/grading_queue.html", {
        "pending": list(selectors.grading_queue(answers=answers)),
        "graded": list(selectors.recently_graded(answers=answers)),
    })


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer_grade(request, answer_id: int):
    answer = access_answer_for_grading(request.user, answer_id)
    view = question_view(answer.question, position=1, option_order=[], answer=None, response=answer.response)
    initial = {"rubric_points": answer.rubric_points, "comment": answer.comment}
    form = GradeForm(request.POST or None, rubric=view.rubric, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_grade(answer=answer, grader=request.user,
                                  rubric_points=form.cleaned_data["rubric_points"],
                                  comment=form.cleaned_data["comment"])
        except services.GradingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Grade saved. The trainee sees it with your comment."))
            return redirect("assessments:grading_queue")
    return render(request, "assessments/grade_answer.html",
                  {"answer": answer, "q": view, "form": form},
                  status=400 if request.method == "POST" else 200)
