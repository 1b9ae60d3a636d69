from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "huoban.api"
    verbose_name = "API"
