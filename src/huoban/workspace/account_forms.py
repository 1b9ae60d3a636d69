"""The staff sign-in form (mobile and password) and choosing a password from an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huoban.lib.forms import DescribedErrorsMixin
from huoban.lib.ids import normalize_mobile


class SignInForm(DescribedErrorsMixin, forms.Form):
    username = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean_username(self) -> str:
        try:
            return normalize_mobile(self.cleaned_data["username"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = authenticate(self.request, username=data["username"], password=data["password"])
        if self.user is None:
            raise ValidationError(_("手机号码或密码不对，请再试一次。"), code="invalid_login")
        return data


class SetPasswordForm(DescribedErrorsMixin, forms.Form):
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        help_text=_("至少 8 位，不要只用数字。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再输入一次密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一样。"))
        return data
