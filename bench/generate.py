"""A deterministic data set for the benchmarks: a city, its districts, streets and sites.

``generate(seed=..., sites=10_000, streets=300)`` writes into the configured database
(Django must be set up) and returns what it made. The same seed gives the same rows:
every random choice comes from one ``random.Random(seed)``, nothing from the clock.

The shape follows the programme in Shanghai: sites cluster around their street's centre,
most desks are staffed on weekday office hours, some on Saturday, a few in the evening,
and a share of sites have dated exceptions (closures, shorter or extra days) in the weeks
around the benchmark date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from huoban.lib.ids import USCC_CHARSET, uscc_check_char
from huoban.regions.models import Region, RegionLevel
from huoban.sites.models import (
    DeskException,
    DeskPeriod,
    ExceptionKind,
    Organisation,
    Service,
    Site,
    SiteStatus,
    VenueType,
)

BENCH_DATE = dt.date(2026, 11, 23)  # a Monday
BATCH = 1_000

# The coordinate box the sites are spread over (WGS-84, around Shanghai).
LAT_MIN, LAT_MAX = 30.7, 31.5
LNG_MIN, LNG_MAX = 121.0, 121.9

CITY = ("310000000", "上海市")
DISTRICTS = [
    ("310101000", "黄浦区"),
    ("310104000", "徐汇区"),
    ("310105000", "长宁区"),
    ("310106000", "静安区"),
    ("310107000", "普陀区"),
    ("310109000", "虹口区"),
    ("310110000", "杨浦区"),
    ("310112000", "闵行区"),
    ("310113000", "宝山区"),
    ("310114000", "嘉定区"),
    ("310115000", "浦东新区"),
    ("310116000", "金山区"),
    ("310117000", "松江区"),
    ("310118000", "青浦区"),
    ("310120000", "奉贤区"),
    ("310151000", "崇明区"),
]
STREET_HEADS = (  # noqa: SIM905
    "新华 长寿 江宁 曹家 石门 天平 枫林 田林 康健 华泾 凌云 虹梅 龙华 斜土 "
    "江川 古美 莘庄 七宝 真如 万里 宜川 长风 殷行 五角 延吉 大桥 平凉 江浦 "
    "四平 控江 陆家 花木 周家 塘桥 洋泾 金杨 潍坊 张江 高桥 川沙"
).split()
STREET_TAILS = ["路街道", "街道", "镇", "新村街道", "桥街道"]
ROADS = (  # noqa: SIM905
    "中山 南京 淮海 延安 西藏 四川 浦东 世纪 龙阳 漕溪 "
    "宜山 武宁 曹杨 大渡河 共和新 四平 长阳 周家嘴 杨高 沪闵"
).split()
VENUE_NAMES = {
    VenueType.COMMUNITY_CENTRE: "社区综合为老服务中心",
    VenueType.NEIGHBOURHOOD_CENTRE: "党群服务站",
    VenueType.ACTIVITY_ROOM: "老年活动室",
    VenueType.CANTEEN: "长者食堂",
    VenueType.DAY_CARE: "日间照护中心",
    VenueType.CARE_HOUSE: "长者照护之家",
    VenueType.ELDER_CARE_HOME: "敬老院",
    VenueType.LIBRARY: "社区图书馆",
    VenueType.BANK: "银行网点",
    VenueType.TELECOM: "通信营业厅",
    VenueType.SCHOOL: "社区学校",
    VenueType.OTHER: "睦邻点",
}
VENUE_WEIGHTS = [18, 22, 14, 8, 6, 4, 4, 4, 6, 6, 5, 3]
STATUS_WEIGHTS = [
    (SiteStatus.ACTIVE, 92),
    (SiteStatus.DRAFT, 3),
    (SiteStatus.SUSPENDED, 3),
    (SiteStatus.CLOSED, 2),
]


def _t(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


# Weekly desk hours: (share, periods builder). Weekday 0 is Monday.
def _office(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    start = rng.choice(["8:30", "9:00", "9:00", "9:00", "9:30"])
    end = rng.choice(["16:30", "17:00", "17:00", "17:00", "17:30"])
    return [(d, _t(start), _t("12:00")) for d in range(5)] + [
        (d, _t("13:00"), _t(end)) for d in range(5)
    ]


def _office_and_saturday(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    return [*_office(rng), (5, _t("9:00"), _t("12:00"))]


def _six_days(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    return [(d, _t("8:30"), _t("11:30")) for d in range(6)] + [
        (d, _t("13:30"), _t("16:30")) for d in range(6)
    ]


def _afternoons_and_evenings(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    days = sorted(rng.sample(range(5), 3))
    return [(d, _t("14:00"), _t("16:00")) for d in days] + [
        (d, _t("18:30"), _t("20:30")) for d in range(5)
    ]


def _every_day(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    return [(d, _t("9:00"), _t("17:00")) for d in range(7)]


def _no_hours(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    return []


HOUR_PROFILES = [
    (_office, 60),
    (_office_and_saturday, 15),
    (_six_days, 10),
    (_afternoons_and_evenings, 8),
    (_every_day, 5),
    (_no_hours, 2),
]


@dataclass
class Generated:
    city: Region
    districts: list[Region] = field(default_factory=list)
    streets: list[Region] = field(default_factory=list)
    organisations: int = 0
    sites: int = 0
    periods: int = 0
    exceptions: int = 0
    service_links: int = 0


def _uscc(rng: random.Random, division: str) -> str:
    authority, category = rng.choice([("5", "2"), ("5", "1"), ("9", "1"), ("1", "2")])
    body = "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    first17 = f"{authority}{category}{division}{body}"
    return first17 + uscc_check_char(first17)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _coord(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _regions(rng: random.Random, n_streets: int, n_districts: int) -> Generated:
    now_regions: list[Region] = []
    city = Region(
        code=CITY[0],
        name=CITY[1],
        level=RegionLevel.CITY,
        path=f"{CITY[0]}/",
        latitude=_coord(31.23),
        longitude=_coord(121.47),
    )
    city.save()
    out = Generated(city=city)
    for code, name in DISTRICTS[:n_districts]:
        lat = rng.uniform(LAT_MIN + 0.08, LAT_MAX - 0.08)
        lng = rng.uniform(LNG_MIN + 0.08, LNG_MAX - 0.08)
        now_regions.append(
            Region(
                code=code,
                name=name,
                level=RegionLevel.DISTRICT,
                parent=city,
                path=f"{city.path}{code}/",
                latitude=_coord(lat),
                longitude=_coord(lng),
            )
        )
    out.districts = Region.objects.bulk_create(now_regions)
    streets = []
    for i in range(n_streets):
        district = out.districts[i % len(out.districts)]
        number = 2 + i // len(out.districts)  # 街道 codes 002, 003, … within the district
        code = f"{district.code[:6]}{number:03d}"
        lat = _clamp(rng.gauss(float(district.latitude), 0.035), LAT_MIN, LAT_MAX)
        lng = _clamp(rng.gauss(float(district.longitude), 0.04), LNG_MIN, LNG_MAX)
        name = rng.choice(STREET_HEADS) + rng.choice(STREET_TAILS)
        streets.append(
            Region(
                code=code,
                name=name,
                level=RegionLevel.STREET,
                parent=district,
                path=f"{district.path}{code}/",
                latitude=_coord(lat),
                longitude=_coord(lng),
            )
        )
    out.streets = Region.objects.bulk_create(streets, batch_size=BATCH)
    return out


def _exceptions(
    rng: random.Random, site_id: int, today: dt.date, weekly: set[int]
) -> list[DeskException]:
    """Dated changes for one site: closures, shorter days, extra Saturdays."""
    out: list[DeskException] = []
    used: set[dt.date] = set()
    roll = rng.random()
    if roll < 0.12:  # a closure somewhere in the week before or the month after
        day = today + dt.timedelta(days=rng.randint(-7, 30))
        out.append(
            DeskException(
                site_id=site_id,
                date=day,
                kind=ExceptionKind.CLOSED,
                reason=rng.choice(["设备检修", "场地另有活动", "工作人员培训"]),
            )
        )
        used.add(day)
    if rng.random() < 0.03 and today not in used:  # closed on the benchmark day itself
        out.append(
            DeskException(site_id=site_id, date=today, kind=ExceptionKind.CLOSED, reason="临时闭馆")
        )
        used.add(today)
    if rng.random() < 0.03:  # shorter hours on a day of the benchmark week
        day = today + dt.timedelta(days=rng.randint(0, 4))
        if day not in used:
            out.append(
                DeskException(
                    site_id=site_id,
                    date=day,
                    kind=ExceptionKind.OPEN,
                    start=_t("9:00"),
                    end=_t("11:00"),
                    reason="下午停诊",
                )
            )
            used.add(day)
    if rng.random() < 0.04:  # an extra Saturday session (with a morning and an afternoon)
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
        if saturday not in used and 5 not in weekly:
            out.append(
                DeskException(
                    site_id=site_id,
                    date=saturday,
                    kind=ExceptionKind.OPEN,
                    start=_t("9:30"),
                    end=_t("11:30"),
                    reason="周末专场",
                )
            )
            out.append(
                DeskException(
                    site_id=site_id,
                    date=saturday,
                    kind=ExceptionKind.OPEN,
                    start=_t("14:00"),
                    end=_t("16:00"),
                    reason="周末专场",
                )
            )
            used.add(saturday)
    return out


@transaction.atomic
def generate(
    *,
    seed: int = 20261123,
    sites: int = 10_000,
    streets: int = 300,
    districts: int = 15,
    today: dt.date = BENCH_DATE,
) -> Generated:
    """Create the benchmark data set in the configured (empty) database."""
    rng = random.Random(seed)
    districts = max(1, min(districts, len(DISTRICTS), streets))
    out = _regions(rng, streets, districts)

    orgs = []
    for i in range(max(3, sites // 250)):
        division = rng.choice(out.districts).code[:6]
        orgs.append(
            Organisation(
                name=f"上海市{rng.choice(STREET_HEADS)}为老服务社{i + 1}",
                uscc=_uscc(rng, division),
                contact_name=rng.choice(["王", "李", "张", "陈", "刘"])
                + rng.choice(["老师", "主任"]),
                contact_phone=f"021-{rng.randint(5000_0000, 6999_9999)}",
            )
        )
    # USCCs are unique: the random part has 31**9 values, so a repeat is near impossible,
    # but a fixed seed must never fail, so drop any.
    orgs = list({o.uscc: o for o in orgs}.values())
    orgs = Organisation.objects.bulk_create(orgs, batch_size=BATCH)
    out.organisations = len(orgs)

    # Every street gets a site; the rest go to streets in proportion to a random weight.
    weights = [rng.uniform(0.3, 2.0) for _ in out.streets]
    street_of = list(out.streets[: min(sites, len(out.streets))])
    street_of += rng.choices(out.streets, weights=weights, k=sites - len(street_of))
    venue_types = list(VENUE_NAMES)
    statuses = [s for s, _w in STATUS_WEIGHTS]
    status_weights = [w for _s, w in STATUS_WEIGHTS]

    site_objs = []
    hours: list[list[tuple[int, dt.time, dt.time]]] = []
    profiles = [p for p, _w in HOUR_PROFILES]
    profile_weights = [w for _p, w in HOUR_PROFILES]
    for n, street in enumerate(street_of, start=1):
        venue = rng.choices(venue_types, weights=VENUE_WEIGHTS)[0]
        lat = _clamp(rng.gauss(float(street.latitude), 0.008), LAT_MIN, LAT_MAX)
        lng = _clamp(rng.gauss(float(street.longitude), 0.009), LNG_MIN, LNG_MAX)
        level = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        certified = level if rng.random() < 0.6 else None
        site_objs.append(
            Site(
                organisation=rng.choice(orgs),
                region=street,
                region_path=street.path,
                name=f"{street.name.removesuffix('街道')}{VENUE_NAMES[venue]}（{n}号点）",
                venue_type=venue,
                address=f"{rng.choice(ROADS)}路{rng.randint(1, 2000)}号",
                latitude=_coord(lat),
                longitude=_coord(lng),
                phone=f"021-{rng.randint(5000_0000, 6999_9999)}",
                level_claimed=level,
                level_certified=certified,
                status=rng.choices(statuses, weights=status_weights)[0],
                classroom_capacity=rng.choice([0, 0, 12, 20, 30]) if level == 1 else 24,
                has_projector=level >= 2,
                has_microphone=level >= 2,
                has_showcase=level == 3,
            )
        )
        hours.append(rng.choices(profiles, weights=profile_weights)[0](rng))
    site_objs = Site.objects.bulk_create(site_objs, batch_size=BATCH)
    out.sites = len(site_objs)

    periods: list[DeskPeriod] = []
    exceptions: list[DeskException] = []
    for site, weekly in zip(site_objs, hours, strict=True):
        periods += [DeskPeriod(site_id=site.pk, weekday=d, start=s, end=e) for d, s, e in weekly]
        exceptions += _exceptions(rng, site.pk, today, {d for d, _s, _e in weekly})
    DeskPeriod.objects.bulk_create(periods, batch_size=BATCH)
    DeskException.objects.bulk_create(exceptions, batch_size=BATCH)
    out.periods, out.exceptions = len(periods), len(exceptions)

    service_ids = dict(Service.objects.values_list("code", "pk"))
    through = Site.services.through
    links = []
    others = sorted(code for code in service_ids if code != "help_desk")
    for site in site_objs:
        codes = {"help_desk", *rng.sample(others, rng.randint(1, 4))} if others else set()
        links += [
            through(site_id=site.pk, service_id=service_ids[c])
            for c in sorted(codes)
            if c in service_ids
        ]
    through.objects.bulk_create(links, batch_size=BATCH)
    out.service_links = len(links)
    return out
