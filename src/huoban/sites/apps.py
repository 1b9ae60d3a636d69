from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "huoban.sites"
    verbose_name = "站点 Sites"
