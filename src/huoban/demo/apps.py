from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "huoban.demo"
    verbose_name = "演示数据 Demo"
