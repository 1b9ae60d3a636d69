from django.urls import path

from huoban.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
]
