"""The register of operating organisations (programme office)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huoban.audit.models import AuditEvent
from huoban.lib.ids import USCC_CHARSET, uscc_check_char
from huoban.sites.models import Organisation
from tests.conftest import make_uscc
from tests.workspace.pages import (
    field_error,
    html,
    status_messages,
    summary_links,
    table_column,
    text,
    title,
    value_of,
)

GOOD = make_uscc("91310107MA1G00777")


def wrong_check_char(body: str) -> str:
    right = uscc_check_char(body)
    return body + next(c for c in USCC_CHARSET if c != right)


def test_it_registers_an_organisation(client_for, world):
    response = client_for("city_admin").post(
        reverse("workspace:organisation_create"),
        {
            "name": "曹杨社区服务社",
            "uscc": f"  {GOOD} ",
            "contact_name": "王老师",
            "contact_phone": "021-62001234",
            "address": "枫桥路 8 号",
        },
        follow=True,
    )
    assert "运营单位“曹杨社区服务社”已登记。" in status_messages(response)
    org = Organisation.objects.get(uscc=GOOD)
    assert org.name == "曹杨社区服务社"
    assert (
        AuditEvent.objects.get(action="organisation.create").actor == world.personas["city_admin"]
    )
    # A new organisation runs no site yet and is still in the list.
    assert "曹杨社区服务社" in table_column(response)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            wrong_check_char("91310107MA1G00777"),
            "统一社会信用代码的校验位（第18位）与前17位不符，可能有字符输错，请对照营业执照或登记证书逐位核对。",
        ),
        (
            GOOD.lower(),
            "统一社会信用代码中的字母必须大写：第9位的“m”应写作“M”，请改为大写后重新输入。",
        ),
        (
            "91310107MA1G0O777X",
            "统一社会信用代码不使用字母 I、O、Z、S、V，"
            "第14位的“O”可能应为数字 0，请对照营业执照核对。",
        ),
        (
            "9131010",
            "统一社会信用代码应为18位，您输入了7位，请对照营业执照或登记证书核对是否多输或漏输。",
        ),
        ("", "请输入统一社会信用代码。"),
    ],
    ids=["check_char", "lower_case", "forbidden_letter", "length", "empty"],
)
def test_it_explains_what_is_wrong_with_a_credit_code(client_for, world, typed, message):
    response = client_for("city_admin").post(
        reverse("workspace:organisation_create"), {"name": "曹杨社区服务社", "uscc": typed}
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    assert summary_links(response) == [("#id_uscc", message)]
    assert field_error(response, "id_uscc") == f"错误：{message}"
    assert value_of(response, "id_uscc") == (typed or None)
    assert value_of(response, "id_name") == "曹杨社区服务社"
    assert not Organisation.objects.filter(name="曹杨社区服务社").exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_credit_code_already_registered(client_for, world):
    response = client_for("city_admin").post(
        reverse("workspace:organisation_create"), {"name": "另一家单位", "uscc": world.org.uscc}
    )
    assert field_error(response, "id_uscc") == (
        f"错误：统一社会信用代码 {world.org.uscc} 已登记为“普陀区为老服务中心”。"
    )
    assert Organisation.objects.count() == 2


def test_it_edits_an_organisation(client_for, world):
    url = reverse("workspace:organisation_edit", args=[world.org.public_id])
    client = client_for("city_admin")
    form = client.get(url)
    assert value_of(form, "id_uscc") == world.org.uscc
    assert "曹杨新村为老服务中心" in text(html(form))  # the sites it runs
    response = client.post(
        url, {"name": "普陀区为老服务中心（新）", "uscc": world.org.uscc, "contact_name": "李主任"}
    )
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert (world.org.name, world.org.contact_name) == ("普陀区为老服务中心（新）", "李主任")
    assert AuditEvent.objects.filter(action="organisation.update").exists()


def test_it_keeps_the_saved_organisation_when_an_edit_is_refused(client_for, world):
    url = reverse("workspace:organisation_edit", args=[world.org.public_id])
    response = client_for("city_admin").post(url, {"name": "改了名", "uscc": GOOD.lower()})
    assert title(response).startswith("错误：编辑运营单位：普陀区为老服务中心")
    assert value_of(response, "id_name") == "改了名"
    world.org.refresh_from_db()
    assert world.org.name == "普陀区为老服务中心"


def test_it_searches_and_pages_the_register(client_for, world, django_assert_max_num_queries):
    for i in range(30):
        Organisation.objects.create(
            name=f"测试单位{i:02d}", uscc=make_uscc(f"9131010700000{i:04d}")
        )
    client = client_for("city_admin")
    url = reverse("workspace:organisation_list")
    with django_assert_max_num_queries(5):
        first = client.get(url)
    assert len(table_column(first)) == 25
    assert "共 32 个运营单位" in text(html(first))
    assert len(table_column(client.get(url, {"page": 2}))) == 7
    assert table_column(client.get(url, {"q": "为老"})) == ["普陀区为老服务中心"]
    assert table_column(client.get(url, {"q": world.vendor_org.uscc[:10]}))[0] == "银发科技有限公司"
    # The number of sites each runs, without a query per row.
    assert table_column(client.get(url, {"q": "为老"}), 3) == ["3"]
    empty = client.get(url, {"q": "没有这家"})
    assert "没有找到符合条件的运营单位" in text(html(empty))
