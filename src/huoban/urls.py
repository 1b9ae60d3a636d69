from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from huoban.api.urls import api

urlpatterns = [
    path("", include("huoban.portal.urls")),
    path("accounts/", include("huoban.workspace.account_urls")),
    path("workspace/", include("huoban.workspace.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
