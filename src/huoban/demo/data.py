"""The demo: Putuo district's ten streets and towns (seed 001), 30 sites, one account a role.

Deterministic: the same data every time, loaded through the services like real input.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# Approximate centres of Putuo's streets and towns (WGS-84).
STREETS = {
    "310107005": ("曹杨新村街道", "31.2405", "121.4095"),
    "310107014": ("长风新村街道", "31.2240", "121.3980"),
    "310107015": ("长寿路街道", "31.2430", "121.4370"),
    "310107016": ("甘泉路街道", "31.2620", "121.4430"),
    "310107017": ("石泉路街道", "31.2530", "121.4300"),
    "310107020": ("宜川路街道", "31.2560", "121.4500"),
    "310107021": ("万里街道", "31.2750", "121.4170"),
    "310107022": ("真如镇街道", "31.2520", "121.4000"),
    "310107102": ("长征镇", "31.2430", "121.3830"),
    "310107103": ("桃浦镇", "31.2850", "121.3900"),
}

ORGANISATIONS = [
    # name, 17-character body of the credit code (the check character is computed)
    ("上海市普陀区社区为老服务中心", "52310107MJ5000001"),
    ("上海普陀长者照护服务社", "52310107MJ5000002"),
    ("上海市普陀区图书馆", "12310107425000003"),
    ("普惠银行股份有限公司上海普陀支行", "91310107MA1G00004"),
    ("上海银龄数字科技有限公司", "91310107MA1G00005"),
]

VENUES = [
    # suffix, venue type, organisation index
    ("社区综合为老服务中心", "community_centre", 0),
    ("长者照护之家", "care_house", 1),
    ("老年日间照护中心", "day_care", 1),
    ("社区长者食堂", "canteen", 0),
    ("老年活动室", "activity_room", 0),
    ("党群服务中心", "neighbourhood_centre", 0),
    ("分馆", "library", 2),
    ("普惠银行网点", "bank", 3),
    ("数字体验馆", "other", 4),
    ("养老院", "elder_care_home", 1),
    ("社区学校", "school", 0),
    ("通信营业厅", "telecom", 4),
]

ROADS = [
    "兰溪路",
    "梅岭北路",
    "常德路",
    "志丹路",
    "铜川路",
    "宜川路",
    "真北路",
    "枫桥路",
    "金沙江路",
    "大渡河路",
    "武宁路",
    "中山北路",
    "岚皋路",
    "新村路",
    "怒江北路",
]

MORNING = (dt.time(9), dt.time(11, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17))
HOURS_PATTERNS = [
    # name, {weekday: [(start, end), ...]}
    ("weekdays", {d: [MORNING, AFTERNOON] for d in range(5)}),
    ("three_days", {d: [(dt.time(9), dt.time(12)), (dt.time(13), dt.time(16))] for d in (0, 2, 4)}),
    ("six_days", {d: [(dt.time(8, 30), dt.time(14))] for d in range(6)}),
    (
        "with_evening",
        {
            **{d: [MORNING] for d in range(5)},
            1: [MORNING, (dt.time(18), dt.time(20, 30))],
            3: [MORNING, (dt.time(18), dt.time(20, 30))],
        },
    ),
    ("every_day", {d: [(dt.time(9), dt.time(12)), (dt.time(14), dt.time(17))] for d in range(7)}),
]

SERVICES_BY_LEVEL = {
    1: ["help_desk", "phone_help"],
    2: ["help_desk", "phone_help", "classes"],
    3: ["help_desk", "phone_help", "classes", "product_showcase"],
}
SCENARIOS = [
    "medical",
    "travel",
    "show_code",
    "scan_code",
    "chat",
    "pay_bills",
    "shopping",
    "entertainment",
    "phone_basics",
    "safety",
]

PASSWORD = "huoban-demo-2026"  # noqa: S105 - the published demo password
# mobile, name, role, scope: ("region", code) | ("site", index) | ("organisation", index) | None
ACCOUNTS = [
    ("13900000001", "市项目办 周老师", "programme_office", ("region", "310000000")),
    ("13900000002", "普陀区 王科长", "district_admin", ("region", "310107000")),
    ("13900000003", "曹杨新村街道 李主任", "street_admin", ("region", "310107005")),
    ("13900000004", "站点负责人 陈站长", "site_manager", ("site", 0)),
    ("13900000005", "志愿者 小张", "volunteer", ("site", 0)),
    ("13900000006", "评审专家 赵教授", "reviewer", None),
    ("13900000007", "银龄科技 孙经理", "vendor", ("organisation", 4)),
    ("13900000008", "长者 刘阿姨", "elder", None),
    ("13900000009", "亲友 刘女士", "family", None),
]


def demo_sites() -> list[dict]:
    """Three sites per street: every venue type and every level appear."""
    sites = []
    for street_index, (code, (street, lat, lng)) in enumerate(STREETS.items()):
        for k in range(3):
            n = street_index * 3 + k
            suffix, venue, org = VENUES[n % len(VENUES)]
            level = (n % 3) + 1
            short = street.removesuffix("街道").removesuffix("镇").removesuffix("新村")
            offset_lat = Decimal((k - 1) * 37 + (street_index % 3) * 5) / Decimal(10000)
            offset_lng = Decimal((k * 2 - 1) * 29 - (street_index % 2) * 11) / Decimal(10000)
            sites.append(
                {
                    "street": code,
                    "name": f"{short}{suffix}",
                    "venue_type": venue,
                    "organisation": org,
                    "address": f"{ROADS[n % len(ROADS)]}{100 + n * 17}号",
                    "latitude": (Decimal(lat) + offset_lat).quantize(Decimal("0.000001")),
                    "longitude": (Decimal(lng) + offset_lng).quantize(Decimal("0.000001")),
                    "phone": f"021-6{2000000 + n * 1357:07d}",
                    "level_claimed": level,
                    "level_certified": level if n % 4 else None,
                    "hours": HOURS_PATTERNS[n % len(HOURS_PATTERNS)][1],
                    "classroom_capacity": 0 if level == 1 else 20 + (n % 4) * 10,
                    "has_projector": level >= 2,
                    "has_microphone": level >= 2,
                    "has_showcase": level == 3,
                    "services": SERVICES_BY_LEVEL[level] + SCENARIOS[n % 5 : n % 5 + 5],
                    "description": (
                        f"在{street}，志愿者帮您解决手机上的难题：挂号就医、打车出行、亮码扫码、"
                        "微信聊天、缴费购物，也教您识别诈骗电话。"
                    ),
                }
            )
    return sites


def demo_exceptions(today: dt.date) -> list[tuple[int, dict]]:
    """Dated exceptions near ``today``: a holiday closure, shorter hours, an extra day."""
    days_to_sat = (5 - today.weekday()) % 7 or 7
    return [
        (
            0,
            {
                "date": today + dt.timedelta(days=3),
                "kind": "closed",
                "reason": "设备检修，暂停一天",
            },
        ),
        (
            1,
            {
                "date": today + dt.timedelta(days=days_to_sat),
                "kind": "open",
                "start": dt.time(9),
                "end": dt.time(11),
                "reason": "周六加开：手机防诈骗答疑",
            },
        ),
        (
            4,
            {
                "date": today + dt.timedelta(days=1),
                "kind": "open",
                "start": dt.time(13, 30),
                "end": dt.time(16),
                "reason": "上午社区活动，只开下午",
            },
        ),
        (7, {"date": today + dt.timedelta(days=10), "kind": "closed", "reason": "网点装修"}),
    ]
