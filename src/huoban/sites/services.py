"""Changing organisations, sites and desk hours. Every change is validated and audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.selectors import holds_role_over
from huoban.audit.services import audit_record, diff_fields
from huoban.lib.geo import valid_coordinates
from huoban.lib.ids import validate_uscc
from huoban.lib.when import time_range_words, weekday_name
from huoban.regions.models import Region, RegionLevel
from huoban.sites.hours import Period, overlapping
from huoban.sites.models import (
    DeskException,
    DeskPeriod,
    ExceptionKind,
    Organisation,
    Service,
    Site,
)

ORGANISATION_FIELDS = ("name", "uscc", "contact_name", "contact_phone", "address")
SITE_FIELDS = (
    "organisation",
    "region",
    "name",
    "venue_type",
    "address",
    "latitude",
    "longitude",
    "phone",
    "description",
    "level_claimed",
    "level_certified",
    "status",
    "has_desk",
    "classroom_capacity",
    "has_projector",
    "has_microphone",
    "has_showcase",
)


def _check_uscc_unique(uscc: str, exclude_pk: int | None) -> None:
    clash = Organisation.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    existing = clash.first()
    if existing is not None:
        raise ValidationError(
            {
                "uscc": _("统一社会信用代码 %(code)s 已登记为“%(name)s”。")
                % {"code": uscc, "name": existing.name}
            }
        )


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    name: str,
    uscc: str,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Organisation:
    """Register an organisation; its credit code is checked (GB 32100-2015) and unique."""
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from None
    if not name.strip():
        raise ValidationError({"name": _("请填写单位名称。")})
    _check_uscc_unique(uscc, None)
    org = Organisation.objects.create(
        name=name.strip(),
        uscc=uscc,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
    )
    audit_record(
        actor=actor,
        action="organisation.create",
        obj=org,
        changes={f: getattr(org, f) for f in ORGANISATION_FIELDS},
    )
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's fields (``ORGANISATION_FIELDS``)."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if "uscc" in fields:
        try:
            fields["uscc"] = validate_uscc(fields["uscc"])
        except ValidationError as exc:
            raise ValidationError({"uscc": exc.messages}) from None
        _check_uscc_unique(fields["uscc"], organisation.pk)
    before = {f: getattr(organisation, f) for f in fields}
    for f, v in fields.items():
        setattr(organisation, f, v)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.update",
        obj=organisation,
        changes=diff_fields(before, fields),
    )
    return organisation


def _check_certifier(actor: Any, region_path: str, before: Any, after: Any) -> None:
    """Only the programme office over the site certifies its level (the system may too)."""
    if actor is None or before == after:
        return
    if not holds_role_over(actor, roles.CERTIFY, region_path=region_path):
        raise ValidationError({"level_certified": _("只有市项目办可以认定站点等级。")})


def _validate_site(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    region = values.get("region")
    if isinstance(region, Region) and region.level not in (
        RegionLevel.STREET,
        RegionLevel.NEIGHBOURHOOD,
    ):
        errors["region"].append(
            _("站点应属于一个街道/镇或居村，不能直接挂在%(level)s一级。")
            % {"level": region.get_level_display()}
        )
    lat, lng = values.get("latitude"), values.get("longitude")
    if lat is not None and not (Decimal(-90) <= Decimal(lat) <= Decimal(90)):
        errors["latitude"].append(_("纬度应在 -90 到 90 之间，您填的是 %(v)s。") % {"v": lat})
    if lng is not None and not (Decimal(-180) <= Decimal(lng) <= Decimal(180)):
        errors["longitude"].append(_("经度应在 -180 到 180 之间，您填的是 %(v)s。") % {"v": lng})
    if (
        lat is not None
        and lng is not None
        and valid_coordinates(float(lat), float(lng))
        and not (3 <= float(lat) <= 54 and 73 <= float(lng) <= 136)
    ):
        errors["latitude"].append(_("这个位置不在中国境内，请检查纬度和经度是否填反。"))
    certified, claimed = values.get("level_certified"), values.get("level_claimed")
    if certified and claimed and certified > claimed:
        errors["level_certified"].append(_("认定等级不能高于申报等级。"))
    if values.get("classroom_capacity", 0) and values["classroom_capacity"] > 1000:
        errors["classroom_capacity"].append(_("课堂容纳人数不应超过 1000。"))
    if not str(values.get("name", "x")).strip():
        errors["name"].append(_("请填写站点名称。"))
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def site_create(*, actor: Any, services: list[Service] | None = None, **fields: Any) -> Site:
    """Register a site (fields of ``SITE_FIELDS``) and the services it offers."""
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _validate_site(fields)
    if fields.get("region") is not None:
        _check_certifier(actor, fields["region"].path, None, fields.get("level_certified"))
    site = Site(**fields)
    site.region_path = site.region.path
    site.full_clean()
    site.save()
    if services:
        site.services.set(services)
    changes = {f: getattr(site, f) for f in fields}
    changes["services"] = sorted(s.code for s in services or [])
    audit_record(actor=actor, action="site.create", obj=site, changes=changes)
    return site


@transaction.atomic
def site_update(
    *, actor: Any, site: Site, services: list[Service] | None = None, **fields: Any
) -> Site:
    """Change a site's profile and facilities; ``services`` replaces its services if given."""
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    current = {f: getattr(site, f) for f in SITE_FIELDS}
    _validate_site({**current, **fields})
    if "level_certified" in fields:
        _check_certifier(
            actor, site.region_path, current["level_certified"], fields["level_certified"]
        )
    before = {f: current[f] for f in fields}
    for f, v in fields.items():
        setattr(site, f, v)
    site.region_path = site.region.path
    site.full_clean()
    site.save()
    changes = diff_fields(before, fields)
    if services is not None:
        old = sorted(site.services.values_list("code", flat=True))
        new = sorted(s.code for s in services)
        if old != new:
            site.services.set(services)
            changes["services"] = [old, new]
    if changes:
        audit_record(actor=actor, action="site.update", obj=site, changes=changes)
    return site


def _period_errors(periods: list[tuple[int, dt.time, dt.time]]) -> list[str]:
    errors = []
    by_day: dict[int, list[Period]] = defaultdict(list)
    for weekday, start, end in periods:
        if weekday not in range(7):
            errors.append(_("星期应为周一到周日，收到的是 %(weekday)s。") % {"weekday": weekday})
            continue
        if end <= start:
            errors.append(
                _("%(day)s %(range)s：结束时间必须晚于开始时间。")
                % {"day": weekday_name(weekday), "range": time_range_words(start, end)}
            )
        else:
            by_day[weekday].append(Period(start, end))
    for weekday, day_periods in sorted(by_day.items()):
        for a, b in overlapping(day_periods):
            errors.append(
                _("%(day)s 的时段 %(a)s 与 %(b)s 重叠。")
                % {
                    "day": weekday_name(weekday),
                    "a": time_range_words(a.start, a.end),
                    "b": time_range_words(b.start, b.end),
                }
            )
    return errors


@transaction.atomic
def desk_hours_set(
    *, actor: Any, site: Site, periods: list[tuple[int, dt.time, dt.time]]
) -> list[DeskPeriod]:
    """Replace the site's weekly desk periods: ``[(weekday 0=Monday, start, end), ...]``.

    Every period must end after it starts, and periods of one day must not overlap.
    """
    errors = _period_errors(periods)
    if errors:
        raise ValidationError(errors)
    before = [str(p) for p in site.desk_periods.all()]
    site.desk_periods.all().delete()
    created = DeskPeriod.objects.bulk_create(
        DeskPeriod(site=site, weekday=w, start=s, end=e) for w, s, e in sorted(periods)
    )
    after = [str(p) for p in created]
    if before != after:
        audit_record(actor=actor, action="site.hours", obj=site, changes={"hours": [before, after]})
    return created


@transaction.atomic
def desk_exception_add(
    *,
    actor: Any,
    site: Site,
    date: dt.date,
    kind: str,
    start: dt.time | None = None,
    end: dt.time | None = None,
    reason: str = "",
) -> DeskException:
    """Close the desk on a date, or open it for a special period on that date."""
    errors: dict[str, list[str]] = defaultdict(list)
    same_day = DeskException.objects.filter(site=site, date=date)
    if kind == ExceptionKind.CLOSED:
        if start or end:
            errors["start"].append(_("全天不开放时不需要填写时间。"))
        if same_day.exists():
            errors["date"].append(_("这一天已有例外安排，请先删除再设置全天不开放。"))
    elif kind == ExceptionKind.OPEN:
        if start is None:
            errors["start"].append(_("请填写开始时间。"))
        if end is None:
            errors["end"].append(_("请填写结束时间。"))
        if start and end:
            if end <= start:
                errors["end"].append(_("结束时间必须晚于开始时间。"))
            if same_day.filter(kind=ExceptionKind.CLOSED).exists():
                errors["date"].append(_("这一天已设为全天不开放。"))
            for other in same_day.filter(kind=ExceptionKind.OPEN):
                if other.start is None or other.end is None:
                    continue
                if start < other.end and other.start < end:
                    errors["start"].append(
                        _("与这一天已有的特别时段 %(r)s 重叠。")
                        % {"r": time_range_words(other.start, other.end)}
                    )
    else:
        errors["kind"].append(_("请选择例外类型。"))
    if errors:
        raise ValidationError(dict(errors))
    exc = DeskException.objects.create(
        site=site, date=date, kind=kind, start=start, end=end, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action="site.exception.add",
        obj=site,
        changes={"exception": str(exc), "reason": exc.reason},
    )
    return exc


@transaction.atomic
def desk_exception_remove(*, actor: Any, exception: DeskException) -> None:
    site = exception.site
    audit_record(
        actor=actor,
        action="site.exception.remove",
        obj=site,
        changes={"exception": str(exception), "reason": exception.reason},
    )
    exception.delete()
