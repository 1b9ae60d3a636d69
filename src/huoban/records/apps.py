from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "huoban.records"
    verbose_name = "服务记录 Records"
