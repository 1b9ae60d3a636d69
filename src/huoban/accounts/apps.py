from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huoban.accounts"
    verbose_name = "账号 Accounts"
