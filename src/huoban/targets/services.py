"""Setting person-time targets and splitting them top-down. Every change is audited.

Who may set a region's target:

* the programme office, anywhere within its scope (the city: every district and street);
* a district admin, for the regions *below* their district, not for the district itself:
  the office gives the district its number, the district admin splits it among its streets;
* nobody else (``PermissionDenied``). ``actor=None`` is the system (demo data, commands).

A half-year target may not exceed the year's target of the same region and measure: both
run from 1 January, the half-year's is the milestone on the way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huoban.accounts.models import Role
from huoban.accounts.selectors import memberships_of
from huoban.audit.services import audit_record, diff_fields
from huoban.regions.models import Region, RegionLevel
from huoban.regions.selectors import PROGRAMME_LEVELS, programme_children
from huoban.targets.models import (
    MAX_VALUE,
    MAX_YEAR,
    MIN_YEAR,
    Measure,
    Period,
    Target,
    default_deadline,
)

# Targets are set for these levels; a street's is not split further.
SPLIT_LEVELS = (RegionLevel.CITY, RegionLevel.DISTRICT)


def may_set_target(actor: Any, region: Region) -> bool:
    """Whether ``actor`` may set ``region``'s targets (rules in the module docstring)."""
    if actor is None:
        return True
    for m in memberships_of(actor):
        if m.region is None or not region.path.startswith(m.region.path):
            continue
        if m.role == Role.PROGRAMME_OFFICE:
            return True
        if m.role == Role.DISTRICT_ADMIN and region.path != m.region.path:
            return True
    return False


def may_split_target(actor: Any, region: Region, children: list[Region] | None = None) -> bool:
    """Whether ``actor`` may set the targets of every one of ``region``'s children (split its
    target among them, or import its indicator table); never without children. ``children``:
    ``programme_children(region)`` when the caller has them already."""
    if children is None:
        children = list(programme_children(region))
    return bool(children) and all(may_set_target(actor, child) for child in children)


def _require_setter(actor: Any, region: Region) -> None:
    if not may_set_target(actor, region):
        raise PermissionDenied(_("您不能设定%(region)s的任务指标。") % {"region": region.name})


def _whole(value: Any, what: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("%(what)s应是整数。") % {"what": what}})
    if value < 0:
        raise ValidationError({field: _("%(what)s不能是负数。") % {"what": what}})
    if value > MAX_VALUE:
        raise ValidationError(
            {field: _("%(what)s不能超过 %(max)s。") % {"what": what, "max": MAX_VALUE}}
        )
    return value


def _check(region: Region, year: Any, period: str, measure: str) -> None:
    if region.level not in PROGRAMME_LEVELS:
        raise ValidationError(
            {
                "region": _("任务指标只能设在市、区或街镇一级，%(region)s是居村。")
                % {"region": region.name}
            }
        )
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {
                "year": _("年度应在 %(first)s 到 %(last)s 之间。")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            }
        )
    if period not in Period.values:
        raise ValidationError({"period": _("期间应为半年或年度。")})
    if measure not in Measure.values:
        raise ValidationError({"measure": _("计入方式应为帮办、培训或培训和帮办。")})


def _check_deadline(deadline: Any, year: int) -> dt.date:
    if isinstance(deadline, dt.datetime) or not isinstance(deadline, dt.date):
        raise ValidationError({"deadline": _("请填写完成期限（日期）。")})
    if deadline.year != year:
        raise ValidationError(
            {
                "deadline": _("完成期限应在 %(year)s 年内，您填的是 %(date)s。")
                % {"year": year, "date": deadline.isoformat()}
            }
        )
    return deadline


def _check_pair(region: Region, year: int, period: str, measure: str, value: int) -> None:
    """The half-year's target may not exceed the year's (of the same region and measure)."""
    other_period = Period.YEAR if period == Period.HALF else Period.HALF
    other = (
        Target.objects.filter(region=region, year=year, period=other_period, measure=measure)
        .values_list("value", flat=True)
        .first()
    )
    if other is None:
        return
    half, annual = (value, other) if period == Period.HALF else (other, value)
    if half > annual:
        raise ValidationError(
            {
                "value": _("%(region)s的半年指标 %(half)s 不能大于年度指标 %(year)s。")
                % {"region": region.name, "half": half, "year": annual}
            }
        )


@transaction.atomic
def target_set(
    *,
    actor: Any,
    region: Region,
    year: int,
    period: str,
    value: int,
    measure: str = Measure.BOTH,
    deadline: dt.date | None = None,
) -> Target:
    """Set ``region``'s target for ``period`` of ``year``, creating or changing it.

    ``deadline`` defaults to the configured one for a new target and stays as it was for an
    existing one. Writes (and audits) nothing when nothing changes.
    """
    _require_setter(actor, region)
    _check(region, year, period, measure)
    value = _whole(value, _("指标"), "value")
    existing = (
        Target.objects.select_for_update()
        .filter(region=region, year=year, period=period, measure=measure)
        .first()
    )
    if deadline is None:
        deadline = existing.deadline if existing else default_deadline(year, period)
    deadline = _check_deadline(deadline, year)
    _check_pair(region, year, period, measure, value)
    if existing is None:
        target = Target.objects.create(
            region=region,
            year=year,
            period=period,
            measure=measure,
            value=value,
            deadline=deadline,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="target.create",
            obj=target,
            changes={
                "region": region.code,
                "year": year,
                "period": period,
                "measure": measure,
                "value": value,
                "deadline": deadline,
            },
        )
        return target
    fields = {"value": value, "deadline": deadline}
    changes = diff_fields({f: getattr(existing, f) for f in fields}, fields)
    if changes:
        for f, v in fields.items():
            setattr(existing, f, v)
        existing.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="target.update",
            obj=existing,
            changes={"region": region.code, "year": year, "period": period, **changes},
        )
    return existing


@transaction.atomic
def target_pair_set(
    *,
    actor: Any,
    region: Region,
    year: int,
    half: int,
    annual: int,
    measure: str = Measure.BOTH,
) -> tuple[Target, Target]:
    """Set the half-year and year targets together (as the indicator table gives them).

    They are written in the order that never passes through half > year, so a table may
    raise or lower both.
    """
    _require_setter(actor, region)
    half = _whole(half, _("半年指标"), "half")
    annual = _whole(annual, _("年度指标"), "annual")
    if half > annual:
        raise ValidationError(
            {
                "half": _("%(region)s的半年指标 %(half)s 不能大于年度指标 %(year)s。")
                % {"region": region.name, "half": half, "year": annual}
            }
        )
    old_half = (
        Target.objects.filter(region=region, year=year, period=Period.HALF, measure=measure)
        .values_list("value", flat=True)
        .first()
    )
    common = {"actor": actor, "region": region, "year": year, "measure": measure}
    if old_half is None or annual >= old_half:
        year_target = target_set(period=Period.YEAR, value=annual, **common)
        half_target = target_set(period=Period.HALF, value=half, **common)
    else:
        half_target = target_set(period=Period.HALF, value=half, **common)
        year_target = target_set(period=Period.YEAR, value=annual, **common)
    return half_target, year_target


def even_shares(total: int, n: int) -> list[int]:
    """``total`` over ``n``: each ``total // n``, the remainder one each to the first."""
    base, remainder = divmod(total, n)
    return [base + 1 if i < remainder else base for i in range(n)]


def _manual_shares(parent: Target, children: list[Region], values: Any) -> list[int]:
    if not isinstance(values, Mapping) or not values:
        raise ValidationError({"values": _("请为每个下级区划填写指标。")})
    errors: list[str] = []
    wanted = {c.pk for c in children}
    strangers = [r for r in values if getattr(r, "pk", None) not in wanted]
    if strangers:
        errors.append(
            _("%(names)s不是%(region)s的下级区划。")
            % {"names": "、".join(str(r) for r in strangers), "region": parent.region.name}
        )
    given = {r.pk: v for r, v in values.items() if getattr(r, "pk", None) in wanted}
    missing = [c for c in children if c.pk not in given]
    if missing:
        errors.append(
            _("还没有填写这些区划的指标：%(names)s。")
            % {"names": "、".join(c.name for c in missing)}
        )
    for child in children:
        if child.pk not in given:
            continue
        value = given[child.pk]
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(_("%(name)s的指标应是整数。") % {"name": child.name})
        elif value < 0:
            errors.append(_("%(name)s的指标不能是负数。") % {"name": child.name})
    if errors:
        raise ValidationError({"values": errors})
    shares = [given[c.pk] for c in children]
    total = sum(shares)
    if total != parent.value:
        params = {
            "level": children[0].get_level_display(),
            "sum": total,
            "region": parent.region.name,
            "period": parent.get_period_display(),
            "value": parent.value,
            "diff": abs(total - parent.value),
        }
        if total > parent.value:
            message = _(
                "各%(level)s指标合计 %(sum)s，比%(region)s的%(period)s指标 %(value)s 多 "
                "%(diff)s。合计须与之相等，请调整后再保存。"
            )
        else:
            message = _(
                "各%(level)s指标合计 %(sum)s，比%(region)s的%(period)s指标 %(value)s 少 "
                "%(diff)s。合计须与之相等，请调整后再保存。"
            )
        raise ValidationError({"values": message % params})
    return shares


@transaction.atomic
def target_split(
    *,
    actor: Any,
    parent: Target,
    mode: str = "even",
    values: Mapping[Region, int] | None = None,
) -> list[Target]:
    """Set the targets of ``parent``'s child regions (city → districts, district → streets).

    ``even``: each child gets ``value // n`` and the remainder goes one each to the first
    children by code. ``manual``: ``values`` gives every child's number and they must add up
    to the parent's exactly. Children inherit the parent's year, period, measure and
    deadline. All or nothing; the split itself is audited on the parent as well.
    """
    region = parent.region
    if region.level not in SPLIT_LEVELS:
        raise ValidationError(
            {"parent": _("街镇的指标不再向下分解。%(region)s是街镇。") % {"region": region.name}}
        )
    children = list(programme_children(region))
    if not children:
        raise ValidationError(
            {"parent": _("%(region)s没有下级区划，无法分解。") % {"region": region.name}}
        )
    if not may_split_target(actor, region, children):
        raise PermissionDenied(_("您不能设定%(region)s下属的任务指标。") % {"region": region.name})
    if mode == "even":
        shares = even_shares(parent.value, len(children))
    elif mode == "manual":
        shares = _manual_shares(parent, children, values)
    else:
        raise ValidationError({"mode": _("分解方式应为平均分配或逐一填写。")})
    targets = [
        target_set(
            actor=actor,
            region=child,
            year=parent.year,
            period=parent.period,
            measure=parent.measure,
            value=share,
            deadline=parent.deadline,
        )
        for child, share in zip(children, shares, strict=True)
    ]
    audit_record(
        actor=actor,
        action="target.split",
        obj=parent,
        changes={
            "mode": mode,
            "values": [f"{c.code}={v}" for c, v in zip(children, shares, strict=True)],
        },
    )
    return targets
