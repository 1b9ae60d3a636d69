from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "huoban.audit"
    verbose_name = "审计 Audit"
