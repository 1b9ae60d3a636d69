"""The catalogue of services and the ten high-frequency scenarios (seed 001)."""

from django.db import migrations

SERVICES = [
    ("help_desk", "service", "答疑帮办", "Help desk", 1),
    ("classes", "service", "课堂培训", "Classes", 2),
    ("product_showcase", "service", "产品体验", "Product experience", 3),
    ("phone_help", "service", "电话答疑", "Help by phone", 4),
    ("home_visit", "service", "上门帮办", "Home visits", 5),
    ("medical", "scenario", "就医", "Seeing a doctor", 1),
    ("travel", "scenario", "出行", "Getting around", 2),
    ("show_code", "scenario", "亮码", "Showing a code", 3),
    ("scan_code", "scenario", "扫码", "Scanning a code", 4),
    ("chat", "scenario", "聊天", "Chatting", 5),
    ("pay_bills", "scenario", "缴费", "Paying bills", 6),
    ("shopping", "scenario", "购物", "Shopping", 7),
    ("entertainment", "scenario", "文娱", "Entertainment", 8),
    ("phone_basics", "scenario", "用机", "Phone basics", 9),
    ("safety", "scenario", "安全", "Safety and anti-fraud", 10),
]


def add(apps, schema_editor):
    Service = apps.get_model("sites", "Service")
    for code, kind, name, name_en, sort in SERVICES:
        Service.objects.update_or_create(
            code=code, defaults={"kind": kind, "name": name, "name_en": name_en, "sort": sort}
        )


def remove(apps, schema_editor):
    apps.get_model("sites", "Service").objects.filter(code__in=[s[0] for s in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
