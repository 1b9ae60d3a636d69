from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "huoban.budget"
    verbose_name = "经费 Budget"
