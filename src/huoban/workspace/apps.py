from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "huoban.workspace"
    verbose_name = "工作台"
