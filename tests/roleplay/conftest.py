import pytest
from django.core.management import call_command

from academy.models import Role
from roleplay.models import RoleplaySession, Scenario
from roleplay.services import session_create


@pytest.fixture(scope="session", autouse=True)
def warm_analyser():
    from roleplay.engine_adapter import warm_up

    warm_up()


@pytest.fixture
def scenarios(db):
    call_command("load_competencies", verbosity=0)
    call_command("load_scenarios", verbosity=0)
    return {s.slug: s for s in Scenario.objects.all()}


@pytest.fixture
def observer(make_user, team_a):
    return make_user("observer_a", team=team_a, role=Role.TRAINEE)


@pytest.fixture
def make_session(scenarios, trainer, trainee, team_a):
    def make(slug="refund-delay", *, mode="auto", visibility="debrief", observers=(), language="pl", seed=7,
             difficulty="medium"):
        return session_create(
            trainer=trainer, trainee=trainee, scenario=scenarios[slug], team=team_a, difficulty=difficulty,
            language=language, mode=mode, score_visibility=visibility, observers=list(observers), seed=seed,
        )

    return make


@pytest.fixture
def act():
    """Apply a frame as a user, resolving their role like the consumer does."""
    from roleplay.access import session_role
    from roleplay.services import room_action

    def run(session: RoleplaySession, user, **frame):
        session.refresh_from_db()
        return room_action(session_id=session.pk, user=user, role=session_role(user, session), frame=frame)

    return run
