"""Where each operation's ids lead: the links of the OpenAPI document (see ``openapi.py``).

The list operations lead to the operations that take their ids: the timetable to a class's
sign-ups and check-in, a sign-up to cancelling it (and a cancelled one back to sign-up), the
sites in scope to their hours, help records and shifts, a site's week to a shift in one of
its unstaffed spans.
"""

from __future__ import annotations

from huoban.api import classes, public, records, roster, targets, workspace
from huoban.api.openapi import Link

FIRST_ITEM = "$response.body#/items/0/public_id"
THIS_ONE = "$response.body#/public_id"
SAME_PATH = "$request.path.public_id"

LINKS: list[Link] = [
    # Public: the division tree, sites and the timetable.
    Link(
        public.region_list,
        200,
        public.region_detail,
        "第一个区划",
        {"path.code": "$response.body#/0/code"},
    ),
    Link(
        public.region_detail,
        200,
        public.region_list,
        "这个区划的直接下级",
        {"query.parent": "$response.body#/code"},
    ),
    Link(
        public.region_detail,
        200,
        records.ledger_count,
        "这个区划的人次和人数（工作台）",
        {"query.region": "$response.body#/code"},
    ),
    Link(
        public.region_detail,
        200,
        targets.progress,
        "这个区划下一级的指标进度（工作台）",
        {"query.region": "$response.body#/code"},
    ),
    Link(public.site_list, 200, public.site_detail, "第一个站点", {"path.public_id": FIRST_ITEM}),
    Link(public.site_list, 200, classes.class_list, "第一个站点的课表", {"query.site": FIRST_ITEM}),
    Link(public.site_detail, 200, classes.class_list, "这个站点的课表", {"query.site": THIS_ONE}),
    Link(
        classes.class_list,
        200,
        classes.class_detail,
        "最早的一节课",
        {"path.public_id": FIRST_ITEM},
    ),
    *(
        Link(classes.class_list, 200, target, what, {"path.public_id": FIRST_ITEM})
        for target, what in (
            (classes.signup_add, "为最早的一节课报名（工作台）"),
            (classes.signup_list, "最早的一节课的报名名单（工作台）"),
            (classes.check_in, "最早的一节课签到（工作台）"),
        )
    ),
    *(
        Link(classes.class_detail, 200, target, what, {"path.public_id": THIS_ONE})
        for target, what in (
            (classes.signup_add, "为这节课报名（工作台）"),
            (classes.signup_list, "这节课的报名名单（工作台）"),
            (classes.check_in, "这节课签到（工作台）"),
        )
    ),
    # Classes at the desk: sign-up, the list, cancel, check-in.
    Link(
        classes.signup_add,
        201,
        classes.signup_remove,
        "取消这个报名",
        {"path.public_id": THIS_ONE},
    ),
    Link(
        classes.signup_add,
        201,
        classes.check_in,
        "凭这个报名码签到",
        {"path.public_id": "$response.body#/session"},
        {"code": "$response.body#/code"},
    ),
    Link(
        classes.signup_add,
        201,
        classes.signup_list,
        "这节课的报名名单",
        {"path.public_id": "$response.body#/session"},
    ),
    Link(
        classes.signup_list,
        200,
        classes.signup_remove,
        "取消第一个报名",
        {"path.public_id": "$response.body#/0/public_id"},
    ),
    Link(
        classes.signup_list,
        200,
        classes.check_in,
        "凭第一个报名码签到",
        {"path.public_id": SAME_PATH},
        {"code": "$response.body#/0/code"},
    ),
    Link(
        classes.signup_list,
        200,
        classes.signup_add,
        "再为第一位长者报名",
        {"path.public_id": SAME_PATH},
        {"elder": "$response.body#/0/elder"},
    ),
    Link(
        classes.signup_remove,
        200,
        classes.signup_add,
        "为这位长者重新报名",
        {"path.public_id": "$response.body#/session"},
        {"elder": "$response.body#/elder"},
    ),
    Link(
        classes.signup_remove,
        200,
        classes.signup_list,
        "这节课的报名名单",
        {"path.public_id": "$response.body#/session"},
    ),
    Link(
        classes.check_in,
        200,
        classes.signup_list,
        "这节课的报名名单",
        {"path.public_id": SAME_PATH},
    ),
    # Sites in scope: detail, hours, help records, shifts.
    *(
        Link(workspace.site_list, 200, target, what, {"path.public_id": FIRST_ITEM})
        for target, what in (
            (workspace.site_detail, "第一个站点"),
            (workspace.site_hours_set, "设置第一个站点的咨询时段"),
            (roster.site_week, "第一个站点本周的值班"),
            (roster.site_shift_create, "在第一个站点排班"),
        )
    ),
    Link(
        workspace.site_list,
        200,
        records.help_session_list,
        "第一个站点的帮办记录",
        {"query.site": FIRST_ITEM},
    ),
    Link(
        workspace.site_list,
        200,
        records.help_session_create,
        "在第一个站点记录帮办",
        body={"site": FIRST_ITEM},
    ),
    Link(
        workspace.site_detail,
        200,
        workspace.site_hours_set,
        "把现有的咨询时段再保存一次",
        {"path.public_id": THIS_ONE},
        "$response.body#/hours",
    ),
    Link(workspace.site_detail, 200, roster.site_week, "本周的值班", {"path.public_id": THIS_ONE}),
    Link(
        workspace.site_detail,
        200,
        records.help_session_create,
        "在这个站点记录帮办",
        body={"site": THIS_ONE},
    ),
    Link(
        workspace.site_hours_set,
        200,
        workspace.site_detail,
        "这个站点",
        {"path.public_id": SAME_PATH},
    ),
    Link(workspace.me, 200, roster.my_shift_list, "我的值班"),
    # Help records and person-times.
    Link(
        records.help_session_list,
        200,
        records.help_session_create,
        "再记一次和第一条记录一样的帮办（站点、长者、场景、时间）",
        body={
            "site": "$response.body#/items/0/site",
            "elder": "$response.body#/items/0/elder",
            "scenarios": "$response.body#/items/0/scenarios",
            "occurred_at": "$response.body#/items/0/occurred_at",
        },
    ),
    Link(
        records.help_session_create,
        201,
        records.help_session_list,
        "这个站点的帮办记录",
        {"query.site": "$response.body#/site"},
    ),
    Link(
        targets.progress,
        200,
        targets.progress,
        "第一行区划下一级的指标进度",
        {"query.region": "$response.body#/rows/0/code"},
    ),
    Link(
        targets.progress,
        200,
        records.ledger_count,
        "第一行区划的人次和人数",
        {"query.region": "$response.body#/rows/0/code"},
    ),
    # The roster: a shift in the first unstaffed span of Tuesday, for someone already on it.
    Link(
        roster.site_week,
        200,
        roster.site_shift_create,
        "周二第一段无人值班的时间排给本周第一个班次的人",
        {"path.public_id": SAME_PATH},
        {
            "person": "$response.body#/shifts/0/person/public_id",
            "start": "{$response.body#/days/1/date}T{$response.body#/days/1/uncovered/0/start}",
            "end": "{$response.body#/days/1/date}T{$response.body#/days/1/uncovered/0/end}",
        },
    ),
    Link(
        roster.site_shift_create,
        201,
        roster.site_week,
        "这个站点本周的值班",
        {"path.public_id": "$response.body#/site"},
    ),
    Link(
        roster.my_shift_list,
        200,
        roster.site_week,
        "第一个班次所在站点的值班",
        {"path.public_id": "$response.body#/items/0/site"},
    ),
]
