"""Who may certify a level and who may give roles: enforced in the services."""

import pytest
from django.core.exceptions import ValidationError

from huoban.accounts.models import Invitation, Membership, Role
from huoban.accounts.services import invitation_create
from huoban.roster.services import membership_revoke
from huoban.sites.services import site_update


def test_it_lets_the_programme_office_certify_a_level(world):
    site_update(actor=world.personas["city_admin"], site=world.site_a, level_certified=1)
    world.site_a.refresh_from_db()
    assert world.site_a.level_certified == 1


@pytest.mark.parametrize("persona", ["site_manager", "street_admin", "district_admin"])
def test_it_refuses_certification_by_anyone_else(world, persona):
    with pytest.raises(ValidationError) as exc:
        site_update(actor=world.personas[persona], site=world.site_a, level_certified=1)
    assert "只有市项目办可以认定站点等级" in str(exc.value)
    world.site_a.refresh_from_db()
    assert world.site_a.level_certified is None


def test_it_lets_a_site_manager_save_the_profile_without_touching_the_level(world):
    site_update(
        actor=world.personas["site_manager"],
        site=world.site_a,
        name="曹杨新村数字助老点",
        level_certified=None,
    )
    world.site_a.refresh_from_db()
    assert world.site_a.name == "曹杨新村数字助老点"


@pytest.mark.parametrize("persona", ["district_admin", "street_admin", "site_manager"])
def test_it_refuses_invitations_from_people_without_that_authority(world, persona):
    with pytest.raises(ValidationError) as exc:
        invitation_create(
            actor=world.personas[persona],
            mobile="13700000002",
            name="某人",
            role=Role.VOLUNTEER,
            site=world.site_a,
        )
    assert "只能在自己负责的范围内授予角色" in str(exc.value)
    assert not Invitation.objects.exists()


def test_it_refuses_a_grant_outside_the_actors_region(world):
    from huoban.accounts.models import User

    shanghai_office = world.personas["city_admin"]
    membership = shanghai_office.memberships.get()
    membership.region = world.putuo
    membership.role = Role.PROGRAMME_OFFICE
    Membership.objects.filter(pk=membership.pk).update(region=world.putuo)
    actor = User.objects.get(pk=shanghai_office.pk)
    with pytest.raises(ValidationError):
        invitation_create(
            actor=actor,
            mobile="13700000003",
            name="某人",
            role=Role.VOLUNTEER,
            site=world.site_c,
        )
    invitation_create(
        actor=actor, mobile="13700000003", name="某人", role=Role.VOLUNTEER, site=world.site_a
    )
    assert Invitation.objects.count() == 1


def test_it_refuses_a_revocation_by_someone_without_authority(world):
    target = world.personas["volunteer"].memberships.get()
    with pytest.raises(ValidationError):
        membership_revoke(actor=world.personas["street_admin"], membership=target)
    assert Membership.objects.filter(pk=target.pk).exists()
    membership_revoke(actor=world.personas["city_admin"], membership=target)
    assert not Membership.objects.filter(pk=target.pk).exists()
