import pytest
from django.core.exceptions import PermissionDenied

from academy import access
from academy.models import Role


def test_manager_sees_only_own_team(manager, team_a, team_b):
    assert list(access.teams_visible_to(manager)) == [team_a]
    assert access.can_view_team(manager, team_a)
    assert not access.can_view_team(manager, team_b)
    with pytest.raises(PermissionDenied):
        access.access_team(manager, team_b.pk)


def test_learner_rule_matches_its_queryset(manager, trainer, trainee, other_trainee, other_manager):
    for viewer in (manager, trainer, trainee, other_trainee, other_manager):
        visible = set(access.learners_visible_to(viewer))
        for learner in (trainee, other_trainee):
            assert (learner in visible) == access.can_view_learner(viewer, learner), (viewer, learner)


def test_trainee_sees_only_self(trainee, make_user, team_a):
    peer = make_user(team=team_a, role=Role.TRAINEE)
    assert access.can_view_learner(trainee, trainee)
    assert not access.can_view_learner(trainee, peer)
    assert set(access.learners_visible_to(trainee)) == {trainee}


def test_admin_sees_every_team(make_user, team_a, team_b):
    admin = make_user("root", is_superuser=True)
    assert set(access.teams_visible_to(admin)) == {team_a, team_b}
    assert access.home_url_name(admin) == "team_dashboard"


def test_home_depends_on_roles(trainee, trainer, manager):
    assert access.home_url_name(trainee) == "my_learning"
    assert access.home_url_name(trainer) == "trainer_console"
    assert access.home_url_name(manager) == "team_dashboard"


def test_trainers_group_follows_membership(trainer, team_a):
    from academy.services import membership_remove

    assert trainer.has_perm("wagtailadmin.access_admin")
    membership_remove(team=team_a, user=trainer, role=Role.TRAINER)
    trainer = type(trainer).objects.get(pk=trainer.pk)
    assert not trainer.has_perm("wagtailadmin.access_admin")


def test_trainers_of_lists_team_trainers(trainee, trainer, other_trainee):
    assert list(access.trainers_of(trainee)) == [trainer]
    assert list(access.trainers_of(other_trainee)) == []
