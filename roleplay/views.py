"""Roleplay pages: the room, the debrief, creating sessions, the trainer's live list."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from academy import access
from academy.models import Membership, Role
from assessments.models import Competency

from .access import access_session
from .events import ROLE_TRAINEE, ROLE_TRAINER
from .forms import PracticeForm, SessionForm
from .models import RoleplaySession, Scenario
from .selectors import current_scores, debrief, events_for, live_sessions_for_trainer, pending_suggestion
from .services import RoleplayError, practice_start, room_action, session_create


@login_required
@require_safe
def roleplay_home(request):
    user = request.user
    is_trainer = bool(access.teams_led_by(user, roles=(Role.TRAINER,)).exists())
    my_sessions = (
        RoleplaySession.objects.filter(trainee=user).select_related("scenario")
        if not is_trainer else RoleplaySession.objects.none()
    )
    return render(request, "roleplay/home.html", {
        "scenarios": Scenario.objects.filter(is_active=True).prefetch_related("traits"),
        "is_trainer": is_trainer,
        "my_sessions": my_sessions[:20],
        "observing": RoleplaySession.objects.filter(observers=user).select_related("scenario", "trainee")[:20],
        "led": live_sessions_for_trainer(trainer=user) if is_trainer else [],
        "recent": (RoleplaySession.objects.filter(trainer=user, status=RoleplaySession.Status.ENDED)
                   .select_related("scenario", "trainee")[:20]) if is_trainer else [],
        "practice_form": PracticeForm(initial={"language": get_language()[:2]}),
    })


@login_required
@require_safe
def live_sessions(request):
    """The trainer's live sessions with mood and last activity (htmx polls this partial)."""
    return render(request, "roleplay/includes/live_sessions.html",
                  {"led": live_sessions_for_trainer(trainer=request.user)})


@login_required
def session_new(request):
    if not access.teams_led_by(request.user, roles=(Role.TRAINER,)).exists():
        raise PermissionDenied("Only trainers open roleplay sessions.")
    form = SessionForm(request.POST or None, trainer=request.user,
                       initial={"scenario": request.GET.get("scenario"), "language": get_language()[:2]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_create(
                trainer=request.user, trainee=data["trainee"], scenario=data["scenario"], team=data["team"],
                difficulty=data["difficulty"], language=data["language"], mode=data["mode"],
                score_visibility=data["score_visibility"], observers=data["observers"],
            )
        except RoleplayError as error:
            form.add_error(None, error.message)
        else:
            return redirect("roleplay:room", session_id=session.pk)
    return render(request, "roleplay/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def practice(request, slug: str):
    scenario = get_object_or_404(Scenario, slug=slug, is_active=True)
    membership = Membership.objects.filter(user=request.user, role=Role.TRAINEE).select_related("team").first()
    if membership is None:
        raise PermissionDenied("Self-practice is for trainees in a team.")
    form = PracticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a difficulty and a language."))
        return redirect("roleplay:home")
    session = practice_start(trainee=request.user, scenario=scenario, team=membership.team,
                             language=form.cleaned_data["language"], difficulty=form.cleaned_data["difficulty"])
    return redirect("roleplay:room", session_id=session.pk)


def _room_context(request, session, role):
    events = events_for(session=session, role=role, user_id=request.user.pk)
    traits = list(Competency.objects.filter(kind=Competency.Kind.TRAIT).prefetch_related("levels").order_by("order"))
    return {
        "session": session,
        "role": role,
        "events": events,
        "last_seq": session.last_seq,
        "traits": traits,
        "trait_names": {t.slug: t.name for t in traits},
        "observers": list(session.observers.all()),
        "my_scores": current_scores(events, role=role, user_id=request.user.pk),
        "suggestion": pending_suggestion(events),
        "can_control": (role == ROLE_TRAINER) or (role == ROLE_TRAINEE and session.kind == session.Kind.SELF_PRACTICE),
        "room_config": json.dumps({
            "session": session.pk, "role": role, "lastSeq": session.last_seq, "userId": request.user.pk,
            "mode": session.mode, "status": session.status,
        }),
    }


@login_required
@require_safe
def room(request, session_id: int):
    session, role = access_session(request.user, session_id)
    return render(request, "roleplay/room.html", _room_context(request, session, role))


@login_required
@require_POST
def act(request, session_id: int):
    """The no-JavaScript way to act in a room: one form post, the same service as the socket."""
    session, role = access_session(request.user, session_id)
    frame = {"type": request.POST.get("type", ""), "client_id": request.POST.get("client_id", "")[:64]}
    for field in ("text", "action", "trait", "polarity"):
        if field in request.POST:
            frame[field] = request.POST[field]
    for field in ("score", "message_seq", "suggestion_seq"):
        if request.POST.get(field, "").isdigit():
            frame[field] = int(request.POST[field])
    try:
        room_action(session_id=session.pk, user=request.user, role=role, frame=frame)
    except RoleplayError as error:
        context = _room_context(request, session, role)
        context.update(error=error.message, draft=request.POST.get("text", ""))
        return render(request, "roleplay/room.html", context, status=400)
    return redirect("roleplay:room", session_id=session.pk)


@login_required
@require_safe
def debrief_view(request, session_id: int):
    session, role = access_session(request.user, session_id)
    if session.status != RoleplaySession.Status.ENDED and role == ROLE_TRAINEE:
        return redirect("roleplay:room", session_id=session.pk)
    data = debrief(session=session, role=role, user_id=request.user.pk)
    return render(request, "roleplay/debrief.html", {
        "session": session, "role": role, **data,
        "mood_json": json.dumps(data["mood"]),
    })
