"""The demo's volunteers: one of each kind, the newcomer without pledges, a certificate."""

from __future__ import annotations

import io

import time_machine
from django.core.management import call_command

from huoban.accounts.models import User
from huoban.people.models import Certificate, Volunteer
from huoban.people.volunteers import is_onboarded
from huoban.records.hours import service_hours
from tests.conftest import NOW


def check_the_demo_loads_volunteers_of_each_kind(output: str) -> None:
    with time_machine.travel(NOW, tick=False):
        assert "志愿者资料 6 份，学生服务时长证明 1 份。" in output
        own = User.objects.get(mobile="13900000005")
        assert is_onboarded(own) and "沪语" in own.volunteer_profile.dialect_labels
        students = Volunteer.objects.filter(is_student=True).exclude(school="")
        assert students.count() == 2
        assert Volunteer.objects.filter(dialects__contains=",cantonese,").exists()
        newcomer = User.objects.get(mobile="13900080005")
        assert not is_onboarded(newcomer)
        certificate = Certificate.objects.get()
        assert certificate.school == "上海市曹杨第二中学" and certificate.minutes == 6 * 180
        first = User.objects.get(mobile="13900080001")
        start = NOW.replace(day=1, hour=0, minute=0)
        assert service_hours(first, start, NOW).minutes > 0
        call_command("load_demo", stdout=io.StringIO())
        assert Certificate.objects.count() == 1
