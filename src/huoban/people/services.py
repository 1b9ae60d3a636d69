"""Registering and changing elders; revealing their numbers.

Every change is audited. The audit trail never holds a mobile or ID number in clear: it
records that a number was added, changed or removed, masked as every screen shows it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.selectors import holds_role_at_site, holds_role_over
from huoban.audit.services import audit_record
from huoban.lib.crypto import id_number_index, mobile_index
from huoban.lib.ids import mask_mobile, mask_resident_id, validate_mobile, validate_resident_id
from huoban.lib.pinyin import search_text
from huoban.people.models import Elder, mask_name
from huoban.people.selectors import elders_for
from huoban.regions.models import Region, RegionLevel
from huoban.sites.models import Site
from huoban.sites.selectors import sites_for

# Whoever logs help sessions at a desk registers and corrects the elders they serve.
EDIT_ROLES = roles.RECORDS_LOG
# A number in full is for calling back or filling in a form for the elder: site managers and
# above. Volunteers see masked numbers only (seed 001: volunteers protect elders' information).
REVEAL_ROLES = roles.RECORDS_CORRECT
EDITABLE = ("name", "mobile", "id_number", "birth_year", "street")
SECRET_FIELDS = ("mobile", "id_number")
NAME_MAX_LENGTH = 50
# Birth years: nobody registered is older than this, and nobody younger than MIN_AGE. The
# programme serves older adults (60 and over); the margin lets the desk register someone
# approaching that age, while a child's or a typo's year is refused.
OLDEST_BIRTH_YEAR = 1900
MIN_AGE = 50

ErrorDict = dict[str, list[ValidationError]]


def _add(errors: ErrorDict, field: str, message: str, code: str, **params: Any) -> None:
    errors[field].append(ValidationError(message, code=code, params=params or None))


def _latest_birth_year() -> int:
    return timezone.localdate().year - MIN_AGE


def _clean(raw: dict[str, Any], errors: ErrorDict) -> dict[str, Any]:
    """The given fields cleaned; problems go into ``errors`` under the field's name."""
    out: dict[str, Any] = {}
    if "name" in raw:
        name = " ".join(str(raw["name"] or "").split())
        if not name:
            _add(errors, "name", _("请填写长者的姓名。"), "required")
        elif len(name) > NAME_MAX_LENGTH:
            _add(
                errors,
                "name",
                _("姓名最多 %(limit)s 个字，现在有 %(length)s 个字。"),
                "max_length",
                limit=NAME_MAX_LENGTH,
                length=len(name),
            )
        out["name"] = name
    checks: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("mobile", validate_mobile),
        ("id_number", validate_resident_id),
    )
    for field, check in checks:
        if field not in raw:
            continue
        value = str(raw[field] or "").strip()
        if value:
            try:
                value = check(value)
            except ValidationError as exc:
                errors[field].extend(exc.error_list)
        out[field] = value
    if "birth_year" in raw:
        year = raw["birth_year"]
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            _add(errors, "birth_year", _("请填写四位数字的出生年份，例如 1950。"), "invalid")
        elif year is not None and not OLDEST_BIRTH_YEAR <= year <= _latest_birth_year():
            _add(
                errors,
                "birth_year",
                _(
                    "出生年份应在 %(first)s 年到 %(last)s 年之间：这里登记的是参加为老服务的"
                    "长者（%(age)s 岁以上），请核对是否输错。"
                ),
                "out_of_range",
                first=OLDEST_BIRTH_YEAR,
                last=_latest_birth_year(),
                age=MIN_AGE,
            )
        out["birth_year"] = year
    if "street" in raw:
        street = raw["street"]
        if street is not None and (
            not isinstance(street, Region) or street.level != RegionLevel.STREET
        ):
            _add(errors, "street", _("请选择街道或镇，而不是区或居委。"), "not_street")
        out["street"] = street
    return out


def _check_birth_year(values: dict[str, Any], changed: Iterable[str], errors: ErrorDict) -> None:
    """The birth year and the ID number must agree; the ID gives the year when none is given."""
    id_number = values.get("id_number")
    if not id_number or errors.get("id_number") or errors.get("birth_year"):
        return
    id_year = int(id_number[6:10])
    if values.get("birth_year") is None:
        values["birth_year"] = id_year
        if not OLDEST_BIRTH_YEAR <= id_year <= _latest_birth_year():
            _add(
                errors,
                "id_number",
                _(
                    "这个身份证号码的出生年份是 %(year)s 年：这里登记的是 %(age)s 岁以上的长者，"
                    "请核对是否填成了家属的号码。"
                ),
                "out_of_range",
                year=id_year,
                age=MIN_AGE,
            )
    elif values["birth_year"] != id_year and {"birth_year", "id_number"} & set(changed):
        _add(
            errors,
            "birth_year",
            _("出生年份与身份证号码中的 %(year)s 年不一致，请核对。"),
            "mismatch",
            year=id_year,
        )


def _check_duplicates(
    actor: Any, values: dict[str, Any], errors: ErrorDict, exclude_pk: int | None
) -> None:
    """A number already on another elder: name them, so the desk picks them instead.

    Someone outside the actor's scope is named masked (张*明): the desk learns that a
    profile exists, not who lives where.
    """
    visible = elders_for(actor, EDIT_ROLES)
    checks: tuple[tuple[str, str, Callable[[str], str], Callable[[str], str]], ...] = (
        ("mobile", "mobile_index", mobile_index, mask_mobile),
        ("id_number", "id_index", id_number_index, mask_resident_id),
    )
    for field, column, index, masked in checks:
        if not values.get(field) or errors.get(field):
            continue
        clash = Elder.objects.filter(**{column: index(values[field])})
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        other = clash.only("pk", "public_id", "name").first()
        if other is None:
            continue
        params = {"number": masked(values[field]), "elder": str(other.public_id)}
        if visible.filter(pk=other.pk).exists():
            message = (
                _(
                    "手机号 %(number)s 已登记在长者“%(name)s”名下，请直接选择这位长者，"
                    "不要重复登记。"
                )
                if field == "mobile"
                else _(
                    "身份证号码 %(number)s 已登记在长者“%(name)s”名下，请直接选择这位长者，"
                    "不要重复登记。"
                )
            )
            _add(errors, field, message, "duplicate", name=other.name, **params)
        else:
            message = (
                _(
                    "手机号 %(number)s 已登记在别处的长者“%(name)s”名下，"
                    "请联系街镇管理员核对，不要重复登记。"
                )
                if field == "mobile"
                else _(
                    "身份证号码 %(number)s 已登记在别处的长者“%(name)s”名下，"
                    "请联系街镇管理员核对，不要重复登记。"
                )
            )
            _add(
                errors, field, message, "duplicate_elsewhere", name=mask_name(other.name), **params
            )


def _apply(elder: Elder, values: dict[str, Any]) -> None:
    """Copy cleaned values onto ``elder`` with everything derived from them."""
    for field, value in values.items():
        setattr(elder, field, value)
    if "name" in values:
        elder.search_text = search_text(elder.name)
    if "mobile" in values:
        elder.mobile_index = mobile_index(elder.mobile)
        elder.mobile_last4 = elder.mobile[-4:]
    if "id_number" in values:
        elder.id_index = id_number_index(elder.id_number)
    street = elder.street
    elder.region_path = street.path if street is not None else _site_path(elder.home_site)


def _check_street_served(actor: Any, street: Region | None, errors: ErrorDict) -> None:
    """An elder can only be placed in a street the actor serves: inside one of their region
    scopes, or the street of one of their sites."""
    if street is None:
        return
    serves = holds_role_over(actor, EDIT_ROLES, region_path=street.path) or (
        sites_for(actor, EDIT_ROLES).filter(region_path__under=street.path).exists()
    )
    if not serves:
        _add(
            errors, "street", _("%(street)s不在您的服务范围内。") % {"street": street.name}, "scope"
        )


def _site_path(site: Site | None) -> str:
    return site.region_path if site is not None else ""


def _save(actor: Any, elder: Elder, values: dict[str, Any]) -> None:
    """Save, turning a duplicate that slipped in concurrently into the same message."""
    try:
        with transaction.atomic():
            elder.save()
    except IntegrityError:
        errors: ErrorDict = defaultdict(list)
        _check_duplicates(actor, values, errors, elder.pk)
        if not errors:
            raise
        raise ValidationError(dict(errors)) from None


def _masked(field: str, value: str) -> str:
    return (mask_mobile if field == "mobile" else mask_resident_id)(value)


@transaction.atomic
def elder_create(
    *,
    actor: Any,
    site: Site | None,
    name: str,
    mobile: str = "",
    id_number: str = "",
    birth_year: int | None = None,
    street: Region | None = None,
    consent: bool = False,
) -> Elder:
    """Register an elder at ``site`` (the desk where they were met) with their consent.

    Mobile and ID number are optional; when given they are validated, must not be on another
    elder already, and are stored encrypted. The birth year comes from the ID number when not
    given. ``street`` is where the elder lives; without it the site's street places them.
    Raises ``ValidationError`` (a dict keyed by field) or ``PermissionDenied``.
    """
    if site is not None and not holds_role_at_site(actor, EDIT_ROLES, site):
        raise PermissionDenied(_("您不能在这个站点登记长者。"))
    errors: ErrorDict = defaultdict(list)
    _check_street_served(actor, street, errors)
    if not consent:
        _add(
            errors,
            "consent",
            _("需要长者本人同意保存服务记录；不同意时请按匿名记录。"),
            "required",
        )
    values = _clean(
        {
            "name": name,
            "mobile": mobile,
            "id_number": id_number,
            "birth_year": birth_year,
            "street": street,
        },
        errors,
    )
    if street is None and site is None:
        _add(errors, "street", _("请选择长者居住的街道或镇。"), "required")
    _check_birth_year(values, EDITABLE, errors)
    _check_duplicates(actor, values, errors, None)
    if errors:
        raise ValidationError(dict(errors))
    elder = Elder(home_site=site, consent_at=timezone.now(), created_by=actor)
    _apply(elder, values)
    _save(actor, elder, values)
    changes: dict[str, Any] = {
        "name": elder.name,
        "birth_year": elder.birth_year,
        "street": elder.street,
        "home_site": site,
        "consent_at": elder.consent_at.isoformat(),
    }
    for field in SECRET_FIELDS:
        changes[field] = _masked(field, values[field])
    audit_record(actor=actor, action="elder.create", obj=elder, changes=changes)
    return elder


@transaction.atomic
def elder_update(*, actor: Any, elder: Elder, **fields: Any) -> Elder:
    """Change an elder's ``name``, ``mobile``, ``id_number``, ``birth_year`` or ``street``.

    The same checks as :func:`elder_create`; only the fields given are validated. Changes are
    audited as ``{field: [old, new]}``, with numbers masked.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if not elders_for(actor, EDIT_ROLES).filter(pk=elder.pk).exists():
        raise PermissionDenied(_("您不能修改这位长者的资料。"))
    errors: ErrorDict = defaultdict(list)
    cleaned = _clean(fields, errors)
    current = {f: getattr(elder, f) for f in EDITABLE}
    changed = {f: v for f, v in cleaned.items() if v != current[f]}
    values = {**current, **changed}
    if "street" in changed:
        _check_street_served(actor, changed["street"], errors)
    if "street" in changed and values["street"] is None and elder.home_site is None:
        _add(errors, "street", _("请选择长者居住的街道或镇。"), "required")
    _check_birth_year(values, changed, errors)
    if values["birth_year"] != current["birth_year"]:
        changed["birth_year"] = values["birth_year"]
    _check_duplicates(actor, changed, errors, elder.pk)
    if errors:
        raise ValidationError(dict(errors))
    if not changed:
        return elder
    _apply(elder, changed)
    _save(actor, elder, changed)
    diff: dict[str, Any] = {}
    for field, new in changed.items():
        old = current[field]
        if field in SECRET_FIELDS:
            diff[field] = [_masked(field, old), _masked(field, new)]
        else:
            diff[field] = [old, new]
    audit_record(actor=actor, action="elder.update", obj=elder, changes=diff)
    return elder


@transaction.atomic
def elder_reveal(*, actor: Any, elder: Elder, field: str, ip_address: str | None = None) -> str:
    """The elder's ``mobile`` or ``id_number`` in full; the reading is audited.

    For site managers and above whose scope includes the elder; anyone else gets
    ``PermissionDenied``.
    """
    if field not in SECRET_FIELDS:
        raise ValueError(f"not a revealable field: {field!r}")
    if not elders_for(actor, REVEAL_ROLES).filter(pk=elder.pk).exists():
        raise PermissionDenied(_("只有站点负责人及以上人员可以查看完整号码。"))
    audit_record(
        actor=actor,
        action="elder.reveal",
        obj=elder,
        changes={"field": field},
        ip_address=ip_address,
    )
    value: str = getattr(elder, field)
    return value


@transaction.atomic
def elder_create_online(*, actor: Any, name: str, mobile: str, street: Region) -> Elder:
    """An elder registered from the portal with a verified mobile: by themself, or by a
    family member the elder consented to (their SMS code). Consent is that code; the
    number must not be on another elder already."""
    errors: ErrorDict = defaultdict(list)
    values = _clean(
        {"name": name, "mobile": mobile, "id_number": "", "birth_year": None, "street": street},
        errors,
    )
    if (
        values.get("mobile")
        and Elder.objects.filter(mobile_index=mobile_index(values["mobile"])).exists()
    ):
        _add(errors, "mobile", _("这个手机号码已经登记过了。"), "duplicate")
    if errors:
        raise ValidationError(dict(errors))
    elder = Elder(home_site=None, consent_at=timezone.now(), created_by=actor)
    _apply(elder, values)
    _save(actor, elder, values)
    audit_record(
        actor=actor,
        action="elder.create",
        obj=elder,
        changes={
            "name": elder.name,
            "street": elder.street,
            "mobile": _masked("mobile", values["mobile"]),
            "consent_at": elder.consent_at.isoformat(),
            "online": True,
        },
    )
    return elder
