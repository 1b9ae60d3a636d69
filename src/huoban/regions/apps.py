from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "huoban.regions"
    verbose_name = "行政区划 Regions"

    def ready(self) -> None:
        from huoban.regions import lookups

        lookups.register()
