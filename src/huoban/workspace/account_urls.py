"""Staff sign-in, sign-out and invitations: /accounts/, URL namespace ``accounts``."""

from django.urls import path

from huoban.workspace.views import accounts as views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("invite/<str:token>/", views.invitation, name="invitation"),
]
