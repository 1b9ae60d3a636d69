from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "huoban.classes"
    verbose_name = "课堂 Classes"
