from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "huoban.targets"
    verbose_name = "指标 Targets"
