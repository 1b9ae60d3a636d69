from django.urls import path

from huoban.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/", views.site_finder, name="finder"),
    path("map/", views.site_map, name="map"),
    path("sites/<uuid:public_id>/", views.site_page, name="site"),
    path("sites/<uuid:public_id>/qr.svg", views.site_qr, name="site_qr"),
    path("sites/<uuid:public_id>/poster.pdf", views.site_poster, name="site_poster"),
    path("help/", views.help_page, name="help"),
    path("text-size/", views.text_size, name="text_size"),
]
