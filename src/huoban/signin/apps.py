from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "huoban.signin"
    verbose_name = "登录与亲友绑定 Sign-in"
