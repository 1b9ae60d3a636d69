"""Weekly desk hours and dated exceptions in the workspace."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from huoban.audit.models import AuditEvent
from huoban.sites.models import DeskException, DeskPeriod
from tests.workspace.pages import field_error, html, status_messages, summary_links, text, title


def hours_data(
    rows: list[tuple[str, str, str]], *, initial: int = 0, delete: tuple[int, ...] = ()
) -> dict:
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(initial),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "50",
    }
    for i, (weekday, start, end) in enumerate(rows):
        data.update(
            {f"hours-{i}-weekday": weekday, f"hours-{i}-start": start, f"hours-{i}-end": end}
        )
        if i in delete:
            data[f"hours-{i}-DELETE"] = "on"
    return data


def periods(site) -> list[str]:
    return [
        f"{p.weekday} {p.start:%H:%M}-{p.end:%H:%M}"
        for p in DeskPeriod.objects.filter(site=site).order_by("weekday", "start")
    ]


def test_it_shows_the_current_periods_and_spare_rows(client_for, world):
    response = client_for("site_manager").get(
        reverse("workspace:site_hours", args=[world.site_a.public_id])
    )
    page = html(response)
    assert page.get_element_by_id("id_hours-TOTAL_FORMS").get("value") == "13"  # 10 + 3 empty
    assert page.get_element_by_id("id_hours-0-start").get("value") == "09:00"
    assert page.get_element_by_id("id_hours-12-start").get("value") is None


def test_it_replaces_the_weekly_periods(client_for, world):
    url = reverse("workspace:site_hours", args=[world.site_a.public_id])
    response = client_for("site_manager").post(
        url,
        hours_data(
            [
                ("0", "09:00", "12:00"),
                ("2", "13:30", "17:00"),
                ("5", "09:00", "11:00"),
                ("", "", ""),  # an untouched spare row
            ]
        ),
        follow=True,
    )
    assert "咨询时段已保存。" in status_messages(response)
    assert periods(world.site_a) == ["0 09:00-12:00", "2 13:30-17:00", "5 09:00-11:00"]
    event = AuditEvent.objects.get(action="site.hours")
    assert event.actor == world.personas["site_manager"]


def test_it_saves_the_page_posted_back_as_rendered(client_for, world):
    client = client_for("site_manager")
    url = reverse("workspace:site_hours", args=[world.site_a.public_id])
    form = html(client.get(url)).xpath("//main//form")[0]
    data = {
        i.get("name"): i.get("value") or ""
        for i in form.xpath(".//input[@name]")
        if i.get("type") != "checkbox"
    }
    for select in form.xpath(".//select"):
        chosen = select.xpath("./option[@selected]/@value")
        data[select.get("name")] = chosen[0] if chosen else ""
    data["hours-9-end"] = "16:30"  # Friday afternoon ends earlier
    data.update({"hours-10-weekday": "5", "hours-10-start": "09:00", "hours-10-end": "11:00"})
    data["hours-0-DELETE"] = "on"
    client.post(url, data)
    saved = periods(world.site_a)
    assert len(saved) == 10
    assert "0 09:00-12:00" not in saved
    assert "4 13:00-16:30" in saved
    assert "5 09:00-11:00" in saved


def test_it_deletes_rows_ticked_for_deletion(client_for, world):
    url = reverse("workspace:site_hours", args=[world.site_a.public_id])
    client_for("street_admin").post(
        url, hours_data([("0", "09:00", "12:00"), ("0", "13:00", "17:00")], initial=2, delete=(1,))
    )
    assert periods(world.site_a) == ["0 09:00-12:00"]


def test_it_rejects_overlapping_periods_and_keeps_what_was_typed(client_for, world):
    before = periods(world.site_a)
    url = reverse("workspace:site_hours", args=[world.site_a.public_id])
    response = client_for("site_manager").post(
        url,
        hours_data(
            [
                ("0", "09:00", "12:00"),
                ("0", "11:00", "14:00"),
                ("3", "09:00", "10:00"),
            ]
        ),
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    message = "周一 的时段 上午9:00–中午12:00 与 上午11:00–下午2:00 重叠。"
    # In the summary, linking to the later of the two periods, and at that row's field.
    assert ("#id_hours-1-start", f"时段 2：{message}") in summary_links(response)
    assert message in field_error(response, "id_hours-1-start")
    page = html(response)
    summary = page.xpath("//*[@data-error-summary]")[0]
    assert summary.get("autofocus") is not None and summary.get("tabindex") == "-1"
    assert page.get_element_by_id("id_hours-1-start").get("aria-invalid") == "true"
    # Everything typed is still there.
    assert page.get_element_by_id("id_hours-1-start").get("value") == "11:00"
    assert page.get_element_by_id("id_hours-1-end").get("value") == "14:00"
    assert page.get_element_by_id("id_hours-2-end").get("value") == "10:00"
    assert page.xpath("//select[@id='id_hours-2-weekday']/option[@selected]/@value") == ["3"]
    # Nothing saved.
    assert periods(world.site_a) == before
    assert not AuditEvent.objects.filter(action="site.hours").exists()


def test_it_rejects_a_period_that_ends_before_it_starts(client_for, world):
    before = periods(world.site_a)
    url = reverse("workspace:site_hours", args=[world.site_a.public_id])
    response = client_for("site_manager").post(url, hours_data([("4", "15:00", "14:00")]))
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    message = "周五 下午3:00–下午2:00：结束时间必须晚于开始时间。"
    assert ("#id_hours-0-end", f"时段 1：{message}") in summary_links(response)
    assert message in field_error(response, "id_hours-0-end")
    assert periods(world.site_a) == before


def test_it_asks_for_the_missing_parts_of_a_row(client_for, world):
    url = reverse("workspace:site_hours", args=[world.site_a.public_id])
    response = client_for("site_manager").post(url, hours_data([("1", "09:00", "")]))
    assert title(response).startswith("错误：")
    assert ("#id_hours-0-end", "时段 1：请填写结束时间。") in summary_links(response)


# --- Exceptions ---------------------------------------------------------------------------


def test_it_adds_a_closed_day_and_lists_it(client_for, world):
    day = timezone.localdate() + dt.timedelta(days=5)
    url = reverse("workspace:site_exceptions", args=[world.site_a.public_id])
    response = client_for("site_manager").post(
        url, {"date": day.isoformat(), "kind": "closed", "reason": "设备检修"}, follow=True
    )
    assert "例外安排已添加。" in status_messages(response)
    assert DeskException.objects.filter(site=world.site_a, date=day, kind="closed").exists()
    assert "设备检修" in text(html(response).xpath("//table")[0])
    assert AuditEvent.objects.filter(action="site.exception.add").exists()


def test_it_rejects_special_hours_without_times(client_for, world):
    day = timezone.localdate() + dt.timedelta(days=5)
    url = reverse("workspace:site_exceptions", args=[world.site_a.public_id])
    response = client_for("site_manager").post(
        url, {"date": day.isoformat(), "kind": "open", "reason": "周末加开"}
    )
    assert response.status_code == 200
    assert title(response).startswith("错误：")
    links = summary_links(response)
    assert ("#id_start", "请填写开始时间。") in links
    assert ("#id_end", "请填写结束时间。") in links
    assert html(response).get_element_by_id("id_reason").get("value") == "周末加开"
    assert html(response).get_element_by_id("id_kind_1").get("checked") is not None
    assert not DeskException.objects.exists()


def test_it_links_a_missing_choice_to_its_first_option(client_for, world):
    url = reverse("workspace:site_exceptions", args=[world.site_a.public_id])
    response = client_for("site_manager").post(url, {"date": ""})
    links = dict(summary_links(response))
    assert links["#id_date"] == "请填写日期。"
    assert links["#id_kind_0"] == "请选择例外类型。"


def test_it_deletes_an_exception_after_asking(client_for, world):
    exc = DeskException.objects.create(
        site=world.site_a,
        kind="closed",
        reason="停电",
        date=timezone.localdate() + dt.timedelta(days=3),
    )
    client = client_for("site_manager")
    url = reverse("workspace:site_exception_delete", args=[world.site_a.public_id, exc.pk])
    confirm = client.get(url)
    assert "确定删除" in text(html(confirm))
    assert DeskException.objects.filter(pk=exc.pk).exists()
    response = client.post(url, follow=True)
    assert "例外安排已删除。" in status_messages(response)
    assert not DeskException.objects.filter(pk=exc.pk).exists()
    assert AuditEvent.objects.filter(action="site.exception.remove").exists()


def test_it_will_not_delete_another_sites_exception_through_this_site(client_for, world):
    exc = DeskException.objects.create(
        site=world.site_b, kind="closed", date=timezone.localdate() + dt.timedelta(days=3)
    )
    url = reverse("workspace:site_exception_delete", args=[world.site_a.public_id, exc.pk])
    assert client_for("site_manager").post(url).status_code == 404
    assert DeskException.objects.filter(pk=exc.pk).exists()
