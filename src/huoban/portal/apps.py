from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "huoban.portal"
    verbose_name = "门户"
