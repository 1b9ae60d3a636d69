"""Every error the API returns is ``{"detail": "<中文说明>"}``; 422 adds ``errors``.

django-ninja's own handlers answer in English ("Unauthorized", pydantic messages); these
replace them so that an integrator sees the same plain Chinese the portal uses.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError


class ApiValidationError(Exception):
    """A request that is well-formed but cannot be carried out: 422 with the reasons."""

    def __init__(self, messages: list[str], detail: str | None = None) -> None:
        self.messages = [str(m) for m in messages]
        self.detail = detail
        super().__init__(self.messages)


def not_found(message: str) -> HttpError:
    return HttpError(404, message)


# Names shown for request fields in validation messages.
FIELD_LABELS = {
    "lat": gettext_lazy("纬度 lat"),
    "lng": gettext_lazy("经度 lng"),
    "limit": gettext_lazy("每页条数 limit"),
    "offset": gettext_lazy("起始位置 offset"),
    "open_now": gettext_lazy("正在开放 open_now"),
    "level": gettext_lazy("层级 level"),
    "status": gettext_lazy("状态 status"),
    "public_id": gettext_lazy("编号 public_id"),
    "weekday": gettext_lazy("星期 weekday"),
    "start": gettext_lazy("开始时间 start"),
    "end": gettext_lazy("结束时间 end"),
    "q": gettext_lazy("搜索文字 q"),
    "note": gettext_lazy("备注 note"),
    "code": gettext_lazy("代码 code"),
}


# Parts of an error's location that mean nothing to the caller: where the value was read
# from, and the names the endpoints give their query-schema and body parameters.
HIDDEN_LOC = frozenset({"query", "path", "body", "filters", "periods"})


def _field_words(loc: tuple[Any, ...]) -> str:
    """('body', 'periods', 2, 'start') → 第 3 项的开始时间 start."""
    parts = [p for p in loc if p not in HIDDEN_LOC]
    names = [str(p) for p in parts if isinstance(p, str)]
    indexes = [p for p in parts if isinstance(p, int)]
    name = str(FIELD_LABELS.get(names[-1], names[-1])) if names else ""
    if indexes:
        item = _("第 %(n)s 项") % {"n": indexes[-1] + 1}
        return f"{item}的{name}" if name else item
    return name or _("请求内容")


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" → a、b、c."""
    return "、".join(re.findall(r"'([^']*)'", expected)) or expected


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(text: str) -> str:
    """``text`` fit to quote back: control characters and lone surrogates (which cannot even
    be encoded in the response) become �."""
    return "".join("\ufffd" if c < " " or "\ud800" <= c <= "\udfff" else c for c in text)


def _received(value: Any) -> str:
    """'，收到的是“95”' for a short plain value; nothing for a missing or structured one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = str(value)
    if len(text) > 40:
        text = text[:40] + "…"
    return _("，收到的是“%(value)s”") % {"value": _shown(text)}


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    field = {"field": _field_words(tuple(error.get("loc", ())))}
    got = _received(error.get("input"))
    if kind in ("huoban_nul", "huoban_surrogate"):  # a rule of Text: says which field
        return _("“%(field)s”%(rule)s。") % {**field, "rule": error.get("msg", "")}
    if kind.startswith("huoban_"):
        return str(error.get("msg", ""))
    if kind == "missing":
        return _("缺少“%(field)s”。") % field
    if kind in ("greater_than_equal", "greater_than"):
        limit = _number(ctx.get("ge", ctx.get("gt")))
        return _("“%(field)s”不能小于 %(limit)s") % {**field, "limit": limit} + got + "。"
    if kind in ("less_than_equal", "less_than"):
        limit = _number(ctx.get("le", ctx.get("lt")))
        return _("“%(field)s”不能大于 %(limit)s") % {**field, "limit": limit} + got + "。"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return _("“%(field)s”应是数字") % field + got + "。"
    if kind in ("bool_parsing", "bool_type"):
        return _("“%(field)s”应是 true 或 false") % field + got + "。"
    if kind in ("enum", "literal_error"):
        words = {**field, "choices": _choices(str(ctx.get("expected", "")))}
        return _("“%(field)s”应是以下之一：%(choices)s") % words + got + "。"
    if kind in ("uuid_parsing", "uuid_type"):
        return _("“%(field)s”应是 UUID 格式的编号") % field + got + "。"
    if kind == "json_invalid":
        return _("请求内容不是有效的 JSON。")
    if kind == "list_type":
        return _("“%(field)s”应是一个列表。") % field
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("“%(field)s”应是一个对象。") % field
    if kind in ("string_type", "string_too_long", "string_too_short"):
        return _("“%(field)s”的文字不符合要求") % field + got + "。"
    if kind == "too_long":
        return _("“%(field)s”最多 %(max)s 项。") % {**field, "max": ctx.get("max_length")}
    return _("“%(field)s”的值不正确") % field + got + "。"


def validation_messages(errors: list[dict[str, Any]]) -> list[str]:
    return [_message(e) for e in errors]


class HuobanNinjaAPI(NinjaAPI):
    """Keeps what the caller sent in each validation error, so a message can quote it.

    django-ninja drops pydantic's ``input``; the errors come out in the same order as
    pydantic reports them, so the inputs are put back by position.
    """

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> NinjaValidationError:
        inputs = [
            e.get("input")
            for context in error_contexts
            for e in context.pydantic_validation_error.errors(include_url=False)
        ]
        error = super().validation_error_from_error_contexts(error_contexts)
        for item, sent in zip(error.errors, inputs, strict=False):
            item["input"] = sent
        return error


def install(api: NinjaAPI) -> None:
    """Register the Chinese error handlers on ``api``."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def summary(messages: list[str]) -> str:
        if len(messages) == 1:
            return messages[0]
        return _("请求有 %(n)s 处问题：%(list)s") % {"n": len(messages), "list": "".join(messages)}

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            {
                "detail": _(
                    "需要有效的 API 令牌：请在请求头中加上 Authorization: Bearer <令牌>。"
                    "令牌已撤销或账号已停用时也会看到这条提示。"
                )
            },
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = exc.message
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("请求内容不是有效的 JSON。")  # django-ninja's own, in English
        return respond(request, exc.status_code, {"detail": message})

    @api.exception_handler(Http404)
    def http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, {"detail": _("没有找到您要的内容。")})

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        messages = validation_messages(exc.errors)
        return respond(request, 422, {"detail": summary(messages), "errors": messages})

    @api.exception_handler(ApiValidationError)
    def invalid_content(request: HttpRequest, exc: ApiValidationError) -> HttpResponse:
        detail = exc.detail or summary(exc.messages)
        return respond(request, 422, {"detail": detail, "errors": exc.messages})
