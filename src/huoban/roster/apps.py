from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "huoban.roster"
    verbose_name = "值班 Duty roster"
