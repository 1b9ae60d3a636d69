from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "huoban.notify"
    verbose_name = "通知 Notifications"
