from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "huoban.evaluations"
    verbose_name = "评价 Evaluations"
