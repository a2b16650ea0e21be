"""Writes that belong to managers: readiness rules, observations, the service-environment
self-assessment. (Sending xAPI statements lives in insights.lrs.)"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Competency, Evidence
from assessments.services import evidence_record, level_to_score

from .environment import ELEMENT_SLUGS, RATINGS
from .models import EnvironmentLevel, EnvironmentResponse, EnvironmentSurvey, ReadinessRule

logger = logging.getLogger(__name__)


class InsightsError(ValueError):
    """A write that is refused; the message is shown to the user."""


# --- readiness rules ----------------------------------------------------------------------------
@transaction.atomic
def readiness_rules_save(*, team, course_keys, minimums: dict, updated_by) -> list[ReadinessRule]:
    """Replace the team's rules: the courses to complete and the minimum level per competency.

    `minimums` maps a Competency to a level 1.0–5.0 (one decimal); competencies left out have no
    minimum. Saving the same rules again changes nothing but `updated_at`.
    """
    course_keys = {uuid.UUID(str(key)) for key in course_keys}
    for minimum in minimums.values():
        if not Decimal("1") <= Decimal(str(minimum)) <= Decimal("5"):
            raise InsightsError(_("A minimum level must be between 1 and 5."))
    ReadinessRule.objects.filter(team=team, kind=ReadinessRule.Kind.COURSE).exclude(
        course_key__in=course_keys).delete()
    ReadinessRule.objects.filter(team=team, kind=ReadinessRule.Kind.LEVEL).exclude(
        competency__in=list(minimums)).delete()
    for key in course_keys:
        ReadinessRule.objects.update_or_create(
            team=team, kind=ReadinessRule.Kind.COURSE, course_key=key, defaults={"updated_by": updated_by}
        )
    for competency, minimum in minimums.items():
        ReadinessRule.objects.update_or_create(
            team=team, kind=ReadinessRule.Kind.LEVEL, competency=competency,
            defaults={"minimum": Decimal(str(minimum)).quantize(Decimal("0.1")), "updated_by": updated_by},
        )
    return list(ReadinessRule.objects.filter(team=team))


# --- observations ---------------------------------------------------------------------------------
def observation_record(*, learner, competency: Competency, level: int, note: str, recorded_by,
                       token: str | None = None, at=None) -> Evidence:
    """A manager's or trainer's observation of a competency: evidence with source `observation`.

    `token` comes from the form, so posting the same form twice records one observation.
    """
    if recorded_by.pk == learner.pk:
        raise InsightsError(_("You cannot record an observation about yourself."))
    if level not in (1, 2, 3, 4, 5):
        raise InsightsError(_("Choose a level from 1 to 5."))
    note = (note or "").strip()
    if not note:
        raise InsightsError(_("Write what you observed."))
    token = (token or uuid.uuid4().hex)[:40]
    return evidence_record(
        learner=learner, competency=competency, score=level_to_score(level),
        source=Evidence.Source.OBSERVATION, reference=f"observation:{token}",
        recorded_by=recorded_by, note=note, at=at,
    )


# --- the service-environment self-assessment -------------------------------------------------------
def survey_open(*, team, opened_by, at=None) -> EnvironmentSurvey:
    return EnvironmentSurvey.objects.create(team=team, opened_by=opened_by, opened_at=at or timezone.now())


def survey_announce(*, survey: EnvironmentSurvey, url: str):
    """Tell the team where to answer, in an announcement (shown on every member's home page)."""
    from academy.services import announcement_post

    announcement, _created = announcement_post(
        team=survey.team, author=survey.opened_by,
        text=_("Please rate our service environment (nine short questions): %(url)s") % {"url": url},
    )
    transaction.on_commit(lambda: _push_announcement(announcement))
    return announcement


def _push_announcement(announcement) -> None:
    """Members with the page open see it at once (the team socket); the row is already stored."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from academy.consumers import team_group
    from academy.selectors import announcement_event

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            team_group(announcement.team_id), {"type": "team.event", "event": announcement_event(announcement)}
        )
    except Exception:  # stored already; members see it on their next page load
        logger.warning("pushing announcement %s failed", announcement.pk, exc_info=True)


def survey_close(*, survey: EnvironmentSurvey) -> EnvironmentSurvey:
    if survey.closed_at is None:
        survey.closed_at = timezone.now()
        survey.save(update_fields=["closed_at"])
    return survey


def survey_answer_save(*, survey: EnvironmentSurvey, respondent, level: str, ratings: dict, at=None
                       ) -> EnvironmentResponse:
    """Store (or, while the survey is open, change) one person's nine ratings."""
    if not survey.is_open:
        raise InsightsError(_("This self-assessment is closed; answers can no longer change."))
    if level not in EnvironmentLevel.values:
        raise InsightsError(_("Choose your level."))
    if set(ratings) != set(ELEMENT_SLUGS) or any(value not in RATINGS for value in ratings.values()):
        raise InsightsError(_("Rate every element from 1 to 5."))
    response, _created = EnvironmentResponse.objects.update_or_create(
        survey=survey, respondent=respondent,
        defaults={"level": level, "ratings": dict(ratings), "submitted_at": at or timezone.now()},
    )
    return response
