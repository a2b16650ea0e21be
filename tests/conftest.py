import itertools

import pytest

from academy.models import Role, Team, User
from academy.services import membership_add

_counter = itertools.count()


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts with an empty cache (login throttling, cached lookups)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def close_database_thread():
    """After each test, close what the consumers' database thread holds open.

    `academy.realtime.in_database_thread` keeps that thread's connection for the life of the
    process; in tests it must not outlive the test (PostgreSQL cannot drop a test database while
    it is connected)."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    executor = SyncToAsync.single_thread_executor
    if getattr(executor, "_threads", None):  # only once a consumer has used it
        executor.submit(connections.close_all).result()


@pytest.fixture
def make_user(db):
    def make(username=None, *, team=None, role=None, password="pass-12345", **extra):
        username = username or f"user{next(_counter)}"
        user = User.objects.create_user(username=username, password=password, **extra)
        if team is not None and role is not None:
            membership_add(team=team, user=user, role=role)
        return user

    return make


@pytest.fixture
def make_team(db):
    def make(name=None):
        n = next(_counter)
        name = name or f"Team {n}"
        return Team.objects.create(name=name, slug=f"team-{n}")

    return make


@pytest.fixture
def team_a(make_team):
    return make_team("Alpha")


@pytest.fixture
def team_b(make_team):
    return make_team("Bravo")


@pytest.fixture
def trainee(make_user, team_a):
    return make_user("trainee_a", team=team_a, role=Role.TRAINEE, first_name="Tina", last_name="Trainee")


@pytest.fixture
def trainer(make_user, team_a):
    return make_user("trainer_a", team=team_a, role=Role.TRAINER, first_name="Tom", last_name="Trainer")


@pytest.fixture
def manager(make_user, team_a):
    return make_user("manager_a", team=team_a, role=Role.MANAGER, first_name="Mia", last_name="Manager")


@pytest.fixture
def other_trainee(make_user, team_b):
    return make_user("trainee_b", team=team_b, role=Role.TRAINEE)


@pytest.fixture
def other_manager(make_user, team_b):
    return make_user("manager_b", team=team_b, role=Role.MANAGER)
