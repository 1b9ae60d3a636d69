from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from huoban.accounts.models import User
from huoban.accounts.services import membership_grant, user_create
from huoban.demo import classes as demo_classes
from huoban.demo import data
from huoban.demo import evaluations as demo_evaluations
from huoban.demo import portal as demo_portal
from huoban.demo import records as demo_records
from huoban.demo import roster as demo_roster
from huoban.demo import targets as demo_targets
from huoban.demo import volunteers as demo_volunteers
from huoban.lib.ids import uscc_check_char
from huoban.regions.models import Region
from huoban.sites.models import Service, Site
from huoban.sites.services import (
    desk_exception_add,
    desk_hours_set,
    organisation_create,
    site_create,
)


class Command(BaseCommand):
    help = (
        "载入演示数据（普陀区十个街镇、30 个站点、每种角色一个账号、今年以来的帮办记录）。"
        "可重复运行。"
    )

    def handle(self, *args, **options):
        if not Region.objects.filter(code="310000000").exists():
            call_command("import_regions", bundled="shanghai", stdout=self.stdout)
        with transaction.atomic():
            created = self._load()
        if created:
            self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
        else:
            self.stdout.write("演示数据已存在，未重复载入。")
        self._print_accounts()

    def _load(self) -> bool:
        if Site.objects.filter(region__code__in=data.STREETS).exists():
            return False
        for code, (_name, lat, lng) in data.STREETS.items():
            Region.objects.filter(code=code).update(latitude=lat, longitude=lng)
        orgs = [
            organisation_create(actor=None, name=name, uscc=body + uscc_check_char(body))
            for name, body in data.ORGANISATIONS
        ]
        services = {s.code: s for s in Service.objects.all()}
        regions = {r.code: r for r in Region.objects.filter(code__in=data.STREETS)}
        sites = []
        for spec in data.demo_sites():
            site = site_create(
                actor=None,
                organisation=orgs[spec["organisation"]],
                region=regions[spec["street"]],
                services=[services[c] for c in spec["services"]],
                **{
                    k: spec[k]
                    for k in (
                        "name",
                        "venue_type",
                        "address",
                        "latitude",
                        "longitude",
                        "phone",
                        "level_claimed",
                        "level_certified",
                        "classroom_capacity",
                        "has_projector",
                        "has_microphone",
                        "has_showcase",
                        "description",
                    )
                },
            )
            desk_hours_set(
                actor=None,
                site=site,
                periods=[
                    (day, start, end)
                    for day, periods in spec["hours"].items()
                    for start, end in periods
                ],
            )
            sites.append(site)
        for index, exc in data.demo_exceptions(timezone.localdate()):
            desk_exception_add(actor=None, site=sites[index], **exc)
        for mobile, name, role, scope in data.ACCOUNTS:
            user = User.objects.filter(mobile=mobile).first() or user_create(
                actor=None, mobile=mobile, name=name, password=data.PASSWORD
            )
            kwargs = {}
            if scope:
                kind, key = scope
                kwargs[kind] = {
                    "region": lambda c: Region.objects.get(code=c),
                    "site": lambda i: sites[i],
                    "organisation": lambda i: orgs[i],
                }[kind](key)
            membership_grant(actor=None, user=user, role=role, **kwargs)
        today = timezone.localdate()
        for year in range(demo_records.first_day(today).year, today.year + 1):
            demo_targets.load(
                office=User.objects.get(mobile="13900000001"),
                district_admin=User.objects.get(mobile="13900000002"),
                year=year,
            )
        loaded = demo_records.load(
            sites=sites,
            district_admin=User.objects.get(mobile="13900000002"),
            today=timezone.localdate(),
        )
        self.stdout.write(
            "帮办记录 {sessions} 条，长者 {elders} 位，待复核示例 {flagged} 条。".format(**loaded)
        )
        demo_portal.link_elders(site=sites[0], registrar=User.objects.get(mobile="13900000005"))
        classes = demo_classes.load_classes(
            sites=sites,
            district_admin=User.objects.get(mobile="13900000002"),
            now=timezone.now(),
        )
        self.stdout.write(
            "课堂 {sessions} 节，报名 {signups} 人，候补 {waiting} 人，"
            "签到 {attended} 人次。".format(**classes)
        )
        rated = demo_evaluations.load(now=timezone.now())
        self.stdout.write("评价：课堂 {class_ratings} 条，帮办 {help_ratings} 条。".format(**rated))
        demo_portal.book_a_class(site=sites[0], now=timezone.now())
        rostered = demo_roster.load(
            sites=sites,
            planner=User.objects.get(mobile="13900000002"),
            today=timezone.localdate(),
        )
        self.stdout.write(
            "值班班次 {shifts} 个（取消 {cancelled} 个），换班/取消申请 {requests} 条。".format(
                **rostered
            )
        )
        helpers = demo_volunteers.load(sites=sites, today=timezone.localdate())
        self.stdout.write(
            "志愿者资料 {volunteers} 份，学生服务时长证明 {certificates} 份。".format(**helpers)
        )
        return True

    def _print_accounts(self) -> None:
        self.stdout.write(f"\n演示账号（密码都是 {data.PASSWORD}）Demo accounts:")
        for mobile, name, role, _scope in data.ACCOUNTS:
            self.stdout.write(f"  {mobile}  {name}  ({role})")
        self.stdout.write(
            "\n打开 http://127.0.0.1:8000/ ；工作台 http://127.0.0.1:8000/workspace/\n"
        )
