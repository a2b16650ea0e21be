"""The demo history: a living dashboard after `seed_demo`, and the same one after running it again."""

from django.core.management import call_command

from academy.models import Team, User
from assessments.models import Attempt, Evidence
from courses.models import LessonProgress
from insights.models import EnvironmentResponse, ReadinessRule
from insights.selectors import team_heatmap, team_trends
from roleplay.models import RoleplaySession


def counts():
    return (Evidence.objects.count(), Attempt.objects.count(), RoleplaySession.objects.count(),
            LessonProgress.objects.count(), ReadinessRule.objects.count(), EnvironmentResponse.objects.count())


def test_seed_activity_gives_history_and_is_idempotent(db):
    call_command("seed_demo", verbosity=0)  # runs seed_activity last
    first = counts()
    assert all(first), first
    call_command("seed_activity", verbosity=0)
    assert counts() == first
    warszawa = Team.objects.get(slug="kontakt-warszawa")
    heatmap = team_heatmap(team=warszawa, trainee_count=3)
    verdicts = {row.user.username: row.verdict for row in heatmap.rows}
    assert verdicts["piotr"].status == "not_ready" and verdicts["piotr"].reasons
    assert any(v.ready for v in verdicts.values())
    assert team_trends(team=warszawa).days
    assert Evidence.objects.filter(source="observation", learner=User.objects.get(username="anna")).exists()
    oldest = Evidence.objects.order_by("created_at").first().created_at
    assert (Evidence.objects.order_by("-created_at").first().created_at - oldest).days >= 40
