"""Volunteers: the site's list, a profile with service hours, the volunteer's own page,
onboarding (the two pledges), the badge, and students' service-hour certificates."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huoban.accounts.models import User
from huoban.accounts.permissions import require_roles
from huoban.lib.urls import absolute
from huoban.lib.when import weekday_name
from huoban.people import volunteers as vol
from huoban.people.documents import badge_pdf, certificate_pdf
from huoban.people.pledges import CURRENT
from huoban.records.hours import certificate_issue as issue
from huoban.records.hours import hours_this_month_and_year
from huoban.sites.models import Site
from huoban.sites.selectors import sites_for
from huoban.workspace.views.common import apply_errors, paginate, render_page
from huoban.workspace.volunteer_forms import (
    CertificateForm,
    PledgeForm,
    VolunteerFilterForm,
    VolunteerForm,
)

SELF = vol.SELF_ROLES


def _person(request: HttpRequest, public_id: uuid.UUID, wanted=vol.VIEW_ROLES) -> User:
    return get_object_or_404(vol.volunteers_for(request.user, wanted), public_id=public_id)


def _can_manage(request: HttpRequest, person: User) -> bool:
    return vol.volunteers_for(request.user, vol.MANAGE_ROLES).filter(pk=person.pk).exists()


@require_roles(vol.MANAGE_ROLES)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    sites = sites_for(request.user, vol.MANAGE_ROLES).order_by("name", "id")
    form = VolunteerFilterForm(request.GET or None, sites=sites)
    data = form.cleaned_data if form.is_valid() else {}
    student = {"yes": True, "no": False}.get(data.get("student") or "")
    qs = vol.filter_volunteers(
        vol.volunteers_for(request.user, vol.MANAGE_ROLES),
        text=data.get("q") or "",
        site=data.get("site"),
        student=student,
        dialect=data.get("dialect") or "",
    )
    qs = vol.with_current_pledges(qs).order_by("name", "id")
    return render_page(
        request,
        "workspace/volunteer_list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "filtered": bool(data and any(data.values())),
        },
    )


def _availability_rows(codes: list[str]) -> list[dict]:
    chosen = set(codes)
    return [
        {"day": weekday_name(d), "am": f"{d}_am" in chosen, "pm": f"{d}_pm" in chosen}
        for d in range(7)
    ]


def _profile_page(request: HttpRequest, person: User, *, is_self: bool) -> HttpResponse:
    profile = vol.profile_of(person)
    accepted = {}
    if profile is not None:
        for pledge in vol.pledges_of(profile):
            accepted.setdefault((pledge.document, pledge.version), pledge)
    pledges = [
        {"text": text, "pledge": accepted.get((text.document, text.version))}
        for text in CURRENT.values()
    ]
    certificates = (
        vol.certificates_for(request.user, vol.VIEW_ROLES)
        .filter(volunteer__user=person)
        .order_by("-issued_on", "-id")
    )
    return render_page(
        request,
        "workspace/volunteer_detail.html",
        {
            "person": person,
            "profile": profile,
            "sites": vol.volunteer_sites(person),
            "hours": hours_this_month_and_year(person),
            "pledges": pledges,
            "onboarded": all(p["pledge"] for p in pledges),
            "availability_rows": _availability_rows(profile.availability_codes if profile else []),
            "certificates": certificates,
            "is_self": is_self,
            "can_manage": _can_manage(request, person),
            "today": timezone.localdate(),
        },
    )


@require_roles(SELF)
def volunteer_me(request: HttpRequest) -> HttpResponse:
    """我的志愿服务: the volunteer's own profile, hours, pledges and badge."""
    person = get_object_or_404(vol.volunteers_for(request.user, SELF), pk=request.user.pk)
    return _profile_page(request, person, is_self=True)


@require_roles(vol.VIEW_ROLES)
def volunteer_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = _person(request, public_id)
    return _profile_page(request, person, is_self=person.pk == request.user.pk)


def _back(request: HttpRequest, person: User):
    if person.pk == request.user.pk:
        return redirect("workspace:volunteer_me")
    return redirect("workspace:volunteer_detail", public_id=person.public_id)


@require_roles(vol.VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = _person(request, public_id)
    profile = vol.profile_of(person)
    initial = {}
    if profile is not None:
        initial = {
            "skills": profile.skill_codes,
            "skills_other": profile.skills_other,
            "dialects": profile.dialect_codes,
            "availability": profile.availability_codes,
            "is_student": profile.is_student,
            "school": profile.school,
            "grade": profile.grade,
            "guardian_name": profile.guardian_name,
            "bio": profile.bio,
        }
    form = VolunteerForm(request.POST or None, initial=initial)
    if profile is not None and profile.guardian_mobile:
        form.fields["guardian_mobile"].help_text = _("现为 %(value)s。留空则不修改。") % {
            "value": profile.masked_guardian_mobile
        }
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if not fields.get("guardian_mobile"):
            fields.pop("guardian_mobile")  # empty: keep what is on file
        try:
            vol.volunteer_update(actor=request.user, person=person, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存%(name)s的志愿者资料。") % {"name": person.name})
            return _back(request, person)
    slots = list(form["availability"])
    grid = [{"day": weekday_name(d), "am": slots[2 * d], "pm": slots[2 * d + 1]} for d in range(7)]
    return render_page(
        request,
        "workspace/volunteer_edit.html",
        {"form": form, "person": person, "grid": grid, "is_self": person.pk == request.user.pk},
        forms_with_errors=[form],
    )


@require_roles(vol.VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def volunteer_pledges(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Onboarding: the volunteer reads both texts and ticks them (or the site manager records
    a signature given on paper)."""
    person = _person(request, public_id)
    missing = vol.pledges_missing(person)
    on_behalf = person.pk != request.user.pk
    form = PledgeForm(request.POST or None, missing=missing, on_behalf=on_behalf)
    if request.method == "POST" and missing and form.is_valid():
        try:
            for text in form.accepted():
                vol.pledge_accept(
                    actor=request.user, person=person, document=text.document, version=text.version
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已记录承诺，现在可以打印志愿者铭牌。"))
            return _back(request, person)
    return render_page(
        request,
        "workspace/volunteer_pledges.html",
        {
            "form": form,
            "person": person,
            "texts": list(CURRENT.values()),
            "missing": missing,
            "on_behalf": on_behalf,
        },
        forms_with_errors=[form],
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_roles(vol.VIEW_ROLES)
def volunteer_badge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The badge PDF; only after both pledges are accepted."""
    person = _person(request, public_id)
    profile = vol.profile_of(person)
    if profile is None or not vol.is_onboarded(person):
        messages.error(request, _("打印铭牌前，需要先确认《服务手册》和《隐私与资金安全承诺》。"))
        return redirect("workspace:volunteer_pledges", public_id=person.public_id)
    verify_url = absolute(
        reverse("portal:volunteer_verify", kwargs={"public_id": profile.public_id})
    )
    return _pdf(badge_pdf(profile, verify_url=verify_url), f"badge-{profile.public_id}.pdf")


@require_roles(vol.MANAGE_ROLES)
@require_http_methods(["GET", "POST"])
def certificate_issue(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = _person(request, public_id, vol.MANAGE_ROLES)
    own = [s.pk for s in vol.volunteer_sites(person)]
    sites = sites_for(request.user, vol.MANAGE_ROLES).filter(pk__in=own).order_by("name", "id")
    form = CertificateForm(request.POST or None, sites=sites)
    profile = vol.profile_of(person)
    if request.method == "POST" and form.is_valid():
        site: Site = form.cleaned_data["site"]
        try:
            certificate = issue(
                actor=request.user,
                person=person,
                site=site,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("site", str(exc))
        else:
            messages.success(
                request,
                _("已出具服务时长证明（%(hours)s 小时），可以下载打印。")
                % {"hours": certificate.hours},
            )
            return redirect("workspace:volunteer_detail", public_id=person.public_id)
    return render_page(
        request,
        "workspace/volunteer_certificate.html",
        {"form": form, "person": person, "profile": profile},
        forms_with_errors=[form],
    )


@require_roles(vol.VIEW_ROLES)
def certificate_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    certificate = get_object_or_404(
        vol.certificates_for(request.user, vol.VIEW_ROLES).select_related("site__region"),
        public_id=public_id,
    )
    verify_url = absolute(
        reverse("portal:certificate_verify", kwargs={"public_id": certificate.public_id})
    )
    pdf = certificate_pdf(certificate, verify_url=verify_url)
    return _pdf(pdf, f"certificate-{certificate.number}.pdf")
