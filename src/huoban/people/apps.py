from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "huoban.people"
    verbose_name = "服务对象 Elders"
