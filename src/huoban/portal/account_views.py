"""The elder portal's account pages: sign in with an SMS code, register, "my things",
and binding family members (亲友代办) with the elder's consent.

No passwords and no puzzles (ACCESSIBILITY rule 9): a phone number and a six-digit code,
pasted or typed, with a button to get a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from huoban.accounts.models import CodePurpose, LinkRelation
from huoban.accounts.selectors import elder_links_for, elder_links_held_by
from huoban.classes.timetable import signups_of_elders
from huoban.lib.forms import apply_errors
from huoban.lib.ids import mask_mobile, normalize_mobile
from huoban.portal.account_forms import CodeForm, FamilyCodeForm, MobileForm, RegisterForm
from huoban.signin.services import (
    elder_account_for_mobile,
    elder_link_revoke,
    elder_self_register,
    family_link_add_by_code,
    family_user_register,
    sign_in_code_check,
    sign_in_code_send,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"
# A verified number may finish registering for this long.
VERIFIED_FOR_SECONDS = 30 * 60


def next_url(request: HttpRequest, default: str = "/me/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def elder_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in people only; others go to the portal's SMS sign-in and come back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:sign_in"))
        return view(request, *args, **kwargs)

    return wrapped


def _too_many_codes_from_here(request: HttpRequest) -> bool:
    """Counts one more code asked for from this address; whether that is over the limit
    (all numbers together: one address cannot text a whole district)."""
    rate = f"{settings.HUOBAN_CODES_PER_ADDRESS_HOUR}/h"
    return is_ratelimited(request, group="sms-codes", key="ip", rate=rate, increment=True)


TOO_MANY_FROM_HERE = gettext_lazy("这个网络一小时内获取验证码太多次了，请稍后再试或打电话求助。")


def _address_limit(request: HttpRequest) -> Callable[[], None]:
    """The per-address limit, as ``sign_in_code_send``'s ``throttle``."""

    def throttle() -> None:
        if _too_many_codes_from_here(request):
            raise ValidationError({"mobile": TOO_MANY_FROM_HERE})

    return throttle


def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number (a staff account's number is sent to the password sign-in)."""
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            sign_in_code_send(mobile=mobile, throttle=_address_limit(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session["sign_in_mobile"] = normalize_mobile(mobile)
            return redirect(f"{reverse('portal:sign_in_code')}?{_next_query(request)}")
    return render(request, "portal/sign_in.html", {"form": form, "next": next_url(request)})


def _next_query(request: HttpRequest) -> str:
    return urlencode({"next": next_url(request)})


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the SMS (or a new one)."""
    mobile = request.session.get("sign_in_mobile")
    if not mobile:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    resent = False
    if request.method == "POST" and "resend" in request.POST:
        form = CodeForm()
        try:
            sign_in_code_send(mobile=mobile, throttle=_address_limit(request))
            resent = True
        except ValidationError as exc:
            form = CodeForm(request.POST)
            form.is_valid()
            form.errors.pop("code", None)
            form.add_error(None, exc.messages)
    elif request.method == "POST" and form.is_valid():
        try:
            mobile = sign_in_code_check(mobile=mobile, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            try:
                user = elder_account_for_mobile(mobile=mobile)
            except ValidationError as exc:  # a staff or closed account: never by a code
                apply_errors(form, exc)
                return _code_page(request, form, mobile, resent)
            request.session.pop("sign_in_mobile", None)
            if user is None:
                request.session["verified_mobile"] = mobile
                request.session["verified_at"] = timezone.now().timestamp()
                return redirect(f"{reverse('portal:register')}?{_next_query(request)}")
            login(request, user, backend=BACKEND)
            return redirect(next_url(request))
    return _code_page(request, form, mobile, resent)


def _code_page(request: HttpRequest, form: CodeForm, mobile: str, resent: bool) -> HttpResponse:
    context = {
        "form": form,
        "masked": mask_mobile(mobile),
        "resent": resent,
        "next": next_url(request),
    }
    return render(request, "portal/sign_in_code.html", context)


def register(request: HttpRequest) -> HttpResponse:
    """Step 3 for a number we do not know yet: who you are."""
    mobile = request.session.get("verified_mobile")
    at = request.session.get("verified_at", 0)
    if not mobile or timezone.now().timestamp() - at > VERIFIED_FOR_SECONDS:
        return redirect("portal:sign_in")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["who"] == "elder":
                user = elder_self_register(
                    mobile=mobile,
                    name=data["name"],
                    street=data.get("street"),
                    consent=data.get("consent", False),
                )
            else:
                user = family_user_register(mobile=mobile, name=data["name"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session.pop("verified_mobile", None)
            login(request, user, backend=BACKEND)
            default = "/me/" if data["who"] == "elder" else reverse("portal:family_add")
            return redirect(next_url(request, default))
    return render(
        request,
        "portal/register.html",
        {"form": form, "masked": mask_mobile(mobile), "next": next_url(request)},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@elder_login_required
def me(request: HttpRequest) -> HttpResponse:
    """My things: my classes (and my family's), my family members."""
    links = elder_links_held_by(request.user)
    upcoming, past = signups_of_elders([link.elder for link in links], timezone.now())
    family = [link for link in links if link.relation == LinkRelation.FAMILY]
    own = next((link for link in links if link.relation == LinkRelation.SELF), None)
    return render(
        request,
        "portal/me.html",
        {"own": own, "family": family, "upcoming": upcoming, "past": past, "links": links},
    )


@elder_login_required
def family_add(request: HttpRequest) -> HttpResponse:
    """Binding a family member, step 1: their phone number (a consent code goes to it)."""
    form = MobileForm(request.POST or None)
    form.fields["mobile"].label = _("家人的手机号码")
    form.fields["mobile"].help_text = _(
        "我们会发一条短信验证码到家人的手机。家人同意后，把验证码告诉您。"
    )
    if request.method == "POST" and form.is_valid():
        try:
            sign_in_code_send(
                mobile=form.cleaned_data["mobile"],
                purpose=CodePurpose.CONSENT,
                requested_by=request.user,
                throttle=_address_limit(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session["family_mobile"] = normalize_mobile(form.cleaned_data["mobile"])
            return redirect("portal:family_code")
    return render(request, "portal/family_add.html", {"form": form})


@elder_login_required
def family_code(request: HttpRequest) -> HttpResponse:
    """Binding a family member, step 2: the code the family member passed on."""
    mobile = request.session.get("family_mobile")
    if not mobile:
        return redirect("portal:family_add")
    form = FamilyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = family_link_add_by_code(
                actor=request.user,
                mobile=mobile,
                code=data["code"],
                name=data.get("name", ""),
                street=data.get("street"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session.pop("family_mobile", None)
            request.session["family_added"] = link.elder.name
            return redirect("portal:me")
    return render(request, "portal/family_code.html", {"form": form, "masked": mask_mobile(mobile)})


@elder_login_required
@require_POST
def family_remove(request: HttpRequest, public_id) -> HttpResponse:
    link = get_object_or_404(elder_links_for(request.user), public_id=public_id)
    try:
        elder_link_revoke(actor=request.user, link=link)
    except PermissionDenied:
        raise Http404 from None
    return redirect("portal:me")
