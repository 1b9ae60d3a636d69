"""Loading the division tree from CSV: the bundled Shanghai file, bad files refused whole
with line numbers, and re-imports that change names without duplicating anything."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huoban.accounts.models import User
from huoban.audit.models import AuditEvent
from huoban.regions.models import Region
from huoban.regions.services import RegionImportError, regions_import

pytestmark = pytest.mark.django_db

HEADER = "code,name,parent_code,level\n"
SMALL = (
    HEADER
    + "310000000,上海市,,city\n"
    + "310107000,普陀区,310000000,district\n"
    + "310107005,曹杨新村街道,310107000,street\n"
    + "310107014,长风新村街道,310107000,street\n"
)
PUTUO_STREETS = {
    "310107005": "曹杨新村街道",
    "310107014": "长风新村街道",
    "310107015": "长寿路街道",
    "310107016": "甘泉路街道",
    "310107017": "石泉路街道",
    "310107020": "宜川路街道",
    "310107021": "万里街道",
    "310107022": "真如镇街道",
    "310107102": "长征镇",
    "310107103": "桃浦镇",
}


@pytest.fixture
def city_officer() -> User:
    return User.objects.create_user("13900000999", "correct-horse-battery", name="市项目办")


def run(*args: str, **options) -> str:
    out = StringIO()
    call_command("import_regions", *args, stdout=out, **options)
    return out.getvalue()


def import_errors(text: str) -> list[tuple[int, str]]:
    with pytest.raises(RegionImportError) as exc:
        regions_import(text=text, actor=None)
    return exc.value.errors


# --- the bundled file --------------------------------------------------------------------


def test_it_imports_the_bundled_shanghai_divisions():
    output = run(bundled="shanghai")
    assert Region.objects.filter(level="city").count() == 1
    assert Region.objects.filter(level="district").count() == 16
    streets = Region.objects.filter(level="street")
    assert streets.count() == 234
    assert "导入完成：新增 251 个，更新 0 个。" in output
    city = Region.objects.get(level="city")
    assert (city.code, city.name, city.path, city.parent) == (
        "310000000",
        "上海市",
        "310000000/",
        None,
    )


def test_the_bundled_file_has_putuos_ten_streets_under_putuo():
    run(bundled="shanghai")
    putuo = Region.objects.get(code="310107000")
    assert putuo.name == "普陀区"
    assert putuo.path == "310000000/310107000/"
    streets = Region.objects.filter(parent=putuo)
    assert {r.code: r.name for r in streets} == PUTUO_STREETS
    caoyang = Region.objects.get(code="310107005")
    assert caoyang.path == "310000000/310107000/310107005/"
    assert caoyang.level == "street"
    assert all(s.path == f"{putuo.path}{s.code}/" for s in streets)


def test_every_bundled_district_hangs_under_the_city():
    run(bundled="shanghai")
    city = Region.objects.get(code="310000000")
    assert set(Region.objects.filter(level="district").values_list("parent", flat=True)) == {
        city.pk
    }
    assert not Region.objects.filter(level="street", parent__level="city").exists()


def test_importing_the_bundled_file_twice_changes_nothing():
    run(bundled="shanghai")
    ids = dict(Region.objects.values_list("code", "pk"))
    output = run(bundled="shanghai")
    assert "新增 0 个，更新 0 个" in output
    assert dict(Region.objects.values_list("code", "pk")) == ids
    assert AuditEvent.objects.filter(action="regions.import").count() == 1


def test_it_imports_over_the_regions_sites_already_use(world):
    run(bundled="shanghai")
    assert Region.objects.count() == 251
    world.site_a.refresh_from_db()
    assert world.site_a.region == world.caoyang
    assert Region.objects.get(code="310107005").pk == world.caoyang.pk


# --- the service -------------------------------------------------------------------------


def test_it_imports_a_small_file_and_audits_who_did_it(city_officer):
    result = regions_import(text=SMALL, actor=city_officer)
    assert (result.created, result.updated, result.ok) == (4, 0, True)
    assert Region.objects.get(code="310107014").path == "310000000/310107000/310107014/"
    event = AuditEvent.objects.get(action="regions.import")
    assert event.actor == city_officer
    assert event.changes == {"created": 4, "updated": 0}


def test_reimporting_updates_names_and_creates_nothing_twice():
    regions_import(text=SMALL, actor=None)
    ids = dict(Region.objects.values_list("code", "pk"))
    renamed = SMALL.replace("长风新村街道", "长风街道").replace("普陀区", "普陀新区")
    result = regions_import(text=renamed, actor=None)
    assert (result.created, result.updated) == (0, 2)
    assert dict(Region.objects.values_list("code", "pk")) == ids
    assert Region.objects.get(code="310107014").name == "长风街道"
    assert Region.objects.get(code="310107000").name == "普陀新区"


def test_reimporting_adds_new_streets_under_existing_districts():
    regions_import(text=SMALL, actor=None)
    more = HEADER + "310107015,长寿路街道,310107000,street\n"
    result = regions_import(text=more, actor=None)
    assert (result.created, result.updated) == (1, 0)
    assert Region.objects.get(code="310107015").path == "310000000/310107000/310107015/"
    assert Region.objects.count() == 5


def test_it_accepts_a_byte_order_mark_and_blank_lines():
    result = regions_import(text="\ufeff" + SMALL + "\n,,,\n", actor=None)
    assert result.created == 4


BAD = (
    HEADER
    + "310000000,上海市,,city\n"  # 2: fine
    + "31010700X,普陀区,310000000,district\n"  # 3: bad code
    + "310107005,曹杨新村街道,310199000,street\n"  # 4: unknown parent
    + "310106000,静安区,310000000,province\n"  # 5: bad level
    + "310106000,静安区,310000000,district\n"  # 6: duplicate code
    + "310104000,徐汇区,310000000,district\n"  # 7: fine
)


def test_it_refuses_a_file_with_bad_lines_naming_each_line():
    errors = import_errors(BAD)
    assert [line for line, _m in errors] == [3, 4, 5, 6]
    messages = dict(errors)
    assert messages[3] == "区划代码“31010700X”应为 9 位或 12 位数字。"
    assert messages[4] == "上级区划代码 310199000 不存在（文件和系统中都没有）。"
    assert "层级“province”无效" in messages[5]
    assert messages[6] == "区划代码 310106000 在文件中重复。"


def test_a_file_with_bad_lines_imports_none_of_its_good_lines():
    regions_import(text=SMALL, actor=None)
    before = Region.objects.count()
    import_errors(BAD)
    assert Region.objects.count() == before
    assert not Region.objects.filter(code="310104000").exists()
    assert AuditEvent.objects.filter(action="regions.import").count() == 1


@pytest.mark.parametrize(
    ("body", "line", "text"),
    [
        ("310107005,曹杨新村街道,310000000,street\n", 3, "层级 street 不能挂在层级为 city 的上级"),
        ("310107000,普陀区,,district\n", 3, "缺少上级区划代码。"),
        ("310100000,市区,310000000,city\n", 3, "市级区划不应有上级代码。"),
        ("310107000,,310000000,district\n", 3, "名称不能为空。"),
        ("310107000,普陀区,310000000\n", 3, "应有 4 列，实际有 3 列。"),
    ],
)
def test_it_explains_each_kind_of_bad_line(body, line, text):
    errors = import_errors(HEADER + "310000000,上海市,,city\n" + body)
    assert any(n == line and text in m for n, m in errors), errors
    assert not Region.objects.exists()


def test_it_refuses_a_file_with_the_wrong_header():
    errors = import_errors("编码,名称,上级代码,层级\n310000000,上海市,,city\n")
    assert errors == [(1, "表头应为 code,name,parent_code,level，实际是 编码,名称,上级代码,层级。")]
    assert not Region.objects.exists()


def test_it_refuses_an_empty_file():
    assert import_errors("") == [(1, "文件是空的。")]


def test_it_refuses_to_move_a_region_to_another_parent():
    regions_import(text=SMALL, actor=None)
    moved = (
        HEADER
        + "310106000,静安区,310000000,district\n"
        + ("310107005,曹杨新村街道,310106000,street\n")
    )
    errors = import_errors(moved)
    assert "不能移动" in errors[0][1]
    assert not Region.objects.filter(code="310106000").exists()
    assert Region.objects.get(code="310107005").path == "310000000/310107000/310107005/"


# --- the management command --------------------------------------------------------------


def test_the_command_imports_a_file_and_reports_the_counts(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(SMALL, encoding="utf-8-sig")
    assert "导入完成：新增 4 个，更新 0 个。" in run(str(path))
    assert Region.objects.count() == 4
    event = AuditEvent.objects.get(action="regions.import")
    assert event.actor is None


def test_the_command_refuses_a_bad_file_with_line_numbers_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run(str(path))
    text = str(exc.value)
    assert "没有导入任何区划，文件中有 4 处错误" in text
    for line in (3, 4, 5, 6):
        assert f"第 {line} 行" in text
    assert "第 2 行" not in text
    assert "第 7 行" not in text
    assert not Region.objects.exists()


def test_the_command_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(SMALL.encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        run(str(path))
    assert not Region.objects.exists()


def test_the_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run(str(tmp_path / "none.csv"))


def test_the_command_asks_for_a_file():
    with pytest.raises(CommandError, match="请给出 CSV 文件路径"):
        run()
