"""The demo's volunteers: one of each kind, with profiles, pledges, hours and a certificate.

* 志愿者 小张 (the demo account): an adult who speaks 沪语, both pledges accepted;
* two student volunteers (数字技能反哺) with school and class, weekend shifts in the past
  weeks, and a service-hour certificate for the first;
* dialect speakers (沪语 and 苏北话; 粤语);
* one newcomer who has not accepted the pledges yet (no badge until they do).

Students' shifts are on Saturdays and Sundays, when the roster demo puts nobody on duty, so
the two never overlap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from huoban.accounts.models import Role, User
from huoban.accounts.services import membership_grant, user_create
from huoban.people.pledges import CURRENT
from huoban.people.volunteers import pledge_accept, volunteer_update
from huoban.records.hours import certificate_issue
from huoban.roster.models import Shift
from huoban.sites.models import Site

OWN_VOLUNTEER = "13900000005"
SITE_MANAGER = "13900000004"
OFFICE = "13900000001"

# (mobile, name, site index, profile, pledged, weekend shifts)
PEOPLE: list[tuple[str, str, int, dict[str, Any], bool, int]] = [
    (
        "13900080001",
        "林同学",
        0,
        {
            "is_student": True,
            "school": "上海市曹杨第二中学",
            "grade": "高一（2）班",
            "guardian_name": "林女士",
            "guardian_mobile": "13900080101",
            "skills": ["phone_basics", "chat", "codes"],
            "dialects": ["mandarin"],
            "availability": ["5_am", "5_pm", "6_am"],
            "bio": "喜欢教爷爷奶奶用手机视频聊天。",
        },
        True,
        6,
    ),
    (
        "13900080002",
        "周同学",
        3,
        {
            "is_student": True,
            "school": "华东师范大学",
            "grade": "社会工作专业 2025 级",
            "skills": ["medical", "government", "anti_fraud"],
            "dialects": ["mandarin", "shanghainese"],
            "availability": ["2_pm", "4_pm", "5_am"],
            "bio": "大学生志愿者，帮长者在手机上挂号、办事。",
        },
        True,
        3,
    ),
    (
        "13900080003",
        "陈阿姨",
        1,
        {
            "skills": ["payments", "anti_fraud", "teaching"],
            "dialects": ["shanghainese", "subei"],
            "availability": ["0_am", "2_am", "4_am"],
            "bio": "退休教师，用上海话和苏北话给老邻居讲课。",
        },
        True,
        0,
    ),
    (
        "13900080004",
        "黄先生",
        4,
        {
            "skills": ["travel", "shopping", "products"],
            "dialects": ["cantonese", "mandarin"],
            "availability": ["1_pm", "3_pm"],
            "skills_other": "会修电脑",
        },
        True,
        0,
    ),
    (
        "13900080005",
        "赵新",
        0,
        {"skills": ["phone_basics"], "dialects": ["mandarin"], "availability": ["6_pm"]},
        False,
        0,
    ),
]


def _pledge(person: User) -> None:
    for text in CURRENT.values():
        pledge_accept(actor=person, person=person, document=text.document, version=text.version)


def _weekend_shifts(person: User, site: Site, count: int, today: dt.date, planner: User) -> None:
    """``count`` Saturday or Sunday afternoons (2–5 pm) in the weeks before today."""
    tz = timezone.get_current_timezone()
    day = today - dt.timedelta(days=1)
    made = 0
    while made < count:
        if day.weekday() in (5, 6):
            Shift.objects.get_or_create(
                site=site,
                person=person,
                start=dt.datetime.combine(day, dt.time(14), tz),
                defaults={
                    "end": dt.datetime.combine(day, dt.time(17), tz),
                    "created_by": planner,
                    "note": "周末学生志愿服务",
                },
            )
            made += 1
        day -= dt.timedelta(days=1)


def load(*, sites: list[Site], today: dt.date) -> dict[str, int]:
    """Create the demo volunteers (idempotent); returns how many and how many certificates."""
    office = User.objects.get(mobile=OFFICE)
    manager = User.objects.get(mobile=SITE_MANAGER)
    own = User.objects.get(mobile=OWN_VOLUNTEER)
    volunteer_update(
        actor=office,
        person=own,
        skills=["phone_basics", "medical", "payments"],
        dialects=["mandarin", "shanghainese"],
        availability=["0_am", "1_am", "2_am", "3_am", "4_am"],
        bio="社区志愿者，每周一到周五上午在服务点值班。",
    )
    _pledge(own)
    certificates = 0
    for mobile, name, index, profile, pledged, weekends in PEOPLE:
        person = User.objects.filter(mobile=mobile).first() or user_create(
            actor=None, mobile=mobile, name=name, password=None
        )
        membership_grant(actor=None, user=person, role=Role.VOLUNTEER, site=sites[index])
        volunteer_update(actor=office, person=person, **profile)
        if pledged:
            _pledge(person)
        if weekends:
            _weekend_shifts(person, sites[index], weekends, today, office)
    first = User.objects.get(mobile=PEOPLE[0][0])
    if not first.volunteer_profile.certificates.exists():  # type: ignore[attr-defined]
        certificate_issue(
            actor=manager,
            person=first,
            site=sites[PEOPLE[0][2]],
            period_start=today - dt.timedelta(days=60),
            period_end=today - dt.timedelta(days=1),
        )
        certificates += 1
    return {"volunteers": len(PEOPLE) + 1, "certificates": certificates}
