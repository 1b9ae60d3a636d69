"""Values every page template may use."""

from django.conf import settings
from django.http import HttpRequest

TEXT_SIZES = ("normal", "large", "xlarge")


def portal(request: HttpRequest) -> dict:
    size = request.COOKIES.get("text_size", "normal")
    return {
        "programme_name": settings.HUOBAN_PROGRAMME_NAME,
        "help_phone": settings.HUOBAN_HELP_PHONE,
        "text_size": size if size in TEXT_SIZES else "normal",
    }
