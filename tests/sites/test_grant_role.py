"""``huoban grant_role``: the first role of a deployment, given from the command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from huoban.accounts.models import Membership, Role
from huoban.audit.models import AuditEvent


def test_it_grants_the_role_over_the_region_it_names(world, capsys):
    outsider = world.personas["outsider"]
    call_command("grant_role", outsider.mobile, Role.PROGRAMME_OFFICE, "--region", "310000000")
    membership = Membership.objects.get(user=outsider)
    assert (membership.role, membership.region) == (Role.PROGRAMME_OFFICE, world.city)
    assert AuditEvent.objects.filter(action="membership.grant", actor=None).exists()
    assert "已授予：outsider" in capsys.readouterr().out


def test_it_grants_a_role_over_a_site(world):
    outsider = world.personas["outsider"]
    site = str(world.site_b.public_id)
    call_command("grant_role", outsider.mobile, Role.SITE_MANAGER, "--site", site)
    assert Membership.objects.get(user=outsider).site == world.site_b


def test_it_names_an_unknown_account(world):
    with pytest.raises(CommandError, match="没有手机号为 13700000009 的账号"):
        call_command("grant_role", "13700000009", Role.PROGRAMME_OFFICE, "--region", "310000000")
    assert not Membership.objects.filter(user__mobile="13700000009").exists()


def test_it_names_a_scope_it_cannot_find(world):
    outsider = world.personas["outsider"]
    with pytest.raises(CommandError, match="找不到给出的区划、站点或单位"):
        call_command("grant_role", outsider.mobile, Role.PROGRAMME_OFFICE, "--region", "999")
    assert not Membership.objects.filter(user=outsider).exists()


def test_it_explains_a_scope_of_the_wrong_kind(world):
    outsider = world.personas["outsider"]
    with pytest.raises(CommandError, match="需要选择"):
        call_command("grant_role", outsider.mobile, Role.SITE_MANAGER, "--region", "310000000")
    assert not Membership.objects.filter(user=outsider).exists()
