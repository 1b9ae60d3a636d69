"""API v1: one NinjaAPI with a public router and a token-guarded workspace router."""

from typing import Any

from ninja.renderers import JSONRenderer

from huoban.api import classes, errors, links, public, records, roster, targets, workspace
from huoban.api.openapi import Document


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese text as it is, not as \\uXXXX escapes."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


class HuobanAPI(errors.HuobanNinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Document:
        """The checked document with the links between operations (``openapi.py``)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return Document(self, path_prefix, links=links.LINKS)


api = HuobanAPI(
    title="Huoban API",
    version="1",
    description=(
        "数字伙伴（Huoban）REST API 第 1 版。公开接口无需令牌；工作台接口需要在请求头中加上 "
        "`Authorization: Bearer <令牌>`，按令牌所属账号的角色和管理范围返回数据："
        "没有相应角色为 403，对象不在管理范围内为 404。"
        '所有错误都返回 `{"detail": "中文说明"}`，'
        "422 另附逐条的 `errors`。"
    ),
    urls_namespace="api",
    renderer=UnicodeJSONRenderer(),
)
errors.install(api)
api.add_router("/", public.router)
api.add_router("/", classes.public)
api.add_router("/workspace", workspace.router)
api.add_router("/workspace", records.router)
api.add_router("/workspace", targets.router)
api.add_router("/workspace", roster.router)
api.add_router("/workspace", classes.desk)
