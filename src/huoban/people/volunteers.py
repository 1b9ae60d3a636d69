"""Volunteers: who sees whom, profile changes, pledges.

(Their service hours and the students' certificates that state them are counted from the
roster and the help records: ``records.hours``.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from huoban.accounts import roles
from huoban.accounts.models import Membership, Role, User
from huoban.accounts.selectors import memberships_of, scope_q
from huoban.audit.services import audit_record
from huoban.lib.ids import mask_mobile, validate_mobile
from huoban.people.models import (
    AVAILABILITY_SLOTS,
    Certificate,
    Dialect,
    Pledge,
    Skill,
    Volunteer,
    join_codes,
)
from huoban.people.pledges import CURRENT, PledgeText
from huoban.sites.models import Site

# Site managers and the admins above them keep their volunteers' profiles and issue
# certificates; a volunteer sees and edits only their own profile.
MANAGE_ROLES = roles.ROSTER_EDIT
SELF_ROLES = frozenset({Role.VOLUNTEER})
VIEW_ROLES = MANAGE_ROLES | SELF_ROLES

TEXT_LIMITS = {"skills_other": 100, "school": 100, "grade": 50, "guardian_name": 50, "bio": 500}
PROFILE_FIELDS = (
    "skills",
    "skills_other",
    "dialects",
    "availability",
    "is_student",
    "school",
    "grade",
    "guardian_name",
    "guardian_mobile",
    "bio",
)
STUDENT_ONLY = ("school", "grade", "guardian_name", "guardian_mobile")


# --- Selectors -----------------------------------------------------------------------------


def volunteers_for(user: Any, roles: Iterable[str]) -> QuerySet[User]:
    """People holding the volunteer role at a site inside the user's scopes of ``roles``.

    With the volunteer role among ``roles`` the user also sees themself (if they volunteer
    somewhere) but no other volunteer: a volunteer's scope over volunteers is their own
    profile. Their volunteer memberships are prefetched as ``volunteer_memberships``.
    """
    wanted = set(roles)
    site_roles = wanted - {Role.VOLUNTEER}
    in_scope = Membership.objects.filter(user=OuterRef("pk"), role=Role.VOLUNTEER).filter(
        scope_q(user, site_roles, site_field="site_id", region_path_field="site__region_path")
    )
    q = Q(Exists(in_scope))
    if Role.VOLUNTEER in wanted and any(m.role == Role.VOLUNTEER for m in memberships_of(user)):
        q |= Q(pk=user.pk)
    return (
        User.objects.filter(q)
        .select_related("volunteer_profile")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=Role.VOLUNTEER)
                .select_related("site")
                .order_by("site__name", "id"),
                to_attr="volunteer_memberships",
            )
        )
    )


def filter_volunteers(
    qs: QuerySet[User],
    *,
    text: str = "",
    site: Site | None = None,
    student: bool | None = None,
    dialect: str = "",
) -> QuerySet[User]:
    """The list's filters: part of the name, a site, students or not, a dialect spoken."""
    text = " ".join((text or "").split())
    if text:
        qs = qs.filter(name__contains=text)
    if site is not None:
        qs = qs.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.VOLUNTEER, site=site))
        )
    if student is not None:
        qs = (
            qs.filter(volunteer_profile__is_student=True)
            if student
            else qs.exclude(volunteer_profile__is_student=True)
        )
    if dialect:
        qs = qs.filter(volunteer_profile__dialects__contains=f",{dialect},")
    return qs


def with_current_pledges(qs: QuerySet[User]) -> QuerySet[User]:
    """Annotate ``onboarded``: every current pledge text accepted (one query for a list)."""
    current = Q(pk__in=[])
    for text in CURRENT.values():
        current |= Q(
            volunteer_profile__pledges__document=text.document,
            volunteer_profile__pledges__version=text.version,
        )
    return qs.annotate(
        current_pledges=Count("volunteer_profile__pledges", filter=current, distinct=True)
    ).annotate(
        onboarded=Case(
            When(current_pledges__gte=len(CURRENT), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def volunteer_sites(person: User) -> list[Site]:
    """The sites where ``person`` volunteers (prefetched by :func:`volunteers_for`)."""
    held = getattr(person, "volunteer_memberships", None)
    if held is None:
        held = Membership.objects.filter(user=person, role=Role.VOLUNTEER).select_related("site")
    return [m.site for m in held if m.site is not None]


def profile_of(person: User) -> Volunteer | None:
    try:
        return person.volunteer_profile  # type: ignore[attr-defined, no-any-return]
    except Volunteer.DoesNotExist:
        return None


def volunteer_is_active(volunteer: Volunteer) -> bool:
    """Serving now: the account is enabled and still holds the volunteer role somewhere."""
    return (
        volunteer.user.is_active
        and Membership.objects.filter(user=volunteer.user_id, role=Role.VOLUNTEER).exists()
    )


def pledges_missing(person: User) -> list[PledgeText]:
    """The current pledge texts ``person`` has not accepted yet (all of them without a
    profile)."""
    profile = profile_of(person)
    if profile is None:
        return list(CURRENT.values())
    accepted = set(Pledge.objects.filter(volunteer=profile).values_list("document", "version"))
    return [text for text in CURRENT.values() if (text.document, text.version) not in accepted]


def is_onboarded(person: User) -> bool:
    """Both current pledges accepted: what printing a badge requires."""
    return not pledges_missing(person)


def pledges_of(profile: Volunteer) -> QuerySet[Pledge]:
    """Every pledge the volunteer accepted (old versions too), with who recorded it."""
    return Pledge.objects.filter(volunteer=profile).select_related("accepted_by")


def volunteers_public() -> QuerySet[Volunteer]:
    """Every volunteer profile, with its user: a badge's QR code holds the profile's public
    id, and the public page that verifies it shows only what the badge shows."""
    return Volunteer.objects.select_related("user")


def certificates_public() -> QuerySet[Certificate]:
    """Every certificate, with its site: the QR code on the paper holds its public id, and
    the public page that verifies it shows only what the paper shows."""
    return Certificate.objects.select_related("site")


def certificates_for(user: Any, roles: Iterable[str]) -> QuerySet[Certificate]:
    """Certificates issued by sites inside the user's scopes; with the volunteer role, also
    the user's own."""
    wanted = set(roles)
    q = scope_q(
        user, wanted - {Role.VOLUNTEER}, site_field="site_id", region_path_field="site__region_path"
    )
    if Role.VOLUNTEER in wanted:
        q |= Q(volunteer__user=user)
    return Certificate.objects.filter(q).select_related("site", "volunteer", "volunteer__user")


# --- Services ------------------------------------------------------------------------------


ErrorDict = dict[str, list[ValidationError]]


def _check_codes(
    errors: ErrorDict, field: str, value: Iterable[str], allowed: Iterable[str]
) -> list[str]:
    codes = [str(c) for c in value]
    allowed = list(allowed)
    if any(c not in allowed for c in codes):
        errors[field].append(ValidationError(_("请从列表中选择。"), code="invalid_choice"))
    # Kept in the list's order, each once.
    return [c for c in allowed if c in codes]


def _clean_profile(fields: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    errors: ErrorDict = defaultdict(list)
    out: dict[str, Any] = {}
    for field, allowed in (
        ("skills", Skill.values),
        ("dialects", Dialect.values),
        ("availability", AVAILABILITY_SLOTS),
    ):
        if field in fields:
            out[field] = join_codes(_check_codes(errors, field, fields[field] or [], allowed))
    for field, limit in TEXT_LIMITS.items():
        if field not in fields:
            continue
        value = str(fields[field] or "").strip()
        if field != "bio":
            value = " ".join(value.split())
        if len(value) > limit:
            errors[field].append(
                ValidationError(
                    _("最多 %(limit)s 个字，现在有 %(length)s 个字。"),
                    code="max_length",
                    params={"limit": limit, "length": len(value)},
                )
            )
        out[field] = value
    if "is_student" in fields:
        out["is_student"] = bool(fields["is_student"])
    if "guardian_mobile" in fields:
        mobile = str(fields["guardian_mobile"] or "").strip()
        if mobile:
            try:
                mobile = validate_mobile(mobile)
            except ValidationError as exc:
                errors["guardian_mobile"].extend(exc.error_list)
        out["guardian_mobile"] = mobile
    merged = {**current, **out}
    if merged["is_student"]:
        if not merged["school"]:
            errors["school"].append(
                ValidationError(_("学生志愿者请填写学校名称。"), code="required")
            )
        if merged["guardian_mobile"] and not merged["guardian_name"]:
            errors["guardian_name"].append(
                ValidationError(_("填写了监护人手机号，请同时填写监护人姓名。"), code="required")
            )
    else:
        # Only students have a school, a class and a guardian on file (collect only what
        # the feature needs).
        for field in STUDENT_ONLY:
            out[field] = ""
    if errors:
        raise ValidationError(dict(errors))
    return out


def _shown(field: str, value: Any) -> Any:
    return mask_mobile(value) if field == "guardian_mobile" and value else value


def _editable_person(actor: Any, person: User) -> None:
    if not volunteers_for(actor, VIEW_ROLES).filter(pk=person.pk).exists():
        raise PermissionDenied(_("您不能修改这位志愿者的资料。"))


@transaction.atomic
def volunteer_update(*, actor: Any, person: User, **fields: Any) -> Volunteer:
    """Change ``person``'s volunteer profile (created on first use).

    Fields: ``skills``, ``dialects``, ``availability`` (lists of codes), ``skills_other``,
    ``is_student``, ``school``, ``grade``, ``guardian_name``, ``guardian_mobile``, ``bio``.
    The volunteer changes their own; the site manager (or an admin above the site) any of
    their site's volunteers. A student needs a school; a non-student keeps no school, class
    or guardian on file. Audited as ``{field: [old, new]}``, the guardian's mobile masked.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _editable_person(actor, person)
    profile, created = Volunteer.objects.select_for_update().get_or_create(user=person)
    current = {f: getattr(profile, f) for f in PROFILE_FIELDS}
    cleaned = _clean_profile(fields, current)
    changed = {f: v for f, v in cleaned.items() if v != current[f]}
    if not changed and not created:
        return profile
    for field, value in changed.items():
        setattr(profile, field, value)
    profile.save()
    audit_record(
        actor=actor,
        action="volunteer.create" if created else "volunteer.update",
        obj=profile,
        changes={f: [_shown(f, current[f]), _shown(f, v)] for f, v in changed.items()},
    )
    return profile


@transaction.atomic
def pledge_accept(*, actor: Any, person: User, document: str, version: str) -> Pledge:
    """Record that ``person`` accepted ``version`` of the pledge ``document``.

    The volunteer accepts for themself after reading the text; their site manager may record
    a signature given on paper (``accepted_by`` tells which). Only the current version can
    be accepted; accepting it again changes nothing.
    """
    text = CURRENT.get(document)  # type: ignore[call-overload]
    if text is None:
        raise ValidationError({"document": _("没有这份文件。")})
    if version != text.version:
        raise ValidationError(
            {document: _("《%(title)s》已更新，请阅读新版本后再确认。") % {"title": text.title}}
        )
    _editable_person(actor, person)
    profile, _created = Volunteer.objects.get_or_create(user=person)
    existing = Pledge.objects.filter(volunteer=profile, document=document, version=version).first()
    if existing is not None:
        return existing
    pledge = Pledge.objects.create(
        volunteer=profile,
        document=document,
        version=version,
        accepted_at=timezone.now(),
        accepted_by=actor,
    )
    audit_record(
        actor=actor,
        action="pledge.accept",
        obj=pledge,
        changes={
            "volunteer": person,
            "document": document,
            "version": version,
            "on_behalf": actor.pk != person.pk,
        },
    )
    return pledge
