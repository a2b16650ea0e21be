"""Who may see an attempt and grade an answer — each rule as an object check and a queryset
filter, built on the people rules in `academy.access`.

A learner sees their own attempts; trainers and managers of the learner's team see them too.
Only trainers of a team the learner is a trainee in (or an admin) grade their open answers, and
nobody grades their own.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from academy import access as people
from academy.models import Role

from .models import Answer, Attempt, ConsistencyRun

GRADER_ROLES = (Role.TRAINER,)


# --- attempts -------------------------------------------------------------------------------
def attempts_visible_to(user) -> QuerySet[Attempt]:
    return Attempt.objects.filter(learner__in=people.learners_visible_to(user))


def can_view_attempt(user, attempt: Attempt) -> bool:
    return people.can_view_learner(user, attempt.learner)


def access_attempt(user, attempt_id, *, own: bool = False) -> Attempt:
    """The attempt if the user may see it (with `own=True`: only if it is theirs); else 404/403."""
    try:
        attempt = Attempt.objects.select_related("quiz", "learner").get(pk=attempt_id)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404("No such attempt.") from None
    if own and attempt.learner_id != user.pk:
        raise PermissionDenied("This is not your attempt.")
    if not can_view_attempt(user, attempt):
        raise PermissionDenied("This attempt belongs to someone outside your teams.")
    return attempt


# --- grading --------------------------------------------------------------------------------
def answers_gradable_by(user) -> QuerySet[Answer]:
    """Open answers of trainees in teams where the user is a trainer (never the user's own)."""
    if not user.is_authenticated:
        return Answer.objects.none()
    learners = people.learners_visible_to(user, roles=GRADER_ROLES)
    return Answer.objects.filter(question__type="open", attempt__learner__in=learners).exclude(
        attempt__learner=user
    )


def can_grade_answer(user, answer: Answer) -> bool:
    if not user.is_authenticated or answer.attempt.learner_id == user.pk:
        return False
    if answer.question.type != "open":
        return False
    return people.is_admin(user) or people.can_view_learner(user, answer.attempt.learner, roles=GRADER_ROLES)


def access_answer_for_grading(user, answer_id) -> Answer:
    try:
        answer = Answer.objects.select_related("question", "attempt__quiz", "attempt__learner").get(pk=answer_id)
    except (Answer.DoesNotExist, ValueError, TypeError):
        raise Http404("No such answer.") from None
    if not can_grade_answer(user, answer):
        raise PermissionDenied("You are not a trainer of this person's team.")
    return answer


def is_grader(user) -> bool:
    return people.is_admin(user) or people.teams_led_by(user, roles=GRADER_ROLES).exists()


def is_trainer(user) -> bool:
    """Trainers (and admins) see item analysis and move question banks."""
    return is_grader(user)


# --- consistency runs -----------------------------------------------------------------------
MANAGER_ROLES = (Role.MANAGER,)


def runs_managed_by(user) -> QuerySet[ConsistencyRun]:
    return ConsistencyRun.objects.filter(team__in=people.teams_led_by(user, roles=MANAGER_ROLES))


def can_manage_run(user, run: ConsistencyRun) -> bool:
    return people.can_lead_team(user, run.team, roles=MANAGER_ROLES)


def runs_answerable_by(user) -> QuerySet[ConsistencyRun]:
    """Runs of the teams the user is a member of (any role)."""
    if not user.is_authenticated:
        return ConsistencyRun.objects.none()
    return ConsistencyRun.objects.filter(team__memberships__user=user).distinct()


def can_answer_run(user, run: ConsistencyRun) -> bool:
    return user.is_authenticated and run.team.memberships.filter(user=user).exists()


def access_run(user, run_id, *, manage: bool = False) -> ConsistencyRun:
    try:
        run = ConsistencyRun.objects.select_related("team", "questionnaire").get(pk=run_id)
    except (ConsistencyRun.DoesNotExist, ValueError, TypeError):
        raise Http404("No such consistency check.") from None
    allowed = can_manage_run(user, run) if manage else can_answer_run(user, run)
    if not allowed:
        raise PermissionDenied("This consistency check belongs to another team.")
    return run
